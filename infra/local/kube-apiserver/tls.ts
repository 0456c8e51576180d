/**
 * A CA generated at first start (cached in stateDir so kubeconfigs stay valid across restarts) and a serving
 * certificate for 127.0.0.1/localhost signed by it: clients verify the server like a real cluster, no skip-verify.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

interface TlsMaterial {
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const YEARS = (n: number) => new Date(Date.now() + n * 365 * 24 * 3600 * 1000);

async function generateCa(): Promise<{ cert: string; key: string }> {
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'local-kube-apiserver-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: YEARS(10),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

export async function loadOrCreateTls(stateDir: string | undefined, hosts: string[]): Promise<TlsMaterial> {
  let ca: { cert: string; key: string } | undefined;
  if (stateDir) {
    const cert = await readIfExists(join(stateDir, 'ca.crt'));
    const key = await readIfExists(join(stateDir, 'ca.key'));
    if (cert && key) ca = { cert, key };
  }
  if (!ca) {
    ca = await generateCa();
    if (stateDir) {
      await mkdir(stateDir, { recursive: true });
      await writeFile(join(stateDir, 'ca.crt'), ca.cert);
      await writeFile(join(stateDir, 'ca.key'), ca.key, { mode: 0o600 });
    }
  }
  const altNames = hosts.map((h) =>
    /^[\d.]+$|:/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h },
  );
  const server = await selfsigned.generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: YEARS(1),
    ca: { cert: ca.cert, key: ca.key },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caPem: ca.cert, caKeyPem: ca.key, certPem: server.cert, keyPem: server.private };
}

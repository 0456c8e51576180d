/**
 * A TLS-only redis container (KubeDB spec.tls: the container args carry `--tls-port 6379 --port 0 --tls-cert-file
 * /certs/server.crt ...`, see provisioner/tls-args.ts), emulated on the host:
 * - the certificate paths in the args are container paths: rewritten to the host files behind the mounts, like
 *   the path directives of the config file (kubedb-redis-start.ts);
 * - the pod's listener stays TLS-only: the kubelet's own network args say `--port 0 --tls-port <port>` instead of
 *   `--port <port>`, so they cannot reopen the plaintext port the args closed;
 * - the readiness probe connects with the pod's client certificate (`/certs/client.crt`, `/certs/client.key`,
 *   `/certs/ca.crt`: KubeDB's probe is `redis-cli --tls --cert ... --key ... --cacert ...`). Like redis-cli
 *   (hiredis verifies the chain, not the host name) it checks the server's certificate against the CA only: the
 *   probe reaches the pod by IP, which is in no KubeDB server certificate.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { ContainerConfigError } from './container-env.ts';
import { hostPathOf, type MountTable } from './volumes.ts';

const PATH_ARGS = new Set([
  '--tls-cert-file',
  '--tls-key-file',
  '--tls-ca-cert-file',
  '--tls-client-cert-file',
  '--tls-client-key-file',
  '--tls-dh-params-file',
]);

export const usesTls = (args: string[]): boolean => args.includes('--tls-port');

/** The value following `flag` in args (the last occurrence wins, as redis-server applies them in order). */
function argValue(args: string[], flag: string): string | undefined {
  const i = args.lastIndexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

export function rewriteTlsArgPaths(args: string[], table: MountTable): string[] {
  return args.map((arg, i) => {
    if (i === 0 || !PATH_ARGS.has(args[i - 1] ?? '') || !arg.startsWith('/')) return arg;
    return hostPathOf(table, arg) ?? arg;
  });
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ContainerConfigError(`${what} ${path}: ${(err as Error).message}`);
  }
}

/** TLS options of the readiness probe: the pod's client certificate from /certs, else the server's own pair. */
export async function probeTlsOptions(hostArgs: string[], table: MountTable): Promise<ConnectionOptions> {
  const caPath = argValue(hostArgs, '--tls-ca-cert-file');
  if (!caPath) throw new ContainerConfigError('--tls-port without --tls-ca-cert-file');
  const clientCert = hostPathOf(table, '/certs/client.crt');
  const clientKey = hostPathOf(table, '/certs/client.key');
  const certPath = clientCert ?? argValue(hostArgs, '--tls-cert-file');
  const keyPath = clientKey ?? argValue(hostArgs, '--tls-key-file');
  if (!certPath || !keyPath) throw new ContainerConfigError('--tls-port without a certificate and key');
  return {
    ca: await readPem(caPath, 'CA certificate'),
    cert: await readPem(certPath, 'client certificate'),
    key: await readPem(keyPath, 'client key'),
    checkServerIdentity: () => undefined,
  };
}

/** The pod network args of a TLS-only listener (see podNetworkArgs in kubedb-redis-start.ts). */
function tlsPodNetworkArgs(podIP: string, port: number): string[] {
  return ['--bind', podIP, '--port', '0', '--tls-port', String(port), '--bind-source-addr', podIP];
}

/**
 * How the server listens: the container args (certificate paths rewritten when TLS), the kubelet's network args
 * (TLS-only when the args ask for a tls-port) and the readiness probe's TLS options.
 */
export async function listener(
  containerArgs: string[],
  table: MountTable,
  podIP: string,
  port: number,
  /** The plaintext listener's args (podNetworkArgs), used when the container asks for no TLS. */
  plainNetwork: string[],
): Promise<{ containerArgs: string[]; network: string[]; tls?: ConnectionOptions }> {
  if (!usesTls(containerArgs)) return { containerArgs, network: plainNetwork };
  const args = rewriteTlsArgPaths(containerArgs, table);
  return { containerArgs: args, network: tlsPodNetworkArgs(podIP, port), tls: await probeTlsOptions(args, table) };
}

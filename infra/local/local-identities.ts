/** Bearer tokens of the local stack's identities, kept in its state dir so kubeconfigs stay valid across restarts. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface LocalIdentities {
  admin: string;
  functions: string;
}

export async function localIdentities(dir: string): Promise<LocalIdentities> {
  const path = join(dir, 'identities.json');
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LocalIdentities;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const ids = { admin: randomBytes(24).toString('hex'), functions: randomBytes(24).toString('hex') };
  await mkdir(dir, { recursive: true });
  await writeFile(path, JSON.stringify(ids), { mode: 0o600 });
  return ids;
}

/**
 * Which server binary a pod's container runs: the image asks for Valkey (a valkey/* image or KubeDB's
 * /usr/local/etc/valkey mount) → `valkey-server` when it is on PATH (scripts/ensure-redis-server.sh installs it from
 * Debian's bookworm-backports where it can), else `redis-server` standing in, which the pod status and the kubelet's
 * log say. Redis images run `redis-server`. Sentinels of a Valkey RedisSentinel run `valkey-server --sentinel`.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

interface ServerBinary {
  binary: 'redis-server' | 'valkey-server';
  /** The image asked for Valkey but valkey-server is not installed: redis-server runs instead. */
  substitutedValkey: boolean;
}

/** Is `name` an executable file in one of PATH's directories (what `command -v` checks)? */
export function onPath(name: string, path = process.env['PATH'] ?? ''): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false; // not in this directory: look in the next one
      }
    });
}

let valkeyInstalled: boolean | undefined;
/** valkey-server on PATH, looked up once per process (installing it means restarting the local stack). */
export const valkeyServerInstalled = (): boolean => (valkeyInstalled ??= onPath('valkey-server'));

export function serverBinary(wantsValkey: boolean, installed: () => boolean = valkeyServerInstalled): ServerBinary {
  if (!wantsValkey) return { binary: 'redis-server', substitutedValkey: false };
  return installed()
    ? { binary: 'valkey-server', substitutedValkey: false }
    : { binary: 'redis-server', substitutedValkey: true };
}

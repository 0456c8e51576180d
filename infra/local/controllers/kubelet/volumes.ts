/**
 * Volumes as host directories (the generic part of the kubelet's volume manager):
 * - secret: materialised from the API at every container start into <podRoot>/volumes/<volume>/ (the real kubelet
 *   refreshes secret volumes too, so a restarted container sees the current secret); `items` honoured;
 * - emptyDir: <podRoot>/volumes/<volume>/, wiped when a new pod (uid) takes the name;
 * - persistentVolumeClaim: <stateDir>/volumes/<namespace>/<claimName>/, which outlives pods like a PVC
 *   (a PetSet pod's claim is data-<pod>, so a recreated pod finds its data again).
 * - projected with secret sources (KubeDB's `tls-volume`): every source's items written into one directory
 *   <podRoot>/volumes/<volume>/, refreshed at each container start like a secret volume; a missing secret fails the
 *   mount unless the source is optional (kubelet's projected volume plugin). The serviceAccountToken, configMap and
 *   downwardAPI sources of the `kube-api-access-*` volume the API server adds to every pod are left empty: no local
 *   process reads the token, the CA or the namespace file.
 * Mounts map a container path to a host directory (subPath supported). configMap and hostPath volumes are not.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Container, V1Pod, V1VolumeProjection } from '@kubernetes/client-node';
import { ContainerConfigError, type SecretReader } from './container-env.ts';

interface PodPaths {
  stateDir: string;
  podRoot: string;
}

export const podRootOf = (stateDir: string, namespace: string, name: string): string =>
  join(stateDir, 'pods', namespace, name);

/** Container mount path (no trailing slash) → host directory. */
export type MountTable = Map<string, string>;

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

async function writeSecretVolume(
  dir: string,
  data: Record<string, string>,
  items: { key: string; path: string }[] | undefined,
  fresh = true,
): Promise<void> {
  if (fresh) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const entries = items ? items.map((i) => [i.path, data[i.key]] as const) : Object.entries(data);
  for (const [file, value] of entries) {
    if (value === undefined) throw new ContainerConfigError(`secret volume ${dir}: key for ${file} not found`);
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), value, { mode: 0o600 });
  }
}

async function writeProjectedVolume(
  dir: string,
  volumeName: string,
  sources: V1VolumeProjection[],
  namespace: string,
  readSecret: SecretReader,
): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const source of sources) {
    if (source.serviceAccountToken || source.configMap || source.downwardAPI) continue;
    if (!source.secret)
      throw new ContainerConfigError(`volume ${volumeName}: only secret sources of a projected volume are supported`);
    const secretName = source.secret.name ?? '';
    const data = await readSecret(namespace, secretName);
    if (!data) {
      if (source.secret.optional) continue;
      throw new ContainerConfigError(
        `MountVolume.SetUp failed for volume "${volumeName}" : secret "${secretName}" not found`,
      );
    }
    await writeSecretVolume(dir, data, source.secret.items, false);
  }
  await mkdir(dir, { recursive: true });
}

export async function prepareVolumes(
  pod: V1Pod,
  paths: PodPaths,
  readSecret: SecretReader,
): Promise<Map<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const hostDirs = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    let dir: string;
    if (volume.secret) {
      dir = join(paths.podRoot, 'volumes', volume.name);
      const secretName = volume.secret.secretName ?? '';
      const data = await readSecret(namespace, secretName);
      if (!data) {
        if (volume.secret.optional) continue;
        throw new ContainerConfigError(
          `MountVolume.SetUp failed for volume "${volume.name}" : secret "${secretName}" not found`,
        );
      }
      await writeSecretVolume(dir, data, volume.secret.items);
    } else if (volume.projected) {
      dir = join(paths.podRoot, 'volumes', volume.name);
      await writeProjectedVolume(dir, volume.name, volume.projected.sources ?? [], namespace, readSecret);
    } else if (volume.emptyDir) {
      dir = join(paths.podRoot, 'volumes', volume.name);
      await mkdir(dir, { recursive: true });
    } else if (volume.persistentVolumeClaim) {
      dir = join(paths.stateDir, 'volumes', namespace, volume.persistentVolumeClaim.claimName);
      await mkdir(dir, { recursive: true });
    } else {
      throw new ContainerConfigError(
        `volume ${volume.name}: only secret, projected (secrets), emptyDir and persistentVolumeClaim are supported locally`,
      );
    }
    hostDirs.set(volume.name, dir);
  }
  return hostDirs;
}

export async function mountTable(container: V1Container, volumeDirs: Map<string, string>): Promise<MountTable> {
  const table: MountTable = new Map();
  for (const mount of container.volumeMounts ?? []) {
    const dir = volumeDirs.get(mount.name);
    if (!dir) throw new ContainerConfigError(`volumeMount ${mount.name}: no such volume in the pod`);
    const hostPath = mount.subPath ? join(dir, mount.subPath) : dir;
    if (mount.subPath) await mkdir(hostPath, { recursive: true });
    table.set(trimSlash(mount.mountPath), hostPath);
  }
  return table;
}

/** Translate a container path to the host path behind the longest matching mount; undefined if none. */
export function hostPathOf(table: MountTable, containerPath: string): string | undefined {
  let best: [string, string] | undefined;
  for (const [mountPath, hostDir] of table) {
    const matches = containerPath === mountPath || containerPath.startsWith(mountPath === '/' ? '/' : mountPath + '/');
    if (matches && (!best || mountPath.length > best[0].length)) best = [mountPath, hostDir];
  }
  if (!best) return undefined;
  return join(best[1], containerPath.slice(best[0].length));
}

/** emptyDir semantics: a new pod uid starts with empty pod-local volumes. */
export async function resetPodRoot(podRoot: string): Promise<void> {
  await rm(join(podRoot, 'volumes'), { recursive: true, force: true });
  await mkdir(podRoot, { recursive: true });
}

/**
 * The local stack's controllers, all plain API clients of whatever API server the KubeConfig names:
 * provisioner (Redis → secrets, services, PetSet), PetSet controller (PetSet → pods), kubelet (pods → redis-server).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { CATALOG_GROUP, CATALOG_VERSION, REDIS_VERSION_PLURAL } from '../../../shared/kubedb/constants.ts';
import { startKubelet, type KubeletOptions } from './kubelet/index.ts';
import { startPetSetController } from './petset/index.ts';
import { defaultRedisVersions } from './provisioner/versions.ts';
import { startProvisioner } from './provisioner/index.ts';
import { createIfAbsent, makeApis } from './runtime/kube.ts';
import type { Logger } from './runtime/log.ts';

export { startKubelet, type Kubelet, type KubeletOptions, DEFAULT_NODE_NAME } from './kubelet/index.ts';
export { startPetSetController } from './petset/index.ts';
export { startProvisioner } from './provisioner/index.ts';
export { defaultRedisVersions } from './provisioner/versions.ts';
export { loadKubeConfig } from './runtime/kube.ts';

interface ControllersOptions {
  /** Kubelet state: per-pod roots, data volumes (they outlive pods, like PVCs). */
  stateDir: string;
  kubelet?: Omit<KubeletOptions, 'stateDir'>;
  log?: Logger;
}

export interface Controllers {
  kubelet: { pids(): number[] };
  stop(): Promise<void>;
}

/** Create the catalog entries the examples refer to (8.2.2, 7.2.4, valkey-8.1.1); existing ones are left as they are. */
export async function applyDefaultRedisVersions(kc: KubeConfig): Promise<void> {
  const { custom } = makeApis(kc);
  for (const body of defaultRedisVersions()) {
    await createIfAbsent(() =>
      custom.createClusterCustomObject({
        group: CATALOG_GROUP,
        version: CATALOG_VERSION,
        plural: REDIS_VERSION_PLURAL,
        body,
      }),
    );
  }
}

export async function startControllers(kc: KubeConfig, opts: ControllersOptions): Promise<Controllers> {
  const logOpt = opts.log ? { log: opts.log } : {};
  const kubelet = await startKubelet(kc, { ...logOpt, ...opts.kubelet, stateDir: opts.stateDir });
  const petsets = await startPetSetController(kc, logOpt);
  const provisioner = await startProvisioner(kc, logOpt);
  return {
    kubelet,
    async stop() {
      // Controllers that create work stop first; the kubelet last, so it stops every process it started.
      await provisioner.stop();
      await petsets.stop();
      await kubelet.stop();
    },
  };
}

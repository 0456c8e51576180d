/** `unpause <redis>`: remove the Redis's Paused condition when no ops request of it is Progressing (cli/unpause.ts). */
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import * as k from '../../shared/kubedb/constants.ts';
import type { Redis } from '../../shared/kubedb/types.ts';
import { readOrUndefined, write } from '../../shared/adapters/kube/api-errors.ts';
import type { CommandInput } from '../command.ts';
import { listOpsRequests } from '../cluster-reads.ts';
import { clusterTargets } from '../kubeconfig.ts';
import { unpause, type UnpausePort, type UnpauseResult } from '../unpause.ts';

/** Every write of the CLI names itself in managedFields (https://kubernetes.io/docs/reference/using-api/server-side-apply/#managers). */
export const CLI_FIELD_MANAGER = 'redis-reconfigure-cli';
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function kubePort(kc: KubeConfig): UnpausePort {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  return {
    getRedis: (namespace, name) =>
      readOrUndefined(
        `get redis ${namespace}/${name}`,
        async () => (await custom.getNamespacedCustomObject({ ...redises, namespace, name })) as Redis,
      ),
    listOpsRequests: (namespace) => listOpsRequests(kc, namespace),
    async writeRedisConditions(redis, conditions) {
      // A merge patch replaces the whole list; metadata.resourceVersion makes it conditional (409 on a stale read).
      const body = { metadata: { resourceVersion: redis.metadata.resourceVersion }, status: { conditions } };
      const { namespace = '', name } = redis.metadata;
      await write(`update conditions of redis ${namespace}/${name}`, () =>
        custom.patchNamespacedCustomObjectStatus(
          { ...redises, namespace, name, body, fieldManager: CLI_FIELD_MANAGER },
          mergePatch,
        ),
      );
    },
    async recordRedisEvent(redis, event) {
      const { namespace = '', name, uid, resourceVersion } = redis.metadata;
      const now = new Date();
      await write(`record event ${event.reason} on redis ${namespace}/${name}`, () =>
        core.createNamespacedEvent({
          namespace,
          fieldManager: CLI_FIELD_MANAGER,
          body: {
            metadata: { generateName: `${name}.`, namespace },
            involvedObject: { apiVersion: redis.apiVersion, kind: redis.kind, name, namespace, uid, resourceVersion },
            reason: event.reason,
            message: event.message,
            type: event.type,
            source: { component: CLI_FIELD_MANAGER },
            reportingComponent: CLI_FIELD_MANAGER,
            reportingInstance: CLI_FIELD_MANAGER,
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
          },
        }),
      );
    },
  };
}

function report(result: UnpauseResult, ref: string, out: (l: string) => void, err: (l: string) => void): number {
  switch (result.kind) {
    case 'not-found':
      err(`error: Redis ${ref} not found`);
      return 1;
    case 'not-paused':
      out(`Redis ${ref} is not Paused; nothing to do.`);
      return 0;
    case 'refused':
      for (const p of result.progressing)
        err(`refusing: RedisOpsRequest ${p.name} of Redis ${ref} is Progressing (${p.waitingFor}).`);
      err(
        'It resumes the database itself when it ends (Successful or Failed). See "redis-reconfigure status"; ' +
          '--force removes the pause anyway.',
      );
      return 1;
    case 'unpaused':
      for (const p of result.forced)
        err(
          `WARNING: --force: RedisOpsRequest ${p.name} is still Progressing (${p.waitingFor}); the provisioner may now ` +
            'act on the database while it restarts pods.',
        );
      out(`Redis ${ref} unpaused (the Paused condition said: ${result.was}). An Event was recorded on it.`);
      return 0;
  }
}

export async function runUnpause({ globals, values, positionals, io }: CommandInput): Promise<number> {
  const [target] = clusterTargets(globals, io.env);
  if (target === undefined) return 1;
  const name = positionals[0] ?? '';
  const namespace = target.namespace ?? 'default';
  const result = await unpause(
    kubePort(target.kubeConfig),
    { namespace, name, force: values['force'] === true },
    io.now,
  );
  return report(result, `${namespace}/${name}`, io.out, io.err);
}

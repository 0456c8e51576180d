/**
 * Lambda entry for the scheduled drift check (an EventBridge schedule, serverless.yml): middy wiring and real
 * adapters around shared/steps/drift/. The schedule's event carries nothing the check needs; DRIFT_SCOPE names what
 * to look at. The drift step reads pods with CONFIG GET, so this handler passes the Redis client.
 */
import middy from '@middy/core';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import { runtimeDeps } from '../../shared/handler/runtime-deps.ts';
import { parseDriftScope, runScheduledDrift } from '../../shared/steps/drift/drift-schedule.ts';

const { depsFor, log } = runtimeDeps('drift', { redis: new RedisAdapter() });
const scope = parseDriftScope(process.env['DRIFT_SCOPE']);

export const handler = middy().handler(async () => {
  const reports = await runScheduledDrift(scope, depsFor);
  const drifted = reports.filter((r) => 'result' in r && r.result.findings.length > 0).length;
  log.info('drift check done', { databases: reports.length, drifted });
  return { databases: reports.length, drifted };
});

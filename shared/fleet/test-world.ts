/** A tiny in-memory fleet for the decision's tests: clusters of databases, and ops requests that the test settles. */
import { decideRollout } from './decide.ts';
import { parseFleetRolloutSpec, type FleetRolloutSpec, type FleetRolloutSpecInput } from './spec.ts';
import type {
  FleetRolloutStatus,
  ObservedCluster,
  ObservedDatabase,
  ObservedOpsRequest,
  OpsRequestToCreate,
  RolloutDecision,
} from './types.ts';

interface WorldCluster {
  id: string;
  labels: Record<string, string>;
  reachable: boolean;
  databases: ObservedDatabase[];
  ops: Array<ObservedOpsRequest & { created: OpsRequestToCreate }>;
}

export function db(namespace: string, name: string, extra: Partial<ObservedDatabase> = {}): ObservedDatabase {
  return {
    namespace,
    name,
    labels: {},
    mode: 'Standalone',
    version: '7.2.4',
    ready: true,
    configuration: { inline: { 'redis.conf': 'maxclients 100' } },
    ...extra,
  };
}

export class World {
  clusters: WorldCluster[];
  status: FleetRolloutStatus | undefined;
  spec: FleetRolloutSpec;
  generation = 1;
  now = Date.parse('2026-01-01T00:00:00Z');
  readonly created: OpsRequestToCreate[] = [];

  constructor(spec: FleetRolloutSpecInput, clusters: Array<Partial<WorldCluster> & { id: string }>) {
    this.spec = parseFleetRolloutSpec(spec);
    this.clusters = clusters.map((c) => ({ labels: {}, reachable: true, databases: [], ops: [], ...c }));
  }

  setSpec(spec: FleetRolloutSpecInput): void {
    this.spec = parseFleetRolloutSpec(spec);
    this.generation++;
  }

  observe() {
    const clusters: ObservedCluster[] = this.clusters.map((c) =>
      c.reachable
        ? {
            id: c.id,
            labels: c.labels,
            reachable: true,
            databases: c.databases,
            opsRequests: c.ops.map(({ created: _c, ...o }) => o),
          }
        : { id: c.id, labels: c.labels, reachable: false, error: 'connect ECONNREFUSED' },
    );
    return {
      rollout: { namespace: 'fleet', name: 'raise-maxclients', uid: 'uid-1', generation: this.generation },
      status: this.status === undefined ? undefined : structuredClone(this.status),
      clusters,
    };
  }

  /** One look of the rollout function: decide, write the status, create (a repeat of an existing name is a 409). */
  look(): RolloutDecision {
    const decision = decideRollout(this.spec, this.observe(), new Date(this.now));
    this.status = decision.status;
    for (const op of [...decision.create, ...decision.rollbackCreate]) {
      const cluster = this.cluster(op.cluster);
      if (!cluster.reachable) throw new Error(`created in unreachable ${op.cluster}`);
      if (cluster.ops.some((o) => o.namespace === op.namespace && o.name === op.name)) continue;
      cluster.ops.push({ namespace: op.namespace, name: op.name, phase: 'Progressing', created: op });
      this.created.push(op);
    }
    return decision;
  }

  cluster(id: string): WorldCluster {
    const c = this.clusters.find((x) => x.id === id);
    if (c === undefined) throw new Error(`no cluster ${id}`);
    return c;
  }

  /** Settle every running ops request: Successful (and apply it to the database), or as `fail` says. */
  settleAll(fail: (op: OpsRequestToCreate) => string | undefined = () => undefined): void {
    for (const c of this.clusters) {
      for (const o of c.ops) {
        if (o.phase !== 'Progressing') continue;
        const reason = fail(o.created);
        if (reason !== undefined) {
          o.phase = 'Failed';
          o.reason = reason;
          o.message = `engine refused (${reason})`;
          continue;
        }
        o.phase = 'Successful';
        const d = c.databases.find((x) => x.namespace === o.namespace && x.name === o.created.database);
        if (d !== undefined) d.configuration = applied(d.configuration, o.created);
      }
    }
  }

  running(): number {
    return this.clusters.reduce((n, c) => n + c.ops.filter((o) => o.phase === 'Progressing').length, 0);
  }

  /** Look and settle until the phase is terminal or stops moving (bounded). */
  runToEnd(fail?: (op: OpsRequestToCreate) => string | undefined, advanceMs = 0): FleetRolloutStatus {
    for (let i = 0; i < 200; i++) {
      this.look();
      if (this.status === undefined) throw new Error('no status');
      if (['Completed', 'Aborted', 'RolledBack'].includes(this.status.phase)) return this.status;
      if (this.status.phase === 'Halted' && this.running() === 0 && this.look().rollbackCreate.length === 0)
        return this.status;
      this.settleAll(fail);
      this.now += advanceMs;
    }
    throw new Error(`no end: ${JSON.stringify(this.status?.phase)}`);
  }
}

function applied(
  current: ObservedDatabase['configuration'],
  op: OpsRequestToCreate,
): ObservedDatabase['configuration'] {
  const base = op.configuration.removeCustomConfig === true ? {} : current;
  return {
    ...(op.configuration.configSecret !== undefined
      ? { secretName: op.configuration.configSecret.name }
      : base.secretName !== undefined
        ? { secretName: base.secretName }
        : {}),
    ...(op.configuration.applyConfig !== undefined || base.inline !== undefined
      ? { inline: { ...base.inline, ...op.configuration.applyConfig } }
      : {}),
  };
}

/**
 * Directives a user config may not set, and why. The full decision list with reasons is in docs/config-semantics.md;
 * the short reason here is what the user reads on the failed ops request.
 */
import type { ConfigDirective } from './parse.ts';

const PATHS =
  'KubeDB mounts the volumes and writes the start-up config; a different path breaks the pod start or loses data';
const AUTH = 'auth is managed by the operator from the auth secret (spec.authSecret / auth.syncACL)';
const TOPOLOGY = "set by the KubeDB start scripts for the pod's network identity and topology";
const TLS = 'TLS files and listeners are managed by the operator from spec.tls';

/** Directive → reason it belongs to the operator. */
const OPERATOR_OWNED: Readonly<Record<string, string>> = {
  dir: `${PATHS} (data lives in /data)`,
  dbfilename: `${PATHS} (backups expect dump.rdb)`,
  appendfilename: `${PATHS} (a new AOF name starts from an empty AOF on restart)`,
  appenddirname: `${PATHS} (a new AOF dir starts from an empty AOF on restart)`,
  'cluster-config-file': `${PATHS} (the cluster scripts rejoin from /data/nodes.conf)`,
  pidfile: PATHS,
  logfile: 'redis logs to stdout for kubectl logs; a file path that is not writable makes redis-server exit at start',
  unixsocket: PATHS,
  unixsocketperm: PATHS,
  unixsocketgroup: PATHS,
  aclfile: AUTH,
  requirepass: AUTH,
  masterauth: AUTH,
  masteruser: AUTH,
  user: AUTH,
  port: 'the Services, probes and the cluster bus expect the port KubeDB configures',
  bind: 'the pod must listen on its pod IP for Services and probes',
  'bind-source-addr': 'outgoing replication/cluster connections must use the pod IP',
  'protected-mode': 'KubeDB sets protected-mode no so that pod-network clients can connect when auth is disabled',
  daemonize: 'redis-server must stay in the foreground as the container process',
  supervised: 'the container has no upstart/systemd supervisor',
  replicaof: `${TOPOLOGY} (sentinel mode appends replicaof after asking the sentinels)`,
  'replica-announce-ip': TOPOLOGY,
  'replica-announce-port': TOPOLOGY,
  'cluster-enabled': `${TOPOLOGY} (Cluster mode is chosen by spec.mode)`,
  'cluster-port': TOPOLOGY,
  'cluster-preferred-endpoint-type': TOPOLOGY,
  'tls-port': TLS,
  'tls-cert-file': TLS,
  'tls-key-file': TLS,
  'tls-key-file-pass': TLS,
  'tls-client-cert-file': TLS,
  'tls-client-key-file': TLS,
  'tls-client-key-file-pass': TLS,
  'tls-dh-params-file': TLS,
  'tls-ca-cert-file': TLS,
  'tls-ca-cert-dir': TLS,
  'tls-replication': TLS,
  'tls-cluster': TLS,
};

/** Directive → reason it is refused as dangerous (code execution, debugging surfaces, test hooks). */
const DANGEROUS: Readonly<Record<string, string>> = {
  include: 'would read another file from the pod at start-up (and hide directives from validation)',
  loadmodule: 'would load native code into redis-server',
  sentinel: 'sentinel directives belong to the RedisSentinel object, not to the Redis config',
};

/** Enum directives whose non-default values open a dangerous surface; only `no` is accepted. */
const ONLY_NO: Readonly<Record<string, string>> = {
  'enable-debug-command': 'DEBUG can crash or stall the server',
  'enable-module-command': 'MODULE LOAD would load native code at run time',
  'enable-protected-configs': 'would let clients CONFIG SET dir/dbfilename (write files anywhere the process can)',
};

/** Commands the operator, the start scripts, the probes or our functions call (rename-command must not touch them). */
const PROTECTED_COMMANDS: Readonly<Record<string, string>> = {
  config: 'CONFIG GET/SET by the reconfigure flow',
  ping: 'liveness/readiness probes',
  info: 'health checks and role detection',
  auth: 'every authenticated client',
  hello: 'client handshakes (ioredis, redis-cli with RESP3)',
  client: 'the coordinator and clients (CLIENT SETNAME/LIST/KILL)',
  cluster: 'the cluster start scripts and health checks (CLUSTER MEET/REPLICATE/NODES/SLOTS)',
  readonly: 'reads from cluster replicas',
  asking: 'cluster redirections during resharding',
  migrate: 'resharding moves keys with MIGRATE',
  replicaof: 'sentinel failover and the start scripts',
  slaveof: 'sentinel failover (older spelling)',
  role: 'role detection before restarting primaries last',
  failover: 'switchover before a primary restart',
  shutdown: 'graceful stop on pod termination',
  acl: 'auth.syncACL / auth.deleteUsers',
  sentinel: 'sentinel-side management',
  psync: 'replicas syncing from their primary',
  sync: 'replicas syncing from their primary (older protocol)',
  replconf: 'the replication handshake and acknowledgements',
  // Commands a primary propagates as they are named: a renamed one fails on the replica (or in the AOF on reload).
  select: 'the replication stream and the AOF (SELECT before writes to another db)',
  multi: 'the replication stream and the AOF (transactions), and the Sentinel failover transaction',
  exec: 'the replication stream and the AOF (transactions), and the Sentinel failover transaction',
  publish: 'Sentinel discovery (hello messages on __sentinel__:hello)',
  subscribe: 'Sentinel discovery (hello messages on __sentinel__:hello)',
  script: 'Sentinel (SCRIPT KILL on a primary stuck in a script)',
  'restore-asking': 'resharding (MIGRATE runs RESTORE-ASKING on the target)',
  quit: 'clients closing their connection',
};

const OWNED_PREFIXES: ReadonlyArray<[string, string]> = [['cluster-announce-', TOPOLOGY]];

/** Hidden configs are test hooks (key-load-delay, rdb-key-save-delay, watchdog-period...), not user settings. */
export const HIDDEN_REASON = 'hidden test/debug setting of redis-server, not a supported user setting';

function ownedReason(name: string): string | undefined {
  const direct = OPERATOR_OWNED[name];
  if (direct) return direct;
  return OWNED_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
}

/** The policy problem of one directive, or undefined when the policy allows it (type checks are separate). */
export function policyProblem(d: ConfigDirective): string | undefined {
  const owned = ownedReason(d.name);
  if (owned) return `is managed by the operator: ${owned}`;
  const dangerous = DANGEROUS[d.name];
  if (dangerous) return `is not allowed: ${dangerous}`;
  const onlyNo = ONLY_NO[d.name];
  if (onlyNo && d.args.length === 1 && d.args[0]?.toLowerCase() !== 'no') return `only "no" is allowed: ${onlyNo}`;
  if (d.name === 'rename-command') {
    for (const cmd of d.args) {
      const why = PROTECTED_COMMANDS[cmd.toLowerCase()];
      if (why) return `must not rename or shadow ${cmd.toUpperCase()} (needed for ${why})`;
    }
  }
  return undefined;
}

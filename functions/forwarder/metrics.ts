/** The forwarder's counters, exposed on /metrics in the Prometheus text format (version 0.0.4). */
export interface Counters {
  opsRequestsSeen: number;
  opsRequestsIgnored: number;
  opsRequestsInvalid: number;
  messagesSent: number;
  sendFailures: number;
  watchRestarts: number;
  relists: number;
  resyncs: number;
  wakeUps: number;
  isLeader: number;
}

export const newCounters = (): Counters => ({
  opsRequestsSeen: 0,
  opsRequestsIgnored: 0,
  opsRequestsInvalid: 0,
  messagesSent: 0,
  sendFailures: 0,
  watchRestarts: 0,
  relists: 0,
  resyncs: 0,
  wakeUps: 0,
  isLeader: 0,
});

const METRICS: ReadonlyArray<{ key: keyof Counters; name: string; type: 'counter' | 'gauge'; help: string }> = [
  {
    key: 'opsRequestsSeen',
    name: 'forwarder_ops_requests_seen_total',
    type: 'counter',
    help: 'RedisOpsRequests observed (added)',
  },
  {
    key: 'opsRequestsIgnored',
    name: 'forwarder_ops_requests_ignored_total',
    type: 'counter',
    help: 'RedisOpsRequests of another spec.type',
  },
  {
    key: 'opsRequestsInvalid',
    name: 'forwarder_ops_requests_invalid_total',
    type: 'counter',
    help: 'RedisOpsRequests that could not be read or announced',
  },
  {
    key: 'messagesSent',
    name: 'forwarder_messages_sent_total',
    type: 'counter',
    help: 'step messages accepted by SQS',
  },
  {
    key: 'sendFailures',
    name: 'forwarder_send_failures_total',
    type: 'counter',
    help: 'step messages SQS did not accept after retries',
  },
  {
    key: 'watchRestarts',
    name: 'forwarder_watch_restarts_total',
    type: 'counter',
    help: 'watch streams restarted (error, 410, end, silence)',
  },
  {
    key: 'relists',
    name: 'forwarder_relists_total',
    type: 'counter',
    help: 'lists after the first (410 Gone or list failure)',
  },
  {
    key: 'resyncs',
    name: 'forwarder_resyncs_total',
    type: 'counter',
    help: 'resync periods that re-announced the live ops requests',
  },
  {
    key: 'wakeUps',
    name: 'forwarder_wake_ups_total',
    type: 'counter',
    help: 'wake-up messages sent to a waiting step (a pod, the Redis or another ops request changed)',
  },
  { key: 'isLeader', name: 'forwarder_is_leader', type: 'gauge', help: '1 while this replica holds the Lease' },
];

export function renderPrometheus(counters: Counters, labels: Record<string, string>): string {
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  const suffix = labelText === '' ? '' : `{${labelText}}`;
  return METRICS.map(
    (m) => `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name}${suffix} ${counters[m.key]}\n`,
  ).join('');
}

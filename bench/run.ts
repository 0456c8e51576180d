/** `npm run bench`: every benchmark, each printed as a table. Bounded in time; loopback only. */
const benches: Array<{ title: string; load: () => Promise<{ run: () => Promise<object[]> }> }> = [
  { title: 'Bundles: size and cold import vs node -e 0', load: () => import('./cold-import.bench.ts') },
  {
    title: 'Forwarder alone: ops requests → SQS messages, events/s and RSS',
    load: () => import('./forwarder.bench.ts'),
  },
  {
    title: 'P1: one Standalone database, 5 s and 0 s pod start: total vs floor, steps, queue hops',
    load: () => import('./p1.bench.ts'),
  },
  { title: 'Kubernetes API server (local)', load: () => import('./kube-apiserver.bench.ts') },
  {
    title: 'Warm invocation CPU: client operations alone (Kubernetes GET, SQS send, Redis with/without reuse)',
    load: () => import('./warm-ops.bench.ts'),
  },
  {
    title: 'Warm invocation CPU per function (live Reconfigures, one database)',
    load: () => import('./warm-cost.bench.ts'),
  },
  { title: 'Reconfigure end to end: 1 and 50 databases at once', load: () => import('./reconfigure.bench.ts') },
  {
    title: 'Fleet rollout: 100 databases over 10 clusters vs one alone; canary 5 + waves of 25',
    load: () => import('./fleet.bench.ts'),
  },
  {
    title: 'Rolling restart strategies: KubeDB order vs failover-aware (Cluster 3×2, Sentinel 3)',
    load: () => import('./topology-strategies.bench.ts'),
  },
  {
    title: 'Live apply vs rolling restart: all-mutable change on Cluster 3×2 with a write probe',
    load: () => import('./live-apply.bench.ts'),
  },
];

for (const bench of benches) {
  console.log(`\n## ${bench.title}`);
  const mod = await bench.load();
  console.table(await mod.run());
}

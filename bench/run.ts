/**
 * `npm run bench`: every benchmark, each printed as a table. Bounded in time; loopback only.
 * `npm run bench -- fleet p1`: only the benchmarks whose name contains one of the words (bench/<name>.bench.ts).
 */
const benches: Array<{ name: string; title: string }> = [
  { name: 'cold-import', title: 'Bundles: size and cold import vs node -e 0' },
  { name: 'forwarder', title: 'Forwarder alone: ops requests → SQS messages, events/s and RSS' },
  { name: 'p1', title: 'P1: one Standalone database, 5 s and 0 s pod start: total vs floor, steps, queue hops' },
  { name: 'kube-apiserver', title: 'Kubernetes API server (local)' },
  {
    name: 'warm-ops',
    title: 'Warm invocation CPU: client operations alone (Kubernetes GET, SQS send, Redis with/without reuse)',
  },
  { name: 'warm-cost', title: 'Warm invocation CPU per function (live Reconfigures, one database)' },
  { name: 'reconfigure', title: 'Reconfigure end to end: 1 and 50 databases at once' },
  { name: 'fleet', title: 'Fleet rollout: 100 databases over 10 clusters vs one alone; canary 5 + waves of 25' },
  {
    name: 'topology-strategies',
    title: 'Rolling restart strategies: KubeDB order vs failover-aware (Cluster 3×2, Sentinel 3)',
  },
  { name: 'live-apply', title: 'Live apply vs rolling restart: all-mutable change on Cluster 3×2 with a write probe' },
];

const words = process.argv.slice(2);
const chosen = words.length === 0 ? benches : benches.filter((b) => words.some((w) => b.name.includes(w)));
if (chosen.length === 0) {
  console.error(`no benchmark matches "${words.join(' ')}"; they are: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

for (const bench of chosen) {
  console.log(`\n## ${bench.title}`);
  const mod = (await import(`./${bench.name}.bench.ts`)) as { run: () => Promise<object[]> };
  console.table(await mod.run());
}

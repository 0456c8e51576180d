/**
 * Which pod an address names. Redis and the sentinels report peers as they were announced: a pod IP locally, but
 * KubeDB's Sentinel-mode pods announce `$HOSTNAME.$DATABASE_GOVERNING_SERVICE` (replica-announce-ip, and the master
 * registered with SENTINEL MONITOR), i.e. `<pod>.<governing-service>[.<namespace>[.svc[.<cluster-domain>]]]`.
 * Comparing addresses as strings would never match a hostname to a pod IP, so every "is this that pod?" question
 * goes through here. Pure.
 */
interface AddressablePod {
  name: string;
  podIP?: string;
}

export function podForAddress(address: string | undefined, pods: readonly AddressablePod[]): string | undefined {
  if (address === undefined || address === '') return undefined;
  const byIp = pods.find((p) => p.podIP !== undefined && p.podIP === address);
  if (byIp !== undefined) return byIp.name;
  // A hostname: its first label is the pod's hostname, which KubeDB's PetSets set to the pod name.
  const host = address.toLowerCase().replace(/\.$/, '').split('.')[0];
  return pods.find((p) => p.name.toLowerCase() === host)?.name;
}

/**
 * Redis Cluster formation and repair as a pure decision: given what every pod's `CLUSTER NODES` says, which
 * commands move the cluster towards "every pod is a member, every shard has one master holding its slots and the
 * rest replicate it". This is what KubeDB's cluster init does with redis-cli (MEET, ADDSLOTS, REPLICATE), made
 * idempotent and re-entrant: one round at a time, each round re-observes.
 *
 * - Fresh (no node holds a slot): MEET every pod from the first pod of shard 0; once all nodes know each other,
 *   ADDSLOTSRANGE an even share of the 16384 slots to each shard's `-0` pod and REPLICATE the shard's other pods to
 *   it. This is the only place ordinals mean roles.
 * - Formed (some node holds slots): never re-run formation. Roles come from the cluster: a pod unknown to the
 *   others (it lost nodes.conf and came back with a new node id) is MEET again; a failed/noaddr id that no pod runs
 *   under any more is FORGOTten (only while every pod answers); a master without slots in a shard that has a slot-holding master
 *   REPLICATEs that master (whichever pod it is now); a shard whose slot range nobody serves gets it assigned to a
 *   slot-less master of that shard (a formation interrupted after some ADDSLOTS).
 */
import { isFailedNode, slotCount, type ClusterNode } from '../../../../shared/redis/replies.ts';
import { shardSlotRange } from '../names.ts';

export interface PodView {
  pod: string;
  shard: number;
  ordinal: number;
  ip: string;
  /** `CLUSTER NODES` as this pod reports it; undefined when the pod is not reachable. */
  nodes?: ClusterNode[];
  /** `cluster_state` from `CLUSTER INFO`. */
  clusterState?: string;
}

export type ClusterAction =
  | { kind: 'meet'; on: string; ip: string; port: number }
  | { kind: 'addSlots'; on: string; ranges: [number, number][] }
  | { kind: 'replicate'; on: string; masterId: string }
  | { kind: 'forget'; on: string; nodeId: string };

export interface ClusterShapeInput {
  shards: number;
  replicas: number;
}

export const myself = (v: PodView): ClusterNode | undefined => v.nodes?.find((n) => n.flags.includes('myself'));
const reachable = (views: PodView[]): PodView[] => views.filter((v) => v.nodes !== undefined);
const knows = (v: PodView, id: string | undefined): boolean =>
  Boolean(id && v.nodes?.some((n) => n.nodeId === id && !n.flags.includes('handshake')));

/** The view that knows the most live nodes: the best available picture of the cluster. */
export function referenceView(views: PodView[]): PodView | undefined {
  const live = (v: PodView): number => (v.nodes ?? []).filter((n) => !isFailedNode(n)).length;
  return reachable(views).sort((a, b) => live(b) - live(a) || a.shard - b.shard || a.ordinal - b.ordinal)[0];
}

const isFormed = (views: PodView[]): boolean =>
  reachable(views).some((v) => (v.nodes ?? []).some((n) => n.slots.length > 0));

export function planCluster(
  views: PodView[],
  shape: ClusterShapeInput,
): { actions: ClusterAction[]; waiting?: string } {
  return isFormed(views) ? planRepair(views, shape) : planFresh(views, shape);
}

function planFresh(views: PodView[], shape: ClusterShapeInput): { actions: ClusterAction[]; waiting?: string } {
  const down = views.filter((v) => !v.nodes);
  if (down.length > 0 || views.length < shape.shards * shape.replicas)
    return {
      actions: [],
      waiting: `pods not reachable yet: ${down.map((v) => v.pod).join(', ') || 'some not created'}`,
    };
  const anchor = views.find((v) => v.shard === 0 && v.ordinal === 0) ?? views[0]!;
  const meets = meetsFrom(
    anchor,
    views.filter((v) => !knows(anchor, myself(v)?.nodeId)),
  );
  if (meets.length > 0) return { actions: meets };
  const strangers = views.filter((v) => views.some((w) => !knows(v, myself(w)?.nodeId)));
  if (strangers.length > 0)
    return { actions: [], waiting: `gossip has not reached ${strangers.map((v) => v.pod).join(', ')}` };
  const actions: ClusterAction[] = [];
  for (let shard = 0; shard < shape.shards; shard++)
    actions.push(
      ...freshShard(
        views.filter((v) => v.shard === shard),
        shard,
        shape,
      ),
    );
  return { actions };
}

function meetsFrom(anchor: PodView, targets: PodView[]): ClusterAction[] {
  return targets.filter((v) => v !== anchor).map((v) => ({ kind: 'meet', on: anchor.pod, ip: v.ip, port: 6379 }));
}

function freshShard(members: PodView[], shard: number, shape: ClusterShapeInput): ClusterAction[] {
  const master = members.find((v) => v.ordinal === 0);
  const masterId = master && myself(master)?.nodeId;
  if (!master || !masterId) return [];
  const actions: ClusterAction[] = [
    { kind: 'addSlots', on: master.pod, ranges: [shardSlotRange(shard, shape.shards)] },
  ];
  for (const v of members)
    if (v !== master && myself(v)?.masterId !== masterId) actions.push({ kind: 'replicate', on: v.pod, masterId });
  return actions;
}

/** The slot-holding, non-failed master that serves a shard's pods now (by address, not by ordinal). */
function shardMaster(ref: PodView, views: PodView[], shard: number): ClusterNode | undefined {
  const ips = new Set(views.filter((v) => v.shard === shard).map((v) => v.ip));
  return (ref.nodes ?? [])
    .filter((n) => n.role === 'master' && !isFailedNode(n) && n.slots.length > 0 && ips.has(n.ip))
    .sort((a, b) => slotCount(b) - slotCount(a))[0];
}

function planRepair(views: PodView[], shape: ClusterShapeInput): { actions: ClusterAction[]; waiting?: string } {
  const ref = referenceView(views)!;
  const up = reachable(views);
  const meets = meetsFrom(
    ref,
    up.filter((v) => !knows(ref, myself(v)?.nodeId) || (v.nodes ?? []).length === 1),
  );
  if (meets.length > 0) return { actions: meets };
  const actions: ClusterAction[] = [];
  for (const stale of staleNodes(ref, views, shape)) {
    for (const v of up)
      if (myself(v)?.nodeId !== stale.nodeId && v.nodes?.some((n) => n.nodeId === stale.nodeId))
        actions.push({ kind: 'forget', on: v.pod, nodeId: stale.nodeId });
  }
  for (let shard = 0; shard < shape.shards; shard++)
    actions.push(
      ...repairShard(
        ref,
        views,
        up.filter((v) => v.shard === shard),
        shard,
        shape,
      ),
    );
  return { actions };
}

function repairShard(
  ref: PodView,
  views: PodView[],
  members: PodView[],
  shard: number,
  shape: ClusterShapeInput,
): ClusterAction[] {
  const master = shardMaster(ref, views, shard);
  const slotless = members.filter((v) => myself(v)?.role === 'master' && slotCount(myself(v)!) === 0);
  if (master)
    return slotless
      .filter((v) => myself(v)?.nodeId !== master.nodeId)
      .map((v) => ({ kind: 'replicate', on: v.pod, masterId: master.nodeId }));
  const [start, end] = shardSlotRange(shard, shape.shards);
  const owned = (ref.nodes ?? []).some((n) => n.slots.some(([a, b]) => a <= end && b >= start));
  return !owned && slotless[0] ? [{ kind: 'addSlots', on: slotless[0].pod, ranges: [[start, end]] }] : [];
}

/**
 * Node ids no pod runs under any more (a pod that lost nodes.conf came back with a new id; Redis marks the old entry
 * noaddr and clears its address), flagged failed. Only decided when every pod answers: a pod that is merely down
 * also shows up as failed, and forgetting it would throw away its slot ownership.
 */
function staleNodes(ref: PodView, views: PodView[], shape: ClusterShapeInput): ClusterNode[] {
  if (views.length < shape.shards * shape.replicas || views.some((v) => !v.nodes)) return [];
  const current = new Set(views.map((v) => myself(v)?.nodeId));
  return (ref.nodes ?? []).filter((n) => !current.has(n.nodeId) && isFailedNode(n));
}

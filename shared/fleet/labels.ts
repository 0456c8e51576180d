/** How a member cluster's RedisOpsRequest says which rollout made it (the rollout function lists by these). */
export const ROLLOUT_LABEL = 'fleet.redis-reconfigure.io/rollout';
export const ROLLOUT_UID_LABEL = 'fleet.redis-reconfigure.io/rollout-uid';
/** apply | rollback. */
export const PURPOSE_LABEL = 'fleet.redis-reconfigure.io/purpose';
/** `<hub cluster>/<namespace>/<name>` of the FleetRollout (an annotation: it does not fit a label value). */
export const ROLLOUT_REF_ANNOTATION = 'fleet.redis-reconfigure.io/rollout-ref';

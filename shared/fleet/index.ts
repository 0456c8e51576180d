/** The fleet rollout's pure core: spec, selection, planning, names and the one decision. No I/O. */
export * from './spec.ts';
export * from './types.ts';
export { decideRollout, IN_FLIGHT_LOOK_SECONDS, MAX_SOAK_LOOK_SECONDS } from './decide.ts';
export { matchesLabelSelector } from './label-selector.ts';
export { fleetOpsRequestName, labelValueFor } from './names.ts';
export { planTargets, selectedClusters, databaseSelected } from './plan.ts';
export { InvalidFleetRolloutError } from './errors.ts';

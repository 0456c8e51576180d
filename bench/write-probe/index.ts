/** Public API of the write-availability probe (see write-probe.ts). */
export { startWriteProbe, formatProbeReport, WriteProbeError } from './write-probe.ts';
export type {
  ProbeOptions,
  ProbeProgress,
  ProbeReport,
  ProbeTarget,
  TargetSummary,
  UnavailabilityWindow,
  WriteProbe,
} from './types.ts';
export { keySlot } from './key-slot.ts';
export { WriteProbeConnectError } from './clients.ts';
export { WriteProbeVerificationError } from './verify-keys.ts';
export { WriteProbeTopologyError } from './discover-targets.ts';

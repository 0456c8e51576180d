/** How a Cluster or Sentinel topology is doing, as the Redis status reports it (pure verdict types). */
export interface TopologyHealth {
  /** healthy → Ready; degraded (still serving) → Critical; down → NotReady. */
  state: 'healthy' | 'degraded' | 'down';
  message: string;
}

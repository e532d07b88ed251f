/** Where the rendered config runs: the task's main containers and its network mode. */
export interface AlloyTarget {
  /** Containers whose logs and metrics Alloy collects (already resolved from the plan). */
  mainContainers: string[];
  networkMode: 'awsvpc' | 'bridge' | 'host';
}

/**
 * Label names the rendered Alloy config puts on every log stream and metric series (DESIGN.md
 * "Alloy config"); the queries and the checks read them by these names.
 */
export const LABELS = {
  service: 'service_name',
  cluster: 'cluster',
  container: 'container_name',
  task: 'task_id',
  level: 'level',
} as const;

/** Labels of the canary line the Loki step pushes and reads back; not a label any service uses. */
export const CANARY_STREAM_LABELS = { source: 'alloy-rollout-canary' } as const;

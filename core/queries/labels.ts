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

/**
 * Labels of the canary line the Loki step pushes and reads back; not a label any service uses.
 * `service_name` is set so that Loki 3's service-name discovery has nothing to add at ingest
 * (it adds `service_name="unknown_service"` to a stream without one), and the stream read back
 * carries exactly the labels that were pushed.
 */
export const CANARY_STREAM_LABELS = {
  source: 'alloy-rollout-canary',
  service_name: 'alloy-rollout-canary',
} as const;

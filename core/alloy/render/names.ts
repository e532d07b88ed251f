/**
 * Fixed facts the rendered config relies on. ECS and Docker set these; the task-definition
 * transform mounts the paths (core/taskdef/names.ts).
 */
import { PATHS } from '../../taskdef/names';

/** The docker API Alloy talks to: the host socket, or the filtered one of the proxy sidecar. */
export function dockerHost(access: 'socket' | 'proxy'): string {
  return `unix://${access === 'proxy' ? PATHS.proxySocket : PATHS.dockerSocket}`;
}

/** Where the json-file log driver writes, mounted read-only into the sidecar for file-tail. */
export const DOCKER_CONTAINERS_DIR = PATHS.dockerContainers;

/** Docker labels ECS puts on every container it starts, as discovery.docker names them. */
export const ECS_LABELS = {
  /** `com.amazonaws.ecs.task-arn`, the filter key for this task's containers. */
  taskArn: 'com.amazonaws.ecs.task-arn',
  taskArnMeta: '__meta_docker_container_label_com_amazonaws_ecs_task_arn',
  containerNameMeta: '__meta_docker_container_label_com_amazonaws_ecs_container_name',
} as const;

/**
 * The task's ARN from the ECS task metadata endpoint v4: ECS sets ECS_CONTAINER_METADATA_URI_V4
 * in every container, and `${uri}/task` returns JSON whose "TaskARN" field is this task's ARN.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4.html
 */
export const METADATA_ENV = 'ECS_CONTAINER_METADATA_URI_V4';

/** The task id is the last path element of the task ARN (arn:...:task/<cluster>/<id>). */
export const TASK_ID_FROM_ARN = '.*/([^/]+)';

/** Environment variables the sidecar gets from plan.loki.authSecretArn (see credentials.ts). */
export const LOKI_ENV = {
  username: 'LOKI_USERNAME',
  password: 'LOKI_PASSWORD',
  token: 'LOKI_BEARER_TOKEN',
} as const;

/** Component labels, fixed so that describeAlloyConfig and the simulator can find them. */
export const LABELS = {
  task: 'ecs_task',
  logs: 'logs',
  metrics: 'metrics',
  loki: 'loki',
  amp: 'amp',
  /** prometheus.exporter.self and the prometheus.scrape that reads it (Alloy's own metrics). */
  self: 'alloy',
} as const;

/**
 * The `job` of Alloy's own metrics: prometheus.exporter.self's target carries
 * `job = "integrations/self"` (grafana/alloy v1.18.1 internal/component/prometheus/exporter/
 * exporter.go, newExporter: jobName := fmt.Sprintf("integrations/%s", name), with name "self" from
 * internal/component/prometheus/exporter/self/self.go), and a target's own `job` label wins over
 * prometheus.scrape's job_name. It cannot collide with an application's job, which is the plan's
 * jobName, the service name, or what ADOT's config named it.
 */
export const ALLOY_SELF_JOB = 'integrations/self';

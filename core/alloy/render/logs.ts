import type { Plan, ServicePlan } from '../../plan/schema';
import { lokiPushUrl } from '../../plan/resolve';
import { lokiAuth } from './credentials';
import { DOCKER_CONTAINERS_DIR, dockerHost, ECS_LABELS, LABELS, LOKI_ENV, TASK_ID_FROM_ARN } from './names';
import { attr, block, raw, type BlockItem, type Item } from './writer';

/** Relabel rule keeping only the named containers (relabel regexes are fully anchored). */
export function keepContainersRule(containers: readonly string[]): BlockItem {
  const regex = containers.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return block('rule', undefined, [
    attr('source_labels', [ECS_LABELS.containerNameMeta]),
    attr('regex', regex),
    attr('action', 'keep'),
  ]);
}

/** discovery.relabel "logs": this task's main containers, with container_name and task_id. */
export function logTargets(plan: Plan, containers: readonly string[]): BlockItem {
  const fileTail = plan.alloy.logSource === 'file-tail';
  const rules: Item[] = [
    attr('targets', raw(`discovery.docker.${LABELS.task}.targets`)),
    keepContainersRule(containers),
    block('rule', undefined, [
      attr('source_labels', [ECS_LABELS.containerNameMeta]),
      attr('target_label', 'container_name'),
    ]),
    block('rule', undefined, [
      attr('source_labels', [ECS_LABELS.taskArnMeta]),
      attr('regex', TASK_ID_FROM_ARN),
      attr('target_label', 'task_id'),
    ]),
  ];
  if (fileTail) {
    rules.push(
      block('rule', undefined, [
        attr('source_labels', ['__meta_docker_container_id']),
        attr('target_label', '__path__'),
        attr('replacement', `${DOCKER_CONTAINERS_DIR}/$1/$1-json.log`),
      ]),
      // discovery.docker yields one target per exposed port; keeping only these labels makes the
      // targets of one container identical, so each log file is tailed once.
      block('rule', undefined, [
        attr('regex', '__path__|container_name|task_id'),
        attr('action', 'labelkeep'),
      ]),
    );
  }
  const comment = [
    '__meta_* labels are dropped after relabelling: container name and task id are mapped explicitly.',
  ];
  return block('discovery.relabel', LABELS.logs, rules, comment);
}

/** The log source: the Docker API, or the json-file logs on the host (plan.alloy.logSource). */
export function logSource(plan: Plan): BlockItem {
  const forward = attr('forward_to', [raw(`loki.process.${LABELS.logs}.receiver`)]);
  const targets = attr('targets', raw(`discovery.relabel.${LABELS.logs}.output`));
  if (plan.alloy.logSource === 'file-tail') {
    return block(
      'loki.source.file',
      LABELS.logs,
      [targets, forward],
      [`Tails ${DOCKER_CONTAINERS_DIR}/<id>/<id>-json.log; positions live under --storage.path.`],
    );
  }
  return block('loki.source.docker', LABELS.logs, [
    attr('host', dockerHost(plan.alloy.dockerAccess)),
    targets,
    forward,
  ]);
}

/** loki.process "logs": docker JSON decoding (file-tail), level from JSON, static labels. */
export function logPipeline(plan: Plan, service: ServicePlan): BlockItem {
  const body: Item[] = [attr('forward_to', [raw(`loki.write.${LABELS.loki}.receiver`)])];
  if (plan.alloy.logSource === 'file-tail') {
    body.push(block('stage.docker', undefined, []));
    body.push(block('stage.label_drop', undefined, [attr('values', ['filename'])]));
  }
  body.push(
    block('stage.json', undefined, [attr('expressions', { level: 'level' })]),
    block('stage.labels', undefined, [attr('values', { level: '' })]),
    block('stage.static_labels', undefined, [
      attr('values', { cluster: plan.cluster, service_name: service.name }),
    ]),
  );
  return block('loki.process', LABELS.logs, body, [
    'The line itself is kept as written (JSON stays JSON): there is no stage.output.',
  ]);
}

/** loki.write "loki": the push URL, tenant, retries and credentials. */
export function lokiWriter(plan: Plan): BlockItem {
  const endpoint: Item[] = [attr('url', lokiPushUrl(plan))];
  if (plan.loki.tenant) endpoint.push(attr('tenant_id', plan.loki.tenant));
  endpoint.push(
    attr('min_backoff_period', '500ms'),
    attr('max_backoff_period', '5m'),
    attr('max_backoff_retries', 10),
    attr('retry_on_http_429', true),
  );
  const auth = lokiAuth(plan);
  if (auth === 'bearer') endpoint.push(attr('bearer_token', raw(`sys.env("${LOKI_ENV.token}")`)));
  if (auth === 'basic') {
    endpoint.push(
      block('basic_auth', undefined, [
        attr('username', raw(`sys.env("${LOKI_ENV.username}")`)),
        attr('password', raw(`sys.env("${LOKI_ENV.password}")`)),
      ]),
    );
  }
  return block('loki.write', LABELS.loki, [block('endpoint', undefined, endpoint)]);
}

import type { Plan, ServicePlan } from '../../plan/schema';
import { lokiPushUrl } from '../../plan/resolve';
import { lokiAuth } from './credentials';
import { DOCKER_CONTAINERS_DIR, dockerHost, ECS_LABELS, LABELS, LOKI_ENV, TASK_ID_FROM_ARN } from './names';
import type { LineJoining } from './target';
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

/** The value of `level` for a line that is not JSON or whose JSON has no (string) level. */
export const LEVEL_FALLBACK = 'unknown';

/**
 * Go text/template: `if` is false for an empty string and for a key absent from the map (the
 * template stage only sets `.Value` when the extracted map holds the source key), so a JSON level
 * is kept and anything else becomes LEVEL_FALLBACK. It only writes the extracted `level`, never
 * the line. grafana/alloy v1.18.1 internal/component/loki/process/stages/template.go (Process);
 * https://pkg.go.dev/text/template ("Actions": the empty values are false).
 */
const LEVEL_TEMPLATE = `{{ if .Value }}{{ .Value }}{{ else }}${LEVEL_FALLBACK}{{ end }}`;

/**
 * file-tail stages that make a json-file entry what loki.source.docker would have shipped.
 * loki.source.docker reads the docker API's log stream with a bufio.Scanner (ScanLines drops the
 * "\n" and a "\r" before it), skips a line left empty, and keeps the stream only in
 * `__meta_docker_container_log_stream`, dropped with the other `__` labels: grafana/alloy v1.18.1
 * internal/component/loki/source/docker/tailer.go (process, getStreamLabels). stage.docker, in
 * turn, ships the `log` field with its "\n" and sets `stream` and `filename` labels.
 * stage.replace swaps each capture group for `replace` (here nothing): stages/replace.go.
 */
function fileTailStages(): BlockItem[] {
  return [
    block('stage.docker', undefined, []),
    block('stage.label_drop', undefined, [attr('values', ['filename', 'stream'])]),
    block('stage.replace', undefined, [attr('expression', '(\\r?\\n)$'), attr('replace', '')]),
    block('stage.drop', undefined, [attr('expression', '^$'), attr('drop_counter_reason', 'empty_line')]),
  ];
}

/** One stage.match per distinct setting, on the containers that had it (sorted, deterministic). */
function multilineStages(multiline: Readonly<Record<string, LineJoining>>): BlockItem[] {
  const groups = new Map<string, { setting: LineJoining; containers: string[] }>();
  for (const container of Object.keys(multiline).sort()) {
    const setting = multiline[container] as LineJoining;
    const key = JSON.stringify([setting.firstline, setting.maxWaitTime]);
    const group = groups.get(key) ?? { setting, containers: [] };
    group.containers.push(container);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ setting, containers }) => {
    // Container names are [A-Za-z0-9_-] (checked by the renderer): no regex or quote escaping.
    const selector =
      containers.length === 1
        ? `{container_name="${containers[0]}"}`
        : `{container_name=~"${containers.join('|')}"}`;
    return block('stage.match', undefined, [
      attr('selector', selector),
      block('stage.multiline', undefined, [
        attr('firstline', setting.firstline),
        attr('max_wait_time', setting.maxWaitTime),
      ]),
    ]);
  });
}

/**
 * loki.process "logs": both sources end with the same line text and exactly the labels
 * service_name, cluster, container_name, task_id and level. Order matters: the level is extracted
 * before lines are joined (stage.multiline keeps the first line's extracted values, so a zap
 * JSON line keeps its level when its plain stack trace is appended), and becomes a label only
 * after (stage.multiline joins per label set: a label set earlier would split the JSON line and
 * its stack into two streams). grafana/alloy v1.18.1 stages/multiline.go (processEntry, flushState).
 */
export function logPipeline(
  plan: Plan,
  service: ServicePlan,
  multiline: Readonly<Record<string, LineJoining>> = {},
): BlockItem {
  const body: Item[] = [attr('forward_to', [raw(`loki.write.${LABELS.loki}.receiver`)])];
  if (plan.alloy.logSource === 'file-tail') body.push(...fileTailStages());
  body.push(
    block('stage.json', undefined, [attr('expressions', { level: 'level' })]),
    block('stage.template', undefined, [attr('source', 'level'), attr('template', LEVEL_TEMPLATE)]),
    ...multilineStages(multiline),
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

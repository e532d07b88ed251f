import { describeLogShape, type LogShapeSummary } from './describe-log-shape';
import { ALLOY_SELF_JOB, ECS_LABELS } from './render/names';
import type { BlockStatement, Expression, Statement } from './syntax/ast';
import { dottedPath } from './syntax/ast';
import { parseAlloy } from './syntax/parser';

/** What a config makes a sidecar do, in terms a simulated sidecar can act on. */
export interface AlloyConfigSummary {
  /** Line shaping (level fallback, multi-line, newline, stream label): see LogShapeSummary. */
  readonly logs: LogShapeSummary & {
    /** docker-api (loki.source.docker), file-tail (loki.source.file), or null when no logs ship. */
    readonly source: 'docker-api' | 'file-tail' | null;
    readonly pushUrl: string | null;
    readonly tenantId: string | null;
    readonly auth: 'none' | 'basic' | 'bearer';
    /** Labels with a fixed value on every stream (stage.static_labels, external_labels). */
    readonly staticLabels: Readonly<Record<string, string>>;
    /** Labels set from the container or the line: container_name, task_id, level. */
    readonly mapped: { readonly containerName: boolean; readonly taskId: boolean; readonly level: boolean };
    /** discovery.docker is filtered on this task's com.amazonaws.ecs.task-arn label. */
    readonly dockerTaskFilter: boolean;
    /** Containers kept by a keep rule on the ECS container-name label; null = no such rule. */
    readonly containers: readonly string[] | null;
  };
  readonly metrics: {
    /** "127.0.0.1:9090" for a static target; null when the address comes from discovery. */
    readonly scrapeAddress: string | null;
    /** Port relabelled onto a discovered container IP (bridge mode), or null. */
    readonly discoveredPort: number | null;
    readonly scrapePath: string | null;
    readonly jobName: string | null;
    /** prometheus.scrape scrape_interval as written ("15s"); null = Alloy's default (60s). */
    readonly scrapeInterval: string | null;
    /** prometheus.scrape scrape_timeout as written; null = Alloy's default (10s). */
    readonly scrapeTimeout: string | null;
    /**
     * The fixed `instance` label a target carries (set in the static target, or by a
     * discovery.relabel rule with a literal replacement in bridge mode); null = Prometheus sets
     * instance to __address__.
     */
    readonly instanceLabel: string | null;
    /** Labels prometheus.relabel sets to fixed values. */
    readonly staticLabels: Readonly<Record<string, string>>;
    readonly taskIdMapped: boolean;
    readonly remoteWriteUrl: string | null;
    readonly sigv4Region: string | null;
    /**
     * The `job` of Alloy's own metrics when a prometheus.scrape reads a prometheus.exporter.self
     * (always ALLOY_SELF_JOB: the exporter's target sets `job`, which wins over job_name); null when
     * the config does not export Alloy's own metrics.
     */
    readonly selfJobName: string | null;
  };
}

type Blocks = ReadonlyMap<string, BlockStatement>;

const attribute = (body: readonly Statement[], name: string): Expression | undefined =>
  body.find((s): s is Extract<Statement, { kind: 'attribute' }> => s.kind === 'attribute' && s.name === name)
    ?.value;
const blocksNamed = (body: readonly Statement[], name: string): BlockStatement[] =>
  body.filter((s): s is BlockStatement => s.kind === 'block' && s.name === name);
const stringOf = (expr: Expression | undefined): string | null =>
  expr?.kind === 'literal' && typeof expr.value === 'string' ? expr.value : null;
const stringsOf = (expr: Expression | undefined): string[] =>
  expr?.kind === 'array' ? expr.elements.map(stringOf).filter((s): s is string => s !== null) : [];

function literalMap(expr: Expression | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (expr?.kind !== 'object') return out;
  for (const field of expr.fields) {
    const value = stringOf(field.value);
    if (value !== null) out[field.key] = value;
  }
  return out;
}

/** Every string literal inside an expression (for filters built with string.format). */
function literalsIn(expr: Expression | undefined): string[] {
  if (!expr) return [];
  switch (expr.kind) {
    case 'literal':
      return typeof expr.value === 'string' ? [expr.value] : [];
    case 'array':
      return expr.elements.flatMap(literalsIn);
    case 'object':
      return expr.fields.flatMap((f) => literalsIn(f.value));
    case 'call':
      return expr.args.flatMap(literalsIn);
    case 'binary':
      return [...literalsIn(expr.left), ...literalsIn(expr.right)];
    case 'index':
      return [...literalsIn(expr.value), ...literalsIn(expr.index)];
    case 'unary':
    case 'paren':
    case 'access':
      return literalsIn(expr.value);
    case 'identifier':
      return [];
  }
}

/** The block a `targets`/`forward_to` reference points at, e.g. discovery.relabel.logs.output. */
function referenced(blocks: Blocks, expr: Expression | undefined): BlockStatement | undefined {
  const path = expr ? dottedPath(expr) : null;
  if (!path) return undefined;
  for (let length = path.length - 1; length >= 2; length -= 1) {
    const found = blocks.get(path.slice(0, length).join('.'));
    if (found) return found;
  }
  return undefined;
}

/** The relabel rules between a source's `targets` and discovery (following discovery.relabel chains). */
function rulesBehind(blocks: Blocks, targets: Expression | undefined): BlockStatement[] {
  const rules: BlockStatement[] = [];
  let current = referenced(blocks, targets);
  for (let depth = 0; current && current.name === 'discovery.relabel' && depth < 10; depth += 1) {
    rules.unshift(...blocksNamed(current.body, 'rule'));
    current = referenced(blocks, attribute(current.body, 'targets'));
  }
  return rules;
}

const setsFrom = (rules: readonly BlockStatement[], target: string, source: string) =>
  rules.some(
    (r) =>
      stringOf(attribute(r.body, 'target_label')) === target &&
      stringsOf(attribute(r.body, 'source_labels')).includes(source),
  );

function keptContainers(rules: readonly BlockStatement[]): string[] | null {
  const keep = rules.find(
    (r) =>
      stringOf(attribute(r.body, 'action')) === 'keep' &&
      stringsOf(attribute(r.body, 'source_labels')).includes(ECS_LABELS.containerNameMeta),
  );
  const regex = keep ? stringOf(attribute(keep.body, 'regex')) : null;
  return regex === null ? null : regex.split('|').map((part) => part.replace(/\\(.)/g, '$1'));
}

/**
 * Summarises a config (as rendered by renderServiceAlloyConfig, or any config of the same
 * shape) for the sandbox, so a simulated sidecar ships exactly the labels the config declares.
 * @throws AlloySyntaxError when the text is not Alloy syntax.
 */
export function describeAlloyConfig(text: string): AlloyConfigSummary {
  const file = parseAlloy(text);
  const top = file.body.filter((s): s is BlockStatement => s.kind === 'block');
  const blocks: Blocks = new Map(
    top.map((b) => [b.label === undefined ? b.name : `${b.name}.${b.label}`, b]),
  );
  const first = (name: string) => top.find((b) => b.name === name);

  const writer = first('loki.write');
  const endpoint = writer ? blocksNamed(writer.body, 'endpoint')[0] : undefined;
  const docker = first('loki.source.docker');
  const fileSource = first('loki.source.file');
  const source = docker ?? fileSource;
  const logRules = source ? rulesBehind(blocks, attribute(source.body, 'targets')) : [];
  const staticLabels: Record<string, string> = {
    ...literalMap(writer ? attribute(writer.body, 'external_labels') : undefined),
  };
  let level = false;
  for (const process of top.filter((b) => b.name === 'loki.process')) {
    for (const stage of blocksNamed(process.body, 'stage.static_labels'))
      Object.assign(staticLabels, literalMap(attribute(stage.body, 'values')));
    for (const stage of blocksNamed(process.body, 'stage.labels'))
      if ('level' in literalMap(attribute(stage.body, 'values'))) level = true;
  }
  const dockerTaskFilter = top
    .filter((b) => b.name === 'discovery.docker')
    .some((d) =>
      blocksNamed(d.body, 'filter').some(
        (f) =>
          stringOf(attribute(f.body, 'name')) === 'label' &&
          literalsIn(attribute(f.body, 'values')).some((v) => v.startsWith(`${ECS_LABELS.taskArn}=`)),
      ),
    );
  let auth: AlloyConfigSummary['logs']['auth'] = 'none';
  if (endpoint && blocksNamed(endpoint.body, 'basic_auth').length > 0) auth = 'basic';
  else if (
    endpoint &&
    (attribute(endpoint.body, 'bearer_token') || attribute(endpoint.body, 'bearer_token_file'))
  )
    auth = 'bearer';

  // A scrape of prometheus.exporter.self ships Alloy's own metrics, not the application's.
  const scrapesSelf = (b: BlockStatement) =>
    referenced(blocks, attribute(b.body, 'targets'))?.name === 'prometheus.exporter.self';
  const scrapes = top.filter((b) => b.name === 'prometheus.scrape');
  const scrape = scrapes.find((b) => !scrapesSelf(b));
  const selfScrape = scrapes.find(scrapesSelf);
  const scrapeTargets = scrape ? attribute(scrape.body, 'targets') : undefined;
  const staticTarget =
    scrapeTargets?.kind === 'array' && scrapeTargets.elements[0]?.kind === 'object'
      ? literalMap(scrapeTargets.elements[0])
      : {};
  const addressRule = rulesBehind(blocks, scrapeTargets).find(
    (r) => stringOf(attribute(r.body, 'target_label')) === '__address__',
  );
  const instanceRule = rulesBehind(blocks, scrapeTargets).find(
    (r) =>
      stringOf(attribute(r.body, 'target_label')) === 'instance' &&
      !attribute(r.body, 'source_labels') &&
      stringOf(attribute(r.body, 'replacement')) !== null,
  );
  const port = /:(\d+)$/.exec(
    stringOf(addressRule ? attribute(addressRule.body, 'replacement') : undefined) ?? '',
  )?.[1];
  const metricLabels: Record<string, string> = {};
  let taskIdMapped = false;
  for (const relabel of top.filter((b) => b.name === 'prometheus.relabel')) {
    for (const rule of blocksNamed(relabel.body, 'rule')) {
      const target = stringOf(attribute(rule.body, 'target_label'));
      const replacement = attribute(rule.body, 'replacement');
      if (target === 'task_id') taskIdMapped = true;
      else if (target && !attribute(rule.body, 'source_labels') && stringOf(replacement) !== null)
        metricLabels[target] = stringOf(replacement) as string;
    }
  }
  const remoteWrite = first('prometheus.remote_write');
  const rwEndpoint = remoteWrite ? blocksNamed(remoteWrite.body, 'endpoint')[0] : undefined;
  const sigv4 = rwEndpoint ? blocksNamed(rwEndpoint.body, 'sigv4')[0] : undefined;

  return {
    logs: {
      source: docker ? 'docker-api' : fileSource ? 'file-tail' : null,
      pushUrl: endpoint ? stringOf(attribute(endpoint.body, 'url')) : null,
      tenantId: endpoint ? stringOf(attribute(endpoint.body, 'tenant_id')) : null,
      auth,
      staticLabels,
      mapped: {
        containerName: setsFrom(logRules, 'container_name', ECS_LABELS.containerNameMeta),
        taskId: setsFrom(logRules, 'task_id', ECS_LABELS.taskArnMeta),
        level,
      },
      dockerTaskFilter,
      containers: keptContainers(logRules),
      ...describeLogShape(
        top.filter((b) => b.name === 'loki.process'),
        docker ? 'docker-api' : fileSource ? 'file-tail' : null,
      ),
    },
    metrics: {
      scrapeAddress: staticTarget['__address__'] ?? null,
      discoveredPort: port ? Number(port) : null,
      scrapePath: scrape ? (stringOf(attribute(scrape.body, 'metrics_path')) ?? '/metrics') : null,
      jobName: scrape ? stringOf(attribute(scrape.body, 'job_name')) : null,
      scrapeInterval: scrape ? stringOf(attribute(scrape.body, 'scrape_interval')) : null,
      scrapeTimeout: scrape ? stringOf(attribute(scrape.body, 'scrape_timeout')) : null,
      instanceLabel:
        staticTarget['instance'] ??
        (instanceRule ? stringOf(attribute(instanceRule.body, 'replacement')) : null),
      staticLabels: metricLabels,
      taskIdMapped,
      remoteWriteUrl: rwEndpoint ? stringOf(attribute(rwEndpoint.body, 'url')) : null,
      sigv4Region: sigv4 ? stringOf(attribute(sigv4.body, 'region')) : null,
      selfJobName: selfScrape && attribute(selfScrape.body, 'forward_to') ? ALLOY_SELF_JOB : null,
    },
  };
}

import { InputInvalidError } from '../core/errors';
import { formatDuration, parseDuration } from '../core/plan/duration';

/**
 * Fault injection. A spec is `<target>:<fault>[=<value>][x<count>]`:
 *   <service>:deployment-fails                 every deployment of the service onto an Alloy task definition fails
 *   <service>:rollback-deployment-fails-once   its Alloy sidecar ships no logs (so it is rolled back) and the
 *                                              first deployment back onto ADOT fails; later ones succeed
 *   <service>:no-logs                          its Alloy sidecar ships no logs to Loki
 *   <service>:missing-label=<label>            its Alloy sidecar ships logs without that label
 *   <service>:broken-json                      its containers write lines that are not JSON
 *   <service>:no-metrics                       its tasks expose no metrics once on Alloy
 *   <service>:broken-json-after=<duration>     its Alloy tasks write JSON lines until <duration> after each
 *                                              started running, then lines that are not JSON
 *   <service>:no-logs-after=<duration>         its Alloy sidecars ship until <duration> after their task
 *                                              started running, then nothing
 *   <service>:flapping-metrics                 its Alloy tasks' scrapes succeed for 30 s, fail for 30 s, ...
 *   <service>:alloy-crash                      the Alloy sidecar of each of its tasks exits once (code 1),
 *                                              15 s after its restart policy would restart it
 *   <service>:alloy-crash-after=<duration>     the same, <duration> after each task started running
 *   <service>:no-remote-write-permission       its task role loses aps:RemoteWrite: preflight refuses the run
 *   <service>:metric-renamed                   its Alloy tasks export service_requests as service_requests_total
 *   <service>:drop-lines=<percent>%            its Alloy sidecars lose that share of the lines they read, every
 *                                              (100/<percent>)-th line of each task (0.5% = every 200th)
 *   <service>:app-logs-missing                 its Alloy sidecars ship only the non-essential (helper)
 *                                              containers' lines: the application's never reach Loki
 *   <service>:alloy-dropping                   its Alloy sidecars' loki.write drops every 10th entry after
 *                                              its retries (loki_write_dropped_entries_total grows)
 *   <service>:remote-write-rejected            AMP answers 400 to part of its sidecars' remote writes
 *                                              (prometheus_remote_storage_samples_failed_total grows)
 *   <service>:reverted-by-iac                  when a verify execution starts, its family gets a new revision
 *                                              with ADOT + awslogs (the baseline's containers, no
 *                                              alloy-rollout tag or label) and the service is deployed on it
 *   loki:not-ready                             Loki's /ready answers 503
 *   loki:http-<status>x<N>                     Loki's query API answers <status> (429 or 5xx) N times
 *   loki:canary-dropped                        Loki's push API accepts the canary stream (204) but stores nothing
 *   loki:retention-off                         Loki's /config shows compactor.retention_enabled: false
 *   loki:no-s3-endpoint                        Loki's subnets have no S3 gateway endpoint (nor its route)
 *   loki:chunks-not-flushed                    Loki's POST /flush answers 204 but writes nothing to S3
 *   grafana:datasource-missing                 Grafana answers 404 for the Loki datasource (and its health)
 *   grafana:dashboard-empty=<uid>              every query of that Grafana dashboard answers frames without values
 *   amp:baseline-error                         AMP answers every series-count query with an execution error (422)
 *   ecs:throttlex<N>                           the ECS API answers ThrottlingException N times
 *   lock:held                                  another rollout holds the cluster lock
 *   sfn:child-start-lost                       the first start of each child execution starts it, but its
 *                                              answer is lost: the parent's task fails once with
 *                                              StepFunctions.SdkClientException and its Retry starts it again
 * <service> is a plan service name (e.g. history) or an ECS service name.
 */
export type Fault =
  | { readonly kind: 'deployment-fails'; readonly service: string }
  | { readonly kind: 'rollback-deployment-fails-once'; readonly service: string }
  | { readonly kind: 'no-logs'; readonly service: string }
  | { readonly kind: 'missing-label'; readonly service: string; readonly label: string }
  | { readonly kind: 'broken-json'; readonly service: string }
  | { readonly kind: 'no-metrics'; readonly service: string }
  | OnsetFault<'broken-json-after'>
  | OnsetFault<'no-logs-after'>
  | { readonly kind: 'flapping-metrics'; readonly service: string }
  | { readonly kind: 'alloy-crash'; readonly service: string }
  | OnsetFault<'alloy-crash-after'>
  | { readonly kind: 'no-remote-write-permission'; readonly service: string }
  | { readonly kind: 'metric-renamed'; readonly service: string }
  | { readonly kind: 'app-logs-missing'; readonly service: string }
  | { readonly kind: 'alloy-dropping'; readonly service: string }
  | { readonly kind: 'remote-write-rejected'; readonly service: string }
  | { readonly kind: 'reverted-by-iac'; readonly service: string }
  | {
      readonly kind: 'drop-lines';
      readonly service: string;
      readonly percent: number;
      readonly every: number;
    }
  | { readonly kind: 'loki-not-ready' }
  | { readonly kind: 'loki-http'; readonly status: number; readonly times: number }
  | { readonly kind: 'loki-canary-dropped' }
  | { readonly kind: 'loki-retention-off' }
  | { readonly kind: 'loki-no-s3-endpoint' }
  | { readonly kind: 'loki-chunks-not-flushed' }
  | { readonly kind: 'grafana-datasource-missing' }
  | { readonly kind: 'grafana-dashboard-empty'; readonly uid: string }
  | { readonly kind: 'amp-baseline-error' }
  | { readonly kind: 'ecs-throttle'; readonly times: number }
  | { readonly kind: 'lock-held' }
  | { readonly kind: 'sfn-child-start-lost' };

/** A fault that sets in `afterMs` simulated milliseconds after each migrated task starts running. */
export interface OnsetFault<K extends string> {
  readonly kind: K;
  readonly service: string;
  /** The duration as written in the spec, for messages. */
  readonly after: string;
  readonly afterMs: number;
}

export type ServiceFaultKind = Extract<Fault, { service: string }>['kind'];

export const FAULT_GRAMMAR = [
  '<service>:deployment-fails',
  '<service>:rollback-deployment-fails-once',
  '<service>:no-logs',
  '<service>:missing-label=<label>',
  '<service>:broken-json',
  '<service>:no-metrics',
  '<service>:broken-json-after=<duration>',
  '<service>:no-logs-after=<duration>',
  '<service>:flapping-metrics',
  '<service>:alloy-crash',
  '<service>:alloy-crash-after=<duration>',
  '<service>:no-remote-write-permission',
  '<service>:metric-renamed',
  '<service>:app-logs-missing',
  '<service>:alloy-dropping',
  '<service>:remote-write-rejected',
  '<service>:reverted-by-iac',
  '<service>:drop-lines=<percent>%',
  'loki:not-ready',
  'loki:http-<429|5xx>x<N>',
  'loki:canary-dropped',
  'loki:retention-off',
  'loki:no-s3-endpoint',
  'loki:chunks-not-flushed',
  'grafana:datasource-missing',
  'grafana:dashboard-empty=<uid>',
  'amp:baseline-error',
  'ecs:throttlex<N>',
  'lock:held',
  'sfn:child-start-lost',
] as const;

const SERVICE_FAULTS = new Set([
  'deployment-fails',
  'rollback-deployment-fails-once',
  'no-logs',
  'broken-json',
  'no-metrics',
  'flapping-metrics',
  'alloy-crash',
  'no-remote-write-permission',
  'metric-renamed',
  'app-logs-missing',
  'alloy-dropping',
  'remote-write-rejected',
  'reverted-by-iac',
]);

/**
 * Each phase of flapping-metrics, simulated: two scrapes at the 15 s interval ADOT setups use, and
 * several flips within a soak of minutes.
 */
export const FLAP_PHASE_MS = 30_000;

/**
 * How long after the restart policy's period an `alloy-crash` sidecar exits: it has run long enough
 * to be restarted (60 s + 15 s with the transform's policy; 300 s + 15 s with ECS's default period).
 */
export const ALLOY_CRASH_MARGIN_MS = 15_000;

/**
 * What `metric-renamed` renames: a counter exported with the `_total` suffix after the switch, as a
 * pipeline that normalises OpenMetrics counter names does, so a baseline name disappears.
 */
export const RENAMED_METRIC = { from: 'service_requests', to: 'service_requests_total' } as const;

/**
 * `alloy-dropping`: loki.write gives up on every this-many-th entry after its retries, as when Loki
 * answers 429 past max_backoff_retries (counted under reason `rate_limited`).
 */
export const ALLOY_DROPPING_EVERY = 10;

/**
 * `remote-write-rejected`: the share of each scrape's samples AMP refuses with HTTP 400 (a
 * non-recoverable error: Alloy counts them as failed and does not retry).
 */
export const REJECTED_SAMPLES_SHARE = 0.25;

/** Help lines under FAULT_GRAMMAR, for the faults whose spec does not say what they do. */
export const FAULT_NOTES = [
  'broken-json-after, no-logs-after: good lines until <duration> (60s, 5m,',
  '1h30m) after each Alloy task started, in simulated time; then lines',
  'that are not JSON, or nothing reaches Loki',
  `flapping-metrics: each Alloy task's metrics scrape answers for ${formatDuration(FLAP_PHASE_MS)}, then`,
  `fails with HTTP 500 (up=0) for ${formatDuration(FLAP_PHASE_MS)}, and so on`,
  'these three never touch ADOT tasks (the baseline after a rollback)',
  'alloy-crash: the Alloy sidecar of each Alloy task exits once (code 1),',
  `${formatDuration(ALLOY_CRASH_MARGIN_MS)} after its restartPolicy period; with the policy ECS restarts it`,
  'and it ships the lines written meanwhile; without one it stays down',
  'alloy-crash-after=<duration>: that exit, <duration> after the task',
  'started (sooner than the period: ECS does not restart it)',
  `metric-renamed: Alloy tasks export ${RENAMED_METRIC.from} as ${RENAMED_METRIC.to}`,
  'app-logs-missing: Alloy ships only the lines of non-essential (helper)',
  "containers; the essential containers' lines never reach Loki",
  'drop-lines=<percent>%: Alloy loses that share of the lines it reads',
  '(0.5% = every 200th line of each task); a shadow step sees the gap',
  `alloy-dropping: loki.write drops every ${ALLOY_DROPPING_EVERY}th entry (reason rate_limited)`,
  'and counts it in loki_write_dropped_entries_total; those lines never reach Loki',
  `remote-write-rejected: AMP answers 400 to ${REJECTED_SAMPLES_SHARE * 100}% of each Alloy task's samples;`,
  'prometheus_remote_storage_samples_failed_total counts them',
  'reverted-by-iac: as a terraform apply of the original module would, when a',
  'verify execution starts: a new ADOT + awslogs revision of the family (the',
  "baseline's containers, no alloy-rollout tag or label), deployed (rehearse --mode verify)",
] as const;

/** Onsets are timers on the sandbox clock; a day is far past any soak, and far from timer overflow. */
const MAX_ONSET_MS = 24 * 3_600_000;

function bad(spec: string, why: string): InputInvalidError {
  return new InputInvalidError(`fault "${spec}": ${why}; expected one of: ${FAULT_GRAMMAR.join(', ')}`, {
    spec,
  });
}

function count(spec: string, text: string | undefined): number {
  if (text === undefined) throw bad(spec, 'missing the count (x<N>)');
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw bad(spec, `count must be a whole number from 1 to 1000, got "${text}"`);
  return n;
}

function onset<K extends 'broken-json-after' | 'no-logs-after' | 'alloy-crash-after'>(
  spec: string,
  kind: K,
  service: string,
  text: string | undefined,
): OnsetFault<K> {
  const from = kind.replace(/-after$/, '');
  if (!text) throw bad(spec, `missing the duration (${kind}=<duration>, e.g. ${kind}=60s)`);
  const ms = parseDuration(text);
  if (ms === null)
    throw bad(spec, `"${text}" is not a duration (a whole number and a unit, ms, s, m or h: 60s, 5m, 1h30m)`);
  // alloy-crash is not alloy-crash-after from the start: it waits for the restart policy's period.
  const hint = kind === 'alloy-crash-after' ? '' : ` (from the start, use ${from})`;
  if (ms === 0) throw bad(spec, `the duration must be longer than 0s${hint}`);
  if (ms > MAX_ONSET_MS) throw bad(spec, `the duration must be at most 24h, got "${text}"`);
  return { kind, service, after: text, afterMs: ms };
}

export function parseFault(spec: string): Fault {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw bad(spec, 'missing "<target>:"');
  const target = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) throw bad(spec, `"${target}" is not a service name`);
  if (target === 'loki') {
    if (rest === 'not-ready') return { kind: 'loki-not-ready' };
    if (rest === 'canary-dropped') return { kind: 'loki-canary-dropped' };
    if (rest === 'retention-off') return { kind: 'loki-retention-off' };
    if (rest === 'no-s3-endpoint') return { kind: 'loki-no-s3-endpoint' };
    if (rest === 'chunks-not-flushed') return { kind: 'loki-chunks-not-flushed' };
    const m = /^http-(\d{3})(?:x(.*))?$/.exec(rest);
    if (!m) throw bad(spec, `unknown Loki fault "${rest}"`);
    const status = Number(m[1]);
    if (status !== 429 && (status < 500 || status > 599))
      throw bad(spec, `status must be 429 or 5xx, got ${status}`);
    return { kind: 'loki-http', status, times: count(spec, m[2]) };
  }
  if (target === 'grafana') {
    if (rest === 'datasource-missing') return { kind: 'grafana-datasource-missing' };
    const empty = /^dashboard-empty(?:=(.*))?$/.exec(rest);
    if (!empty) throw bad(spec, `unknown Grafana fault "${rest}"`);
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(empty[1] ?? ''))
      throw bad(spec, `expected dashboard-empty=<uid> with a Grafana dashboard UID, got "${empty[1] ?? ''}"`);
    return { kind: 'grafana-dashboard-empty', uid: empty[1] as string };
  }
  if (target === 'amp') {
    if (rest !== 'baseline-error') throw bad(spec, `unknown AMP fault "${rest}"`);
    return { kind: 'amp-baseline-error' };
  }
  if (target === 'ecs') {
    const m = /^throttle(?:x(.*))?$/.exec(rest);
    if (!m) throw bad(spec, `unknown ECS fault "${rest}"`);
    return { kind: 'ecs-throttle', times: count(spec, m[1]) };
  }
  if (target === 'lock') {
    if (rest !== 'held') throw bad(spec, `unknown lock fault "${rest}"`);
    return { kind: 'lock-held' };
  }
  if (target === 'sfn') {
    if (rest !== 'child-start-lost') throw bad(spec, `unknown Step Functions fault "${rest}"`);
    return { kind: 'sfn-child-start-lost' };
  }
  const label = /^missing-label=(.*)$/.exec(rest);
  if (label) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label[1] ?? ''))
      throw bad(spec, `"${label[1] ?? ''}" is not a Loki label name`);
    return { kind: 'missing-label', service: target, label: label[1] as string };
  }
  const drop = /^drop-lines(?:=(.*))?$/.exec(rest);
  if (drop) return dropLinesFault(spec, target, drop[1]);
  const timed = /^(broken-json-after|no-logs-after|alloy-crash-after)(?:=(.*))?$/.exec(rest);
  if (timed)
    return onset(
      spec,
      timed[1] as 'broken-json-after' | 'no-logs-after' | 'alloy-crash-after',
      target,
      timed[2],
    );
  if (SERVICE_FAULTS.has(rest)) return { kind: rest as SimpleServiceFaultKind, service: target };
  const name = rest.split('=')[0] ?? '';
  if (SERVICE_FAULTS.has(name)) throw bad(spec, `${name} takes no value`);
  throw bad(spec, `unknown service fault "${rest}"`);
}

/** `drop-lines=0.5%`: a share of lines that is one in a whole number of lines (at most 50%). */
function dropLinesFault(spec: string, service: string, value: string | undefined): Fault {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value ?? '');
  const percent = m ? Number(m[1]) : NaN;
  const every = 100 / percent;
  if (!(percent > 0 && percent <= 50) || Math.abs(every - Math.round(every)) > 1e-9)
    throw bad(
      spec,
      `expected drop-lines=<percent>% with one line in a whole number lost, at most 50% (e.g. 0.5% = every 200th line), got ${JSON.stringify(value ?? '')}`,
    );
  return { kind: 'drop-lines', service, percent, every: Math.round(every) };
}

export function parseFaults(specs: readonly string[]): Fault[] {
  return specs.map(parseFault);
}

type ServiceFault = Extract<Fault, { readonly service: string }>;
type SimpleServiceFaultKind = Exclude<
  ServiceFaultKind,
  'missing-label' | 'broken-json-after' | 'no-logs-after' | 'alloy-crash-after' | 'drop-lines'
>;

/** A service fault as its spec reads (`history:broken-json-after=60s`), for messages. */
export function serviceFaultSpec(f: ServiceFault): string {
  const value =
    f.kind === 'missing-label'
      ? `=${f.label}`
      : f.kind === 'drop-lines'
        ? `=${f.percent}%`
        : 'after' in f
          ? `=${f.after}`
          : '';
  return `${f.service}:${f.kind}${value}`;
}

/** One line per fault for the rehearsal's output: the target and what it does. */
export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'missing-label':
      return `${f.service}: missing-label (${f.label})`;
    case 'broken-json-after':
      return `${f.service}: broken-json-after ${f.after} (lines not JSON from ${f.after} after each Alloy task started)`;
    case 'no-logs-after':
      return `${f.service}: no-logs-after ${f.after} (nothing reaches Loki from ${f.after} after each Alloy task started)`;
    case 'flapping-metrics':
      return `${f.service}: flapping-metrics (scrapes answer ${formatDuration(FLAP_PHASE_MS)}, then fail with HTTP 500 ${formatDuration(FLAP_PHASE_MS)}, repeating)`;
    case 'alloy-crash':
      return `${f.service}: alloy-crash (each Alloy sidecar exits once, ${formatDuration(ALLOY_CRASH_MARGIN_MS)} after its restart period)`;
    case 'alloy-crash-after':
      return `${f.service}: alloy-crash-after ${f.after} (each Alloy sidecar exits once, ${f.after} after its task started)`;
    case 'loki-http':
      return `loki: HTTP ${f.status} x${f.times}`;
    case 'grafana-datasource-missing':
      return 'grafana: datasource-missing (the Loki datasource answers 404)';
    case 'grafana-dashboard-empty':
      return `grafana: dashboard-empty ${f.uid} (its queries answer no data)`;
    case 'ecs-throttle':
      return `ecs: throttle x${f.times}`;
    case 'sfn-child-start-lost':
      return 'sfn: child-start-lost (the first start of each child execution starts it but fails the task once; its Retry starts it again)';
    case 'metric-renamed':
      return `${f.service}: metric-renamed (Alloy tasks export ${RENAMED_METRIC.from} as ${RENAMED_METRIC.to})`;
    case 'drop-lines':
      return `${f.service}: drop-lines ${f.percent}% (its Alloy sidecars lose every ${f.every}th line they read)`;
    case 'app-logs-missing':
      return `${f.service}: app-logs-missing (only non-essential helper containers' lines reach Loki)`;
    case 'alloy-dropping':
      return `${f.service}: alloy-dropping (loki.write drops every ${ALLOY_DROPPING_EVERY}th entry and counts it)`;
    case 'reverted-by-iac':
      return `${f.service}: reverted-by-iac (when verify starts: a new ADOT + awslogs revision, registered and deployed outside alloy-rollout)`;
    case 'remote-write-rejected':
      return `${f.service}: remote-write-rejected (AMP answers 400 to ${REJECTED_SAMPLES_SHARE * 100}% of the samples Alloy writes)`;
    default:
      return 'service' in f ? `${f.service}: ${f.kind}` : f.kind;
  }
}

/**
 * The live fault state of a running sandbox: counted faults are consumed as they fire. Services are
 * matched by ECS service name, or by plan name through `aliases` (plan name -> ECS service name).
 */
export class FaultInjector {
  private readonly faults: Fault[];
  private readonly remaining = new Map<Fault, number>();
  private readonly fired = new Set<Fault>();
  private readonly lostChildStarts = new Set<string>();

  constructor(
    faults: readonly Fault[] = [],
    private aliases: Readonly<Record<string, string>> = {},
  ) {
    this.faults = [...faults];
    for (const f of this.faults) if ('times' in f) this.remaining.set(f, f.times);
  }

  setAliases(aliases: Readonly<Record<string, string>>): void {
    this.aliases = aliases;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  private matches(fault: Fault, ecsService: string): boolean {
    if (!('service' in fault)) return false;
    return fault.service === ecsService || this.aliases[fault.service] === ecsService;
  }

  /** The fault of that kind on that service, if one is set. */
  forService<K extends ServiceFaultKind>(
    kind: K,
    ecsService: string,
  ): Extract<Fault, { kind: K }> | undefined {
    return this.faults.find(
      (f): f is Extract<Fault, { kind: K }> => f.kind === kind && this.matches(f, ecsService),
    );
  }

  /** True the first time a one-shot service fault is asked about, false afterwards. */
  fireOnce(kind: 'rollback-deployment-fails-once', ecsService: string): boolean {
    const fault = this.forService(kind, ecsService);
    if (!fault || this.fired.has(fault)) return false;
    this.fired.add(fault);
    return true;
  }

  has(
    kind:
      | 'loki-not-ready'
      | 'loki-canary-dropped'
      | 'loki-retention-off'
      | 'loki-no-s3-endpoint'
      | 'loki-chunks-not-flushed'
      | 'amp-baseline-error'
      | 'lock-held'
      | 'grafana-datasource-missing',
  ): boolean {
    return this.faults.some((f) => f.kind === kind);
  }

  /**
   * `sfn:child-start-lost`: true the first time a child start with this key (its parent and
   * input) happens (the start then succeeds but its answer is lost), false on the retry and after.
   */
  childStartLost(key: string): boolean {
    if (!this.faults.some((f) => f.kind === 'sfn-child-start-lost')) return false;
    if (this.lostChildStarts.has(key)) return false;
    this.lostChildStarts.add(key);
    return true;
  }

  /** Whether `grafana:dashboard-empty=<uid>` empties that dashboard's queries. */
  grafanaDashboardEmpty(uid: string): boolean {
    return this.faults.some((f) => f.kind === 'grafana-dashboard-empty' && f.uid === uid);
  }

  /** Consumes one occurrence of a counted fault; true when it fires. */
  private take(kind: 'loki-http' | 'ecs-throttle'): Fault | undefined {
    for (const f of this.faults) {
      if (f.kind !== kind) continue;
      const left = this.remaining.get(f) ?? 0;
      if (left > 0) {
        this.remaining.set(f, left - 1);
        return f;
      }
    }
    return undefined;
  }

  ecsThrottle(): boolean {
    return this.take('ecs-throttle') !== undefined;
  }

  lokiHttpError(): { status: number; body: string } | null {
    const f = this.take('loki-http');
    if (!f || f.kind !== 'loki-http') return null;
    return {
      status: f.status,
      body:
        f.status === 429
          ? 'Too Many Requests\n'
          : `${f.status === 503 ? 'Service Unavailable' : 'Internal Server Error'}\n`,
    };
  }
}

import { InputInvalidError } from '../core/errors';

/**
 * Fault injection. A spec is `<target>:<fault>[=<value>][x<count>]`:
 *   <service>:deployment-fails                 every deployment of the service onto an Alloy task definition fails
 *   <service>:rollback-deployment-fails-once   its Alloy sidecar ships no logs (so it is rolled back) and the
 *                                              first deployment back onto ADOT fails; later ones succeed
 *   <service>:no-logs                          its Alloy sidecar ships no logs to Loki
 *   <service>:missing-label=<label>            its Alloy sidecar ships logs without that label
 *   <service>:broken-json                      its containers write lines that are not JSON
 *   <service>:no-metrics                       its tasks expose no metrics once on Alloy
 *   loki:not-ready                             Loki's /ready answers 503
 *   loki:http-<status>x<N>                     Loki's query API answers <status> (429 or 5xx) N times
 *   loki:canary-dropped                        Loki's push API accepts the canary stream (204) but stores nothing
 *   amp:baseline-error                         AMP answers every series-count query with an execution error (422)
 *   ecs:throttlex<N>                           the ECS API answers ThrottlingException N times
 *   lock:held                                  another rollout holds the cluster lock
 * <service> is a plan service name (e.g. history) or an ECS service name.
 */
export type Fault =
  | { readonly kind: 'deployment-fails'; readonly service: string }
  | { readonly kind: 'rollback-deployment-fails-once'; readonly service: string }
  | { readonly kind: 'no-logs'; readonly service: string }
  | { readonly kind: 'missing-label'; readonly service: string; readonly label: string }
  | { readonly kind: 'broken-json'; readonly service: string }
  | { readonly kind: 'no-metrics'; readonly service: string }
  | { readonly kind: 'loki-not-ready' }
  | { readonly kind: 'loki-http'; readonly status: number; readonly times: number }
  | { readonly kind: 'loki-canary-dropped' }
  | { readonly kind: 'amp-baseline-error' }
  | { readonly kind: 'ecs-throttle'; readonly times: number }
  | { readonly kind: 'lock-held' };

export type ServiceFaultKind = Extract<Fault, { service: string }>['kind'];

export const FAULT_GRAMMAR = [
  '<service>:deployment-fails',
  '<service>:rollback-deployment-fails-once',
  '<service>:no-logs',
  '<service>:missing-label=<label>',
  '<service>:broken-json',
  '<service>:no-metrics',
  'loki:not-ready',
  'loki:http-<429|5xx>x<N>',
  'loki:canary-dropped',
  'amp:baseline-error',
  'ecs:throttlex<N>',
  'lock:held',
] as const;

const SERVICE_FAULTS = new Set([
  'deployment-fails',
  'rollback-deployment-fails-once',
  'no-logs',
  'broken-json',
  'no-metrics',
]);

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

export function parseFault(spec: string): Fault {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw bad(spec, 'missing "<target>:"');
  const target = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) throw bad(spec, `"${target}" is not a service name`);
  if (target === 'loki') {
    if (rest === 'not-ready') return { kind: 'loki-not-ready' };
    if (rest === 'canary-dropped') return { kind: 'loki-canary-dropped' };
    const m = /^http-(\d{3})(?:x(.*))?$/.exec(rest);
    if (!m) throw bad(spec, `unknown Loki fault "${rest}"`);
    const status = Number(m[1]);
    if (status !== 429 && (status < 500 || status > 599))
      throw bad(spec, `status must be 429 or 5xx, got ${status}`);
    return { kind: 'loki-http', status, times: count(spec, m[2]) };
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
  const label = /^missing-label=(.*)$/.exec(rest);
  if (label) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label[1] ?? ''))
      throw bad(spec, `"${label[1] ?? ''}" is not a Loki label name`);
    return { kind: 'missing-label', service: target, label: label[1] as string };
  }
  if (SERVICE_FAULTS.has(rest))
    return { kind: rest as Exclude<ServiceFaultKind, 'missing-label'>, service: target };
  throw bad(spec, `unknown service fault "${rest}"`);
}

export function parseFaults(specs: readonly string[]): Fault[] {
  return specs.map(parseFault);
}

/**
 * The live fault state of a running sandbox: counted faults are consumed as they fire. Services are
 * matched by ECS service name, or by plan name through `aliases` (plan name -> ECS service name).
 */
export class FaultInjector {
  private readonly faults: Fault[];
  private readonly remaining = new Map<Fault, number>();
  private readonly fired = new Set<Fault>();

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

  has(kind: 'loki-not-ready' | 'loki-canary-dropped' | 'amp-baseline-error' | 'lock-held'): boolean {
    return this.faults.some((f) => f.kind === kind);
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

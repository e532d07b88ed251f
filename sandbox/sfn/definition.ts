import { ASL_SUBSTITUTIONS, functionArnSubstitution, LAMBDAS } from '../../lambdas/catalog';

/** Resource the sandbox gives to Wait states it runs on its own clock (see `rewriteWaits`). */
export const SANDBOX_WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:sandbox-wait-state';
export const START_EXECUTION_RESOURCES = [
  'arn:aws:states:::states:startExecution.sync:2',
  'arn:aws:states:::states:startExecution.sync',
  'arn:aws:states:::states:startExecution',
] as const;
/**
 * Stands for the service's default Task timeout (99999999 s): the largest a Node timer holds
 * (2^31-1 ms, about 24 days); a larger value would overflow and fire at once.
 */
export const TASK_TIMEOUT_DEFAULT_SECONDS = 2_147_483;
export const LAMBDA_INVOKE_RESOURCES = [
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type StateDef = Record<string, Json> & { Type: string };
export interface Definition {
  StartAt: string;
  States: Record<string, StateDef>;
  [key: string]: Json;
}

export function functionArn(region: string, account: string, id: string): string {
  return `arn:aws:lambda:${region}:${account}:function:alloy-rollout-${id}`;
}

/** The values CDK fills into `${...}` placeholders, as the sandbox deploys them. */
export function substitutions(
  region: string,
  account: string,
  lockTableName: string,
): Record<string, string> {
  const values: Record<string, string> = { [ASL_SUBSTITUTIONS.lockTable]: lockTableName };
  for (const l of LAMBDAS) values[functionArnSubstitution(l.id)] = functionArn(region, account, l.id);
  return values;
}

/** Fills `${Name}` placeholders; an unknown placeholder is an error, as a CDK deploy would fail. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(
        `the definition uses ${whole}, which the deployment does not provide (known: ${Object.keys(values).join(', ')})`,
      );
    return value;
  });
}

/** Every (nested) state machine in a definition: the top level, Map processors, Parallel branches. */
export function* machines(def: {
  States: Record<string, StateDef>;
}): Generator<{ States: Record<string, StateDef> }> {
  yield def;
  for (const state of Object.values(def.States)) {
    const inner = (state['ItemProcessor'] ?? state['Iterator']) as
      { States: Record<string, StateDef> } | undefined;
    if (inner?.States) yield* machines(inner);
    const branches = state['Branches'] as { States: Record<string, StateDef> }[] | undefined;
    for (const b of branches ?? []) yield* machines(b);
  }
}

export interface WaitSpec {
  readonly Seconds?: number;
  readonly SecondsPath?: string;
  readonly Timestamp?: string;
  readonly TimestampPath?: string;
}

/**
 * aws-local-stepfunctions waits in real time and its override is a fixed number per state; the
 * product's Wait states read their duration from the input (SecondsPath). So each Wait becomes a
 * Task that the sandbox runs itself, sleeping on the simulated clock; the history still reports
 * WaitStateEntered/WaitStateExited. Returns the rewritten definition and the original waits by name.
 */
export function rewriteWaits(def: Definition): { definition: Definition; waits: Map<string, WaitSpec> } {
  const copy = jsonCopy(def);
  const waits = new Map<string, WaitSpec>();
  for (const m of machines(copy)) {
    for (const [name, state] of Object.entries(m.States)) {
      if (state.Type !== 'Wait') continue;
      const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _type, ...rest } = state;
      void _type;
      waits.set(name, {
        ...(typeof Seconds === 'number' ? { Seconds } : {}),
        ...(typeof SecondsPath === 'string' ? { SecondsPath } : {}),
        ...(typeof Timestamp === 'string' ? { Timestamp } : {}),
        ...(typeof TimestampPath === 'string' ? { TimestampPath } : {}),
      });
      m.States[name] = { ...rest, Type: 'Task', Resource: SANDBOX_WAIT_RESOURCE };
    }
    // Step Functions gives a Task without TimeoutSeconds (practically) no limit; the local runner 60 s,
    // which would cut short a child execution (startExecution.sync) or a long Wait.
    for (const state of Object.values(m.States))
      if (
        state.Type === 'Task' &&
        state['TimeoutSeconds'] === undefined &&
        state['TimeoutSecondsPath'] === undefined
      )
        state['TimeoutSeconds'] = TASK_TIMEOUT_DEFAULT_SECONDS;
  }
  return { definition: copy, waits };
}

/** Task states by name, with their Resource and (for lambda:invoke) the function they call. */
export function taskStates(def: Definition): Map<string, { resource: string; functionName?: string }> {
  const out = new Map<string, { resource: string; functionName?: string }>();
  for (const m of machines(def)) {
    for (const [name, state] of Object.entries(m.States)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state['Resource']);
      const params = state['Parameters'] as Record<string, Json> | undefined;
      const fn = params?.['FunctionName'];
      out.set(name, { resource, ...(typeof fn === 'string' ? { functionName: fn } : {}) });
    }
  }
  return out;
}

/** Original state types by name (Wait states included), for the history. */
export function stateTypes(def: Definition): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of machines(def))
    for (const [name, state] of Object.entries(m.States)) out.set(name, state.Type);
  return out;
}

/** A tiny JSONPath reader for Wait SecondsPath/TimestampPath ("$", "$.a.b", "$.a[0]"). */
export function readPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$')) return undefined;
  const parts = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)].map(
    (m) => m[1] ?? m[3] ?? Number(m[2]),
  );
  return parts.reduce<unknown>(
    (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined),
    value,
  );
}

/**
 * A deep copy through JSON. Not structuredClone: its objects come from the host realm, and
 * aws-local-stepfunctions only resolves nested `.$` keys in objects whose prototype is its own
 * realm's Object.prototype (which differs under test runners that use vm contexts).
 */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

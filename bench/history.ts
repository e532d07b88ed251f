/**
 * What the benchmark reads from Step Functions execution histories (GetExecutionHistory events):
 * events, state transitions, Lambda invocations with their durations, Wait intervals, payload sizes.
 */
export interface HistoryEventLike {
  readonly id: number;
  /** Epoch milliseconds. */
  readonly timestampMs: number;
  readonly type: string;
  readonly stateName?: string;
  /** State input (entered) or output (exited) as the JSON text the history carries. */
  readonly data?: string;
}

export interface ExecutionTrace {
  readonly executionArn: string;
  readonly startMs: number;
  readonly stopMs: number | undefined;
  readonly status: string;
  /** Present for per-service child executions. */
  readonly parentArn?: string;
  readonly events: readonly HistoryEventLike[];
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface WaitInterval extends Interval {
  readonly state: string;
}

export interface LambdaInvocation {
  /** The Task state that invoked it. */
  readonly state: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly failed: boolean;
}

export interface ExecutionStats {
  readonly events: number;
  /** States entered plus Lambda retries inside a state: what Step Functions Standard bills. */
  readonly stateTransitions: number;
  readonly lambdaInvocations: readonly LambdaInvocation[];
  readonly waits: readonly WaitInterval[];
  /** Largest state input or output in bytes (the 256 KiB limit applies to each). */
  readonly maxPayloadBytes: number;
}

const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled']);
const LAMBDA_STARTED = new Set(['LambdaFunctionStarted']);
const LAMBDA_ENDED = new Map([
  ['LambdaFunctionSucceeded', false],
  ['LambdaFunctionFailed', true],
  ['LambdaFunctionTimedOut', true],
]);

export function analyseHistory(events: readonly HistoryEventLike[]): ExecutionStats {
  let entered = 0;
  let retries = 0;
  let scheduledInState = 0;
  let state = '';
  let lambdaStart: number | undefined;
  let maxPayloadBytes = 0;
  const lambdaInvocations: LambdaInvocation[] = [];
  const waits: WaitInterval[] = [];
  const openWaits = new Map<string, number>();
  for (const e of events) {
    if (e.data !== undefined) maxPayloadBytes = Math.max(maxPayloadBytes, Buffer.byteLength(e.data));
    if (e.type.endsWith('StateEntered')) {
      entered += 1;
      scheduledInState = 0;
      state = e.stateName ?? '';
      if (e.type === 'WaitStateEntered') openWaits.set(state, e.timestampMs);
    } else if (e.type === 'WaitStateExited') {
      const name = e.stateName ?? '';
      const start = openWaits.get(name);
      if (start !== undefined) waits.push({ state: name, start, end: e.timestampMs });
      openWaits.delete(name);
    } else if (SCHEDULED.has(e.type)) {
      scheduledInState += 1;
      if (scheduledInState > 1) retries += 1;
    } else if (LAMBDA_STARTED.has(e.type)) {
      lambdaStart = e.timestampMs;
    } else if (LAMBDA_ENDED.has(e.type) && lambdaStart !== undefined) {
      lambdaInvocations.push({
        state,
        startMs: lambdaStart,
        durationMs: e.timestampMs - lambdaStart,
        failed: LAMBDA_ENDED.get(e.type) === true,
      });
      lambdaStart = undefined;
    }
  }
  return {
    events: events.length,
    stateTransitions: entered + retries,
    lambdaInvocations,
    waits,
    maxPayloadBytes,
  };
}

/** Lambda bills each invocation in whole milliseconds, rounded up. */
export function billedMs(invocations: readonly LambdaInvocation[]): number {
  return invocations.reduce((n, i) => n + Math.max(1, Math.ceil(i.durationMs)), 0);
}

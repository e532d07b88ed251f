import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Progress } from '../../core/execution';
import { REPORT_STATUSES, type FailureCause, type Report } from '../../core/report/types';

/** The state whose output is the full report (see statemachine/README.md). */
export const REPORT_STATE = 'Finalize';

export type EndStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionEnd {
  readonly status: EndStatus;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** What one execution's history told us, in order. */
export type HistoryUpdate =
  | { readonly kind: 'progress'; readonly progress: Progress }
  | { readonly kind: 'child'; readonly executionArn: string }
  | { readonly kind: 'task-failed'; readonly state?: string; readonly error: string; readonly cause: string }
  | { readonly kind: 'report'; readonly report: Report }
  | { readonly kind: 'end'; readonly end: ExecutionEnd };

const PROGRESS_STATUSES: ReadonlySet<string> = new Set(['ok', 'pending', 'failed', 'skipped', 'info']);
const KNOWN_REPORT_STATUSES: ReadonlySet<string> = new Set(REPORT_STATUSES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asProgress(value: unknown): Progress | undefined {
  if (!isRecord(value)) return undefined;
  const { service, step, status, message, evidence } = value;
  if (typeof step !== 'string' || typeof status !== 'string' || !PROGRESS_STATUSES.has(status))
    return undefined;
  if (service !== undefined && typeof service !== 'string') return undefined;
  return {
    step,
    status: status as Progress['status'],
    message: typeof message === 'string' ? message : '',
    ...(typeof service === 'string' && service ? { service } : {}),
    ...(evidence !== undefined ? { evidence } : {}),
  };
}

/** `progress` of a Lambda result, whether the result is bare or wrapped by `lambda:invoke` (Payload). */
export function progressOf(result: unknown): Progress[] {
  if (!isRecord(result)) return [];
  const holder = isRecord(result['Payload']) && !('progress' in result) ? result['Payload'] : result;
  const raw = holder['progress'];
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return items.map(asProgress).filter((p): p is Progress => p !== undefined);
}

export function isReport(value: unknown): value is Report {
  return (
    isRecord(value) &&
    typeof value['status'] === 'string' &&
    KNOWN_REPORT_STATUSES.has(value['status']) &&
    Array.isArray(value['services'])
  );
}

/** Finds the report in a state or Lambda output: bare, under `report`, or wrapped in Payload/Output. */
export function findReport(value: unknown, depth = 3): Report | undefined {
  if (isReport(value)) return value;
  if (depth === 0 || !isRecord(value)) return undefined;
  for (const key of ['report', 'Payload', 'Output', 'output']) {
    const inner = value[key];
    const decoded = typeof inner === 'string' ? parseJson(inner) : inner;
    const found = findReport(decoded, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** The cause of a failed execution: compact JSON by contract, plain text from anything else. */
export function parseCause(cause: string | undefined, error: string | undefined): FailureCause {
  const value = parseJson(cause);
  if (isRecord(value) && typeof value['message'] === 'string') {
    return {
      check: typeof value['check'] === 'string' ? value['check'] : (error ?? 'execution'),
      message: value['message'],
      ...(typeof value['service'] === 'string' ? { service: value['service'] } : {}),
      ...(value['evidence'] !== undefined ? { evidence: value['evidence'] } : {}),
    };
  }
  return { check: error ?? 'execution', message: cause || error || 'no cause given' };
}

/**
 * A failed task's cause comes wrapped: the Lambda runtime's {"errorType","errorMessage"}, or a
 * child execution's DescribeExecution output with its own Error and Cause. Show what was thrown.
 */
export function unwrapCause(error: string, cause: string): { error: string; cause: string } {
  const value = parseJson(cause);
  if (!isRecord(value)) return { error, cause };
  if (typeof value['errorMessage'] === 'string')
    return {
      error: typeof value['errorType'] === 'string' ? value['errorType'] : error,
      cause: value['errorMessage'],
    };
  // startExecution.sync output is DescribeExecution's: PascalCase in AWS, camelCase from SDK-shaped twins.
  const pick = (upper: string, lower: string) => {
    const found = value[upper] ?? value[lower];
    return typeof found === 'string' ? found : undefined;
  };
  if (pick('ExecutionArn', 'executionArn') !== undefined) {
    const childError = pick('Error', 'error');
    const childCause = pick('Cause', 'cause');
    if (childError !== undefined || childCause !== undefined)
      return { error: childError ?? error, cause: childCause ?? '' };
  }
  return { error, cause };
}

/** The child execution a `states:startExecution` task started, from its output (StartExecution's answer). */
export function childArnOf(output: string | undefined, self: string): string | undefined {
  const value = parseJson(output);
  const arn = isRecord(value) ? value['ExecutionArn'] : undefined;
  return typeof arn === 'string' && arn.includes(':execution:') && arn !== self ? arn : undefined;
}

/**
 * Turns one execution's history into updates. Stateful only in what it must remember between
 * pages: the state being run (for failures and the report) and whether its Lambda already
 * reported progress (so a state's exit does not print the same progress twice).
 */
export class HistoryInterpreter {
  private state: string | undefined;
  private progressSeenInState = false;
  private readonly children = new Set<string>();

  constructor(private readonly executionArn: string) {}

  interpret(events: readonly HistoryEvent[]): HistoryUpdate[] {
    return events.flatMap((event) => this.interpretOne(event));
  }

  private lambdaResult(output: string | undefined): HistoryUpdate[] {
    const value = parseJson(output);
    const progress = progressOf(value);
    if (progress.length > 0) this.progressSeenInState = true;
    const updates: HistoryUpdate[] = progress.map((p) => ({ kind: 'progress', progress: p }));
    if (this.state === REPORT_STATE) {
      const report = findReport(value);
      if (report) updates.push({ kind: 'report', report });
    }
    return updates;
  }

  private child(output: string | undefined): HistoryUpdate[] {
    const arn = childArnOf(output, this.executionArn);
    if (!arn || this.children.has(arn)) return [];
    this.children.add(arn);
    return [{ kind: 'child', executionArn: arn }];
  }

  private failed(error: string | undefined, cause: string | undefined): HistoryUpdate[] {
    const readable = unwrapCause(error ?? 'Error', cause ?? '');
    return [{ kind: 'task-failed', ...(this.state ? { state: this.state } : {}), ...readable }];
  }

  private interpretOne(event: HistoryEvent): HistoryUpdate[] {
    switch (event.type) {
      case 'TaskStateEntered':
      case 'PassStateEntered':
      case 'ChoiceStateEntered':
      case 'WaitStateEntered':
      case 'ParallelStateEntered':
      case 'MapStateEntered':
      case 'SucceedStateEntered':
      case 'FailStateEntered':
        this.state = event.stateEnteredEventDetails?.name;
        this.progressSeenInState = false;
        return [];
      case 'LambdaFunctionSucceeded':
        return this.lambdaResult(event.lambdaFunctionSucceededEventDetails?.output);
      case 'TaskSucceeded': {
        const details = event.taskSucceededEventDetails;
        if (details?.resourceType === 'lambda') return this.lambdaResult(details.output);
        if (details?.resourceType === 'states') return this.child(details.output);
        return [];
      }
      case 'TaskSubmitted': {
        const details = event.taskSubmittedEventDetails;
        return details?.resourceType === 'states' ? this.child(details.output) : [];
      }
      case 'TaskStateExited': {
        const details = event.stateExitedEventDetails;
        const value = parseJson(details?.output);
        const updates: HistoryUpdate[] = [];
        // Engines that record no Lambda events (local runners) still show progress in the state output.
        if (!this.progressSeenInState)
          updates.push(...progressOf(value).map((p): HistoryUpdate => ({ kind: 'progress', progress: p })));
        if (details?.name === REPORT_STATE) {
          const report = findReport(value);
          if (report) updates.push({ kind: 'report', report });
        }
        this.progressSeenInState = false;
        return updates;
      }
      case 'LambdaFunctionFailed':
        return this.failed(
          event.lambdaFunctionFailedEventDetails?.error,
          event.lambdaFunctionFailedEventDetails?.cause,
        );
      case 'LambdaFunctionTimedOut':
        return this.failed(
          event.lambdaFunctionTimedOutEventDetails?.error ?? 'States.Timeout',
          event.lambdaFunctionTimedOutEventDetails?.cause,
        );
      case 'TaskFailed':
        return this.failed(event.taskFailedEventDetails?.error, event.taskFailedEventDetails?.cause);
      case 'TaskTimedOut':
        return this.failed(
          event.taskTimedOutEventDetails?.error ?? 'States.Timeout',
          event.taskTimedOutEventDetails?.cause,
        );
      case 'ExecutionSucceeded': {
        const output = event.executionSucceededEventDetails?.output;
        return [{ kind: 'end', end: { status: 'SUCCEEDED', ...(output !== undefined ? { output } : {}) } }];
      }
      case 'ExecutionFailed':
        return [{ kind: 'end', end: endWith('FAILED', event.executionFailedEventDetails) }];
      case 'ExecutionAborted':
        return [{ kind: 'end', end: endWith('ABORTED', event.executionAbortedEventDetails) }];
      case 'ExecutionTimedOut':
        return [{ kind: 'end', end: endWith('TIMED_OUT', event.executionTimedOutEventDetails) }];
      default:
        return [];
    }
  }
}

function endWith(
  status: EndStatus,
  details: { error?: string | undefined; cause?: string | undefined } | undefined,
): ExecutionEnd {
  return {
    status,
    ...(details?.error !== undefined ? { error: details.error } : {}),
    ...(details?.cause !== undefined ? { cause: details.cause } : {}),
  };
}

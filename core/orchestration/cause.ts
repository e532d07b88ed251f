import { ERROR_NAMES } from '../errors';
import { EXECUTION_FAILURES } from '../execution';
import type { FailureCause, ServiceReport } from '../report/types';
import type { Caught } from './state';

/** The key of the service record inside a rolled-back child's Cause (see child-failure.ts). */
export const SERVICE_REPORT_KEY = 'serviceReport';

/** A caught error, understood: the error name that matters and the compact cause. */
export interface DescribedFailure {
  readonly error: string;
  readonly cause: FailureCause;
  readonly childExecutionArn?: string;
  /** The failing service's record, when the child carried one next to the compact cause. */
  readonly serviceReport?: ServiceReport;
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function asCause(value: Record<string, unknown> | undefined): FailureCause | undefined {
  if (!value || typeof value.check !== 'string' || typeof value.message !== 'string') return undefined;
  return {
    ...(typeof value.service === 'string' ? { service: value.service } : {}),
    check: value.check,
    message: value.message,
    ...(value.evidence !== undefined ? { evidence: value.evidence } : {}),
  };
}

function asServiceReport(value: unknown): ServiceReport | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { name?: unknown; outcome?: unknown; checks?: unknown };
  return typeof v.name === 'string' && typeof v.outcome === 'string' && Array.isArray(v.checks)
    ? (value as ServiceReport)
    : undefined;
}

/** Which check an error name stands for, when the thrower gave no compact cause. */
export function checkForError(error: string): string {
  switch (error) {
    case ERROR_NAMES.LockHeld:
      return 'lock';
    case ERROR_NAMES.PlanInvalid:
    case ERROR_NAMES.InputInvalid:
      return 'plan';
    case ERROR_NAMES.Unmigratable:
    case ERROR_NAMES.ServiceNotFound:
      return 'preflight';
    case ERROR_NAMES.DeploymentFailed:
      return 'deployment';
    case ERROR_NAMES.Unrevertable:
    case EXECUTION_FAILURES.Failed:
      return 'rollback';
    default:
      return 'error';
  }
}

/**
 * Reads what a Catch produced. The Cause comes in three wrappings: a plain message (local runs),
 * the Lambda runtime's `{"errorType","errorMessage",...}`, or, for a child execution started with
 * startExecution.sync, the child's DescribeExecution output whose own `Cause` is our compact cause
 * (after a verified rollback, with the service's record beside it under `serviceReport`).
 */
export function describeCaught(caught: Caught, fallbackService?: string): DescribedFailure {
  let error = caught.Error;
  let text = caught.Cause ?? '';
  let childExecutionArn: string | undefined;
  const outer = parseObject(text);
  if (outer && ('ExecutionArn' in outer || 'Status' in outer || 'executionArn' in outer)) {
    childExecutionArn = String(outer.ExecutionArn ?? outer.executionArn ?? '') || undefined;
    if (typeof outer.Error === 'string') error = outer.Error;
    text = typeof outer.Cause === 'string' ? outer.Cause : '';
  } else if (outer && typeof outer.errorMessage === 'string') {
    if (typeof outer.errorType === 'string') error = outer.errorType;
    text = outer.errorMessage;
  }
  const inner = parseObject(text);
  const serviceReport = asServiceReport(inner?.[SERVICE_REPORT_KEY]);
  const cause = asCause(inner) ?? {
    ...(fallbackService ? { service: fallbackService } : {}),
    check: checkForError(error),
    message: text || error,
    evidence: { error },
  };
  return {
    error,
    cause,
    ...(childExecutionArn ? { childExecutionArn } : {}),
    ...(serviceReport ? { serviceReport } : {}),
  };
}

/** The Fail state's Cause: compact JSON, stable key order. */
export function causeText(cause: FailureCause): string {
  return JSON.stringify({
    service: cause.service,
    check: cause.check,
    message: cause.message,
    evidence: cause.evidence,
  });
}

import { EXECUTION_FAILURES } from '../../core/execution';
import type { FailureCause, Report, ServiceOutcome } from '../../core/report/types';
import { findReport, parseCause, parseJson, type ExecutionEnd } from './history-events';
import type { ActionFailure, ActionStatus } from './types';

export interface Conclusion {
  readonly status: ActionStatus;
  readonly report?: Report;
  readonly cause?: FailureCause;
}

function statusOfFailure(error: string | undefined): ActionStatus {
  if (error === EXECUTION_FAILURES.RolledBack) return 'ROLLED_BACK';
  if (error === EXECUTION_FAILURES.Refused) return 'REFUSED';
  if (error === EXECUTION_FAILURES.VerifyFailed) return 'VERIFY_FAILED';
  return 'FAILED';
}

/** What the end of the execution and the report (if Finalize produced one) amount to. */
export function conclude(end: ExecutionEnd, reportFromHistory: Report | undefined): Conclusion {
  const report = reportFromHistory ?? findReport(parseJson(end.output));
  if (end.status === 'SUCCEEDED') {
    const status: ActionStatus = report?.status ?? 'SUCCEEDED';
    return { status, ...(report ? { report } : {}), ...(report?.cause ? { cause: report.cause } : {}) };
  }
  const status: ActionStatus = end.status === 'FAILED' ? statusOfFailure(end.error) : end.status;
  const fromEnd = parseCause(end.cause, end.error);
  // A structured cause from the execution wins; a plain-text one yields to the report's.
  const structured = end.cause !== undefined && typeof parseJson(end.cause) === 'object';
  const cause = structured || !report?.cause ? fromEnd : report.cause;
  return { status, cause, ...(report ? { report } : {}) };
}

export function servicesWithOutcome(report: Report | undefined, outcome: ServiceOutcome): string[] {
  return (report?.services ?? []).filter((s) => s.outcome === outcome).map((s) => s.name);
}

/** Compact JSON for a one-line annotation; long evidence is cut (the summary has all of it). */
export function compact(value: unknown, max = 300): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function where(cause: FailureCause | undefined): string {
  if (!cause) return 'no cause was recorded';
  const service = cause.service ? `service "${cause.service}", ` : '';
  const evidence = cause.evidence !== undefined ? ` (evidence: ${compact(cause.evidence)})` : '';
  return `${service}check "${cause.check}": ${cause.message}${evidence}`;
}

function titleOf(prefix: string, cause: FailureCause | undefined): string {
  if (!cause) return prefix;
  return `${prefix}: ${cause.service ? `${cause.service} / ` : ''}${cause.check}`;
}

/** The job's failure for a status that is not a success, naming the service, the check and the cause. */
export function describeFailure(
  status: ActionStatus,
  cause: FailureCause | undefined,
  timeoutMinutes?: number,
): ActionFailure | undefined {
  const withCause = (title: string, message: string): ActionFailure => ({
    title,
    message,
    ...(cause ? { cause } : {}),
  });
  switch (status) {
    case 'SUCCEEDED':
      return undefined;
    case 'ROLLED_BACK':
      return withCause(
        titleOf('Rolled back', cause),
        `Rolled back: ${where(cause)}. The services this run touched are back on ADOT + CloudWatch, verified.`,
      );
    case 'FAILED':
      return withCause(
        titleOf('Rollout failed', cause),
        `Rollout failed and the rollback did not complete or could not be verified - check the cluster now: ${where(cause)}.`,
      );
    case 'REFUSED':
      if (cause?.check === 'lock')
        return withCause(
          'Rollout refused: the cluster is locked by another rollout',
          `Rollout refused before anything changed: ${cause.message}. Wait for that rollout to end (its execution is in the Step Functions console), then run again.`,
        );
      return withCause(
        titleOf('Rollout refused', cause),
        `Rollout refused before anything changed: ${where(cause)}.`,
      );
    case 'VERIFY_FAILED':
      return withCause(
        titleOf('Verify failed', cause),
        `Verify found drifted or unhealthy services (read-only: nothing was changed): ${where(cause)}.`,
      );
    case 'ABORTED':
      return withCause(
        'Execution aborted',
        `The execution was aborted${cause ? `: ${cause.message}` : ''}; services may be mid-migration, check the cluster.`,
      );
    case 'TIMED_OUT':
      return withCause(
        'Execution timed out',
        'The execution hit its own timeout; services may be mid-migration, check the cluster.',
      );
    case 'RUNNING':
      return timeoutMinutes === undefined
        ? undefined
        : {
            title: 'Stopped following',
            message: `Stopped following after ${timeoutMinutes} minute${timeoutMinutes === 1 ? '' : 's'} (timeout-minutes); the execution is still running and was not stopped. Re-run this job to follow it again.`,
          };
  }
}

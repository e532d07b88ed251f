import { EXECUTION_FAILURES } from '../execution';
import type { ReportStatus } from '../report/types';

/** How the execution ends: nothing for success, else the Fail state's Error and compact Cause. */
export interface ExecutionEnd {
  readonly error: string;
  readonly cause: string;
}

/**
 * The report's status for how the execution ends. A refusal (lock held, bad plan, Fargate...) is
 * its own status, not a failure: nothing changed and the run never held the lock.
 */
export function reportStatusOf(end: ExecutionEnd | null): ReportStatus {
  if (end === null) return 'SUCCEEDED';
  if (end.error === EXECUTION_FAILURES.RolledBack) return 'ROLLED_BACK';
  if (end.error === EXECUTION_FAILURES.Refused) return 'REFUSED';
  return 'FAILED';
}

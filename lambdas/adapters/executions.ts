import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { HolderExecution, HolderStatus } from '../../core/orchestration';
import { translateAwsError } from './aws-errors';

const KNOWN: ReadonlySet<string> = new Set<HolderStatus>([
  'RUNNING',
  'PENDING_REDRIVE',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

/** The region an execution ARN names (arn:aws:states:<region>:...), where its DescribeExecution goes. */
export function regionOfExecution(executionArn: string, fallback: string): string {
  return executionArn.split(':')[3] || fallback;
}

/**
 * An execution's status as the lock and the child gate judge it. ExecutionDoesNotExist (and an ARN
 * Step Functions cannot parse, InvalidArn) is MISSING: nothing runs under that name. Other errors
 * become the named errors Retry handles (throttling, 5xx) or a rejection that fails the step.
 */
export async function describeExecutionStatus(
  sfn: SFNClient,
  executionArn: string,
): Promise<HolderExecution> {
  try {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const status = String(out.status ?? '');
    return {
      // A status this code does not know counts as live: a lock is never taken from an execution
      // that cannot be shown to have ended.
      status: KNOWN.has(status) ? (status as HolderStatus) : 'RUNNING',
      startedAt: out.startDate ? new Date(out.startDate).toISOString() : undefined,
    };
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') return { status: 'MISSING' };
    throw translateAwsError(err, 'states:DescribeExecution');
  }
}

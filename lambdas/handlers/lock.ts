import { now } from '../clock';
import { executionInputSchema, type Progress } from '../../core/execution';
import { lockRecord, lockTtlMs } from '../../core/orchestration';
import { regionOfExecution } from '../adapters/executions';
import { createDynamoDbClient } from '../clients/aws-dynamodb';
import { createSfnClient } from '../clients/aws-sfn';
import { readEnv, requireEnv } from '../env';
import { parseEvent, taskEventSchema } from '../event';
import { acquireLock, type LockAcquisition } from '../lock-acquire';
import { loadPlan } from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(['acquire'], executionInputSchema.passthrough());

export interface LockResult {
  readonly acquired: true;
  readonly cluster: string;
  readonly owner: string;
  readonly expiresAt: number;
  readonly acquiredAt: string;
  /** taken (free), re-entered (already ours: a retried step), taken-over (from an ended holder). */
  readonly how: LockAcquisition['how'];
  readonly progress: Progress;
}

function describeAcquisition(acquisition: LockAcquisition, cluster: string, until: string): string {
  if (acquisition.how === 'taken-over')
    return `${acquisition.message}; lock on cluster ${cluster} held until ${until}`;
  if (acquisition.how === 're-entered')
    return `lock on cluster ${cluster} already held by this run (re-entered), until ${until}`;
  return `lock on cluster ${cluster} taken until ${until}`;
}

/**
 * Takes the per-cluster lock for this execution. A lock held by a RUNNING execution refuses at
 * once, expired or not; an ended holder's lock is taken over once expired, or by the recovery
 * rollback that names it in `recovers` (lambdas/lock-acquire.ts, core/orchestration/lock.ts).
 */
async function handleLock(event: unknown): Promise<LockResult> {
  const env = readEnv();
  const { executionArn, state } = parseEvent(eventSchema, event, 'Lock');
  const table = requireEnv(env, 'lockTableName', 'LOCK_TABLE_NAME');
  const plan = loadPlan(state.plan);
  const nowMs = now();
  const record = lockRecord({
    cluster: plan.cluster,
    executionArn,
    nowMs,
    ttlMs: lockTtlMs(plan.lock.ttl, env.lockTtlSeconds),
    requestedBy: state.requestedBy,
  });
  const acquisition = await acquireLock(
    {
      dynamodb: createDynamoDbClient(plan.region),
      sfn: (holder) => createSfnClient(regionOfExecution(holder, plan.region)),
    },
    { table, record, nowMs, recovers: state.recovers },
  );
  const until = new Date(record.expiresAt * 1000).toISOString();
  return {
    acquired: true,
    cluster: plan.cluster,
    owner: executionArn,
    expiresAt: record.expiresAt,
    acquiredAt: record.acquiredAt,
    how: acquisition.how,
    progress: {
      step: 'lock',
      status: 'ok',
      message: describeAcquisition(acquisition, plan.cluster, until),
      evidence: {
        table,
        cluster: plan.cluster,
        acquisition,
        expiresAt: until,
        ...(env.executionTimeoutSeconds ? { executionTimeoutSeconds: env.executionTimeoutSeconds } : {}),
      },
    },
  };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Lock', handleLock);

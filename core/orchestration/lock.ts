/**
 * The per-cluster rollout lock as a DynamoDB item. Attribute names are shared with the table the
 * infra creates (LOCK_TABLE_KEYS in lambdas/catalog.ts mirrors them).
 */
export const LOCK_ATTRIBUTES = {
  /** Partition key: one item per cluster (LOCK_TABLE.partitionKey). */
  key: 'cluster',
  owner: 'owner',
  /** Epoch seconds; the table's TTL attribute, and the bound after which an ended owner's lock may be taken over. */
  expiresAt: 'expiresAt',
  acquiredAt: 'acquiredAt',
  requestedBy: 'requestedBy',
} as const;

export interface LockRecord {
  readonly cluster: string;
  readonly owner: string;
  readonly expiresAt: number;
  readonly acquiredAt: string;
  readonly requestedBy?: string;
}

export function lockRecord(input: {
  readonly cluster: string;
  readonly executionArn: string;
  readonly nowMs: number;
  readonly ttlMs: number;
  readonly requestedBy?: string | undefined;
}): LockRecord {
  return {
    cluster: input.cluster,
    owner: input.executionArn,
    expiresAt: Math.ceil((input.nowMs + input.ttlMs) / 1000),
    acquiredAt: new Date(input.nowMs).toISOString(),
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
  };
}

/**
 * The first put succeeds when no lock exists or this execution already holds it (a retried Lock step
 * must not refuse its own run). An expired lock is NOT overwritten here: its owner may still be
 * RUNNING, so the handler asks Step Functions first (`decideLockTakeover`) and then swaps with
 * TAKEOVER_CONDITION. `cluster` and `owner` are DynamoDB reserved words, so every attribute goes
 * through a placeholder (and only the ones used: DynamoDB rejects unused names).
 */
export const ACQUIRE_CONDITION = {
  expression: 'attribute_not_exists(#key) OR #owner = :me',
  names: {
    '#key': LOCK_ATTRIBUTES.key,
    '#owner': LOCK_ATTRIBUTES.owner,
  },
} as const;

/**
 * The takeover write is a compare-and-swap on the owner the handler judged (`:holder`): two
 * contenders that both judged the same ended holder cannot both win; the loser re-reads.
 */
export const TAKEOVER_CONDITION = {
  expression: '#owner = :holder',
  names: { '#owner': LOCK_ATTRIBUTES.owner },
} as const;

/** Delete only our own lock: releasing twice, or after another run took over an expired lock, is a no-op. */
export const RELEASE_CONDITION = {
  expression: '#owner = :me',
  names: { '#owner': LOCK_ATTRIBUTES.owner },
} as const;

/**
 * The lock's lifetime: the plan's `lock.ttl`, but never shorter than the floor the construct sets
 * (LOCK_TTL_SECONDS = the state machine's TimeoutSeconds plus a margin), so a lock cannot expire
 * while its execution may still run. Without a floor (tests, an older stack) the plan's value.
 */
export function lockTtlMs(planTtlMs: number, floorSeconds: number | undefined): number {
  return floorSeconds === undefined ? planTtlMs : Math.max(planTtlMs, floorSeconds * 1000);
}

/**
 * DescribeExecution's status of the lock's owner; MISSING when Step Functions answers
 * ExecutionDoesNotExist (an owner from another account or a deleted state machine).
 * PENDING_REDRIVE: a failed execution being redriven resumes, so it counts as live.
 */
export type HolderStatus =
  'RUNNING' | 'PENDING_REDRIVE' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'MISSING';

const LIVE: ReadonlySet<HolderStatus> = new Set(['RUNNING', 'PENDING_REDRIVE']);

export interface LockHolder {
  readonly owner: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly requestedBy?: string | undefined;
}

export interface HolderExecution {
  readonly status: HolderStatus;
  /** ISO time the holder started, when Step Functions knows it. */
  readonly startedAt?: string | undefined;
}

export type LockDecision =
  | { readonly verdict: 'take-over'; readonly reason: 'expired' | 'recovers'; readonly message: string }
  | { readonly verdict: 'refuse'; readonly message: string };

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/**
 * Whether a lock held by another execution may be taken. A live holder keeps it even past its
 * expiry (the expiry is only a bound for a holder that died without releasing). An ended holder's
 * lock is taken once it expired, or at once by the recovery rollback that names it (`recovers`).
 */
export function decideLockTakeover(input: {
  readonly holder: LockHolder;
  readonly execution: HolderExecution;
  readonly nowMs: number;
  readonly recovers?: string | undefined;
}): LockDecision {
  const { holder, execution } = input;
  const expired = holder.expiresAt < Math.floor(input.nowMs / 1000);
  const expiry = `${expired ? 'expired' : 'expires'} at ${iso(holder.expiresAt)}`;
  if (LIVE.has(execution.status))
    return {
      verdict: 'refuse',
      message: `rollout ${holder.owner} already running: it is still ${execution.status}${
        execution.startedAt ? ` (since ${execution.startedAt})` : ''
      }; its lock ${expiry}${expired ? ', but a running owner keeps it' : ''}`,
    };
  const ended =
    execution.status === 'MISSING'
      ? 'does not exist (Step Functions knows no such execution)'
      : `ended ${execution.status}`;
  if (input.recovers !== undefined && input.recovers === holder.owner)
    return {
      verdict: 'take-over',
      reason: 'recovers',
      message: `lock taken over from ${holder.owner}, which ${ended}, by its recovery rollback`,
    };
  if (expired)
    return {
      verdict: 'take-over',
      reason: 'expired',
      message: `lock taken over from ${holder.owner}, which ${ended} without releasing it; its lock ${expiry}`,
    };
  if (execution.status === 'MISSING')
    return {
      verdict: 'refuse',
      message: `rollout ${holder.owner} holds the lock, but Step Functions knows no such execution; the lock ${expiry}`,
    };
  return {
    verdict: 'refuse',
    message: `rollout ${holder.owner} ${ended} without releasing the lock; its recovery rollback will take the lock, or it ${expiry}`,
  };
}

/** The lock changed hands between our read and our swap: refused, naming whoever holds it now. */
export function lockLostMessage(holder: string | undefined): string {
  return `rollout ${holder ?? '(unknown execution)'} took the lock first`;
}

export function lockHeldMessage(holder: string | undefined): string {
  return `rollout ${holder ?? '(unknown execution)'} already running`;
}

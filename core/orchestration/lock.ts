/**
 * The per-cluster rollout lock as a DynamoDB item. Attribute names are shared with the table the
 * infra creates (LOCK_TABLE_KEYS in lambdas/catalog.ts mirrors them).
 */
export const LOCK_ATTRIBUTES = {
  /** Partition key: one item per cluster (LOCK_TABLE.partitionKey). */
  key: 'cluster',
  owner: 'owner',
  /** Epoch seconds; the table's TTL attribute, and the condition that lets a stale lock be taken over. */
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
 * Put succeeds when no lock exists, the lock expired, or this execution already holds it (a
 * retried Lock step must not refuse its own run). `cluster` and `owner` are DynamoDB reserved
 * words, so every attribute goes through a placeholder (and only the ones used: DynamoDB rejects
 * unused names).
 */
export const ACQUIRE_CONDITION = {
  expression: 'attribute_not_exists(#key) OR #expiresAt < :now OR #owner = :me',
  names: {
    '#key': LOCK_ATTRIBUTES.key,
    '#expiresAt': LOCK_ATTRIBUTES.expiresAt,
    '#owner': LOCK_ATTRIBUTES.owner,
  },
} as const;

/** Delete only our own lock: releasing twice, or after another run took over an expired lock, is a no-op. */
export const RELEASE_CONDITION = {
  expression: '#owner = :me',
  names: { '#owner': LOCK_ATTRIBUTES.owner },
} as const;

export function lockHeldMessage(holder: string | undefined): string {
  return `rollout ${holder ?? '(unknown execution)'} already running`;
}

import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { LockHeldError } from '../core/errors';
import {
  ACQUIRE_CONDITION,
  decideLockTakeover,
  LOCK_ATTRIBUTES,
  lockLostMessage,
  TAKEOVER_CONDITION,
  type LockHolder,
  type LockRecord,
} from '../core/orchestration';
import { awsCall, translateAwsError } from './adapters/aws-errors';
import { describeExecutionStatus } from './adapters/executions';

/** How the lock came to be ours, for the progress line and the evidence. */
export type LockAcquisition =
  | { readonly how: 'taken' }
  | { readonly how: 're-entered' }
  | {
      readonly how: 'taken-over';
      readonly from: string;
      readonly fromStatus: string;
      readonly reason: 'expired' | 'recovers';
      readonly message: string;
    };

export interface AcquireDeps {
  readonly dynamodb: DynamoDBClient;
  /** For the holder's DescribeExecution, in the holder's region. */
  readonly sfn: (executionArn: string) => SFNClient;
}

const isConditionFailure = (err: unknown) =>
  err instanceof ConditionalCheckFailedException ||
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

function itemOf(record: LockRecord): Record<string, AttributeValue> {
  return {
    [LOCK_ATTRIBUTES.key]: { S: record.cluster },
    [LOCK_ATTRIBUTES.owner]: { S: record.owner },
    [LOCK_ATTRIBUTES.expiresAt]: { N: String(record.expiresAt) },
    [LOCK_ATTRIBUTES.acquiredAt]: { S: record.acquiredAt },
    ...(record.requestedBy ? { [LOCK_ATTRIBUTES.requestedBy]: { S: record.requestedBy } } : {}),
  };
}

async function readHolder(
  deps: AcquireDeps,
  table: string,
  cluster: string,
): Promise<LockHolder | undefined> {
  const held = await awsCall('dynamodb:GetItem (lock)', () =>
    deps.dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: { [LOCK_ATTRIBUTES.key]: { S: cluster } },
        ConsistentRead: true,
      }),
    ),
  );
  const owner = held.Item?.[LOCK_ATTRIBUTES.owner]?.S;
  if (!owner) return undefined;
  return {
    owner,
    expiresAt: Number(held.Item?.[LOCK_ATTRIBUTES.expiresAt]?.N ?? 0),
    requestedBy: held.Item?.[LOCK_ATTRIBUTES.requestedBy]?.S,
  };
}

function refuse(message: string, cluster: string, holder: LockHolder | undefined): LockHeldError {
  return new LockHeldError(message, {
    cluster,
    holder: holder?.owner,
    requestedBy: holder?.requestedBy,
    expiresAt: holder?.expiresAt,
  });
}

/**
 * Takes the cluster's lock for `record.owner`: a conditional put when it is free or already ours;
 * otherwise the holder's execution is described and `decideLockTakeover` says whether its lock may
 * be taken (never from a RUNNING holder), and the takeover is a compare-and-swap on that holder.
 * A lock that vanished between the put and the read (its owner released it) is tried again.
 */
export async function acquireLock(
  deps: AcquireDeps,
  input: {
    readonly table: string;
    readonly record: LockRecord;
    readonly nowMs: number;
    readonly recovers?: string | undefined;
  },
): Promise<LockAcquisition> {
  const { table, record } = input;
  for (let attempt = 0; attempt < 3; attempt++) {
    let previousOwner: string | undefined;
    try {
      const out = await deps.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: itemOf(record),
          ConditionExpression: ACQUIRE_CONDITION.expression,
          ExpressionAttributeNames: { ...ACQUIRE_CONDITION.names },
          ExpressionAttributeValues: { ':me': { S: record.owner } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      previousOwner = out.Attributes?.[LOCK_ATTRIBUTES.owner]?.S;
      return previousOwner === record.owner ? { how: 're-entered' } : { how: 'taken' };
    } catch (err) {
      if (!isConditionFailure(err)) throw translateAwsError(err, 'dynamodb:PutItem (lock)');
    }
    const holder = await readHolder(deps, table, record.cluster);
    if (!holder) continue;
    const execution = await describeExecutionStatus(deps.sfn(holder.owner), holder.owner);
    const decision = decideLockTakeover({ holder, execution, nowMs: input.nowMs, recovers: input.recovers });
    if (decision.verdict === 'refuse') throw refuse(decision.message, record.cluster, holder);
    try {
      await deps.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: itemOf(record),
          ConditionExpression: TAKEOVER_CONDITION.expression,
          ExpressionAttributeNames: { ...TAKEOVER_CONDITION.names },
          ExpressionAttributeValues: { ':holder': { S: holder.owner } },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw translateAwsError(err, 'dynamodb:PutItem (lock takeover)');
      // Another contender swapped first: it holds the lock now, and this run is refused.
      const now = await readHolder(deps, table, record.cluster);
      throw refuse(lockLostMessage(now?.owner), record.cluster, now);
    }
    return {
      how: 'taken-over',
      from: holder.owner,
      fromStatus: execution.status,
      reason: decision.reason,
      message: decision.message,
    };
  }
  // Released and re-taken three times over while we looked: someone else is starting right now.
  const now = await readHolder(deps, table, input.record.cluster);
  throw refuse(lockLostMessage(now?.owner), input.record.cluster, now);
}

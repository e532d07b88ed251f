import { now } from '../clock';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LockHeldError } from '../../core/errors';
import { executionInputSchema, type Progress } from '../../core/execution';
import { ACQUIRE_CONDITION, lockHeldMessage, lockRecord, LOCK_ATTRIBUTES } from '../../core/orchestration';
import { awsCall, translateAwsError } from '../adapters/aws-errors';
import { createDynamoDbClient } from '../clients/aws-dynamodb';
import { readEnv, requireEnv } from '../env';
import { parseEvent, taskEventSchema } from '../event';
import { loadPlan } from '../shared';

const eventSchema = taskEventSchema(['acquire'], executionInputSchema.passthrough());

export interface LockResult {
  readonly acquired: true;
  readonly cluster: string;
  readonly owner: string;
  readonly expiresAt: number;
  readonly acquiredAt: string;
  readonly progress: Progress;
}

/** Takes the per-cluster lock for this execution; a lock held by another live run refuses at once. */
export async function handler(event: unknown): Promise<LockResult> {
  const env = readEnv();
  const { executionArn, state } = parseEvent(eventSchema, event, 'Lock');
  const table = requireEnv(env, 'lockTableName', 'LOCK_TABLE_NAME');
  const plan = loadPlan(state.plan);
  const nowMs = now();
  const record = lockRecord({
    cluster: plan.cluster,
    executionArn,
    nowMs,
    ttlMs: plan.lock.ttl,
    requestedBy: state.requestedBy,
  });
  const dynamodb = createDynamoDbClient(plan.region);
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          [LOCK_ATTRIBUTES.key]: { S: record.cluster },
          [LOCK_ATTRIBUTES.owner]: { S: record.owner },
          [LOCK_ATTRIBUTES.expiresAt]: { N: String(record.expiresAt) },
          [LOCK_ATTRIBUTES.acquiredAt]: { S: record.acquiredAt },
          ...(record.requestedBy ? { [LOCK_ATTRIBUTES.requestedBy]: { S: record.requestedBy } } : {}),
        },
        ConditionExpression: ACQUIRE_CONDITION.expression,
        ExpressionAttributeNames: { ...ACQUIRE_CONDITION.names },
        ExpressionAttributeValues: {
          ':now': { N: String(Math.floor(nowMs / 1000)) },
          ':me': { S: executionArn },
        },
      }),
    );
  } catch (err) {
    if (
      !(err instanceof ConditionalCheckFailedException) &&
      (err as { name?: string }).name !== 'ConditionalCheckFailedException'
    )
      throw translateAwsError(err, 'dynamodb:PutItem (lock)');
    const held = await awsCall('dynamodb:GetItem (lock)', () =>
      dynamodb.send(
        new GetItemCommand({
          TableName: table,
          Key: { [LOCK_ATTRIBUTES.key]: { S: plan.cluster } },
          ConsistentRead: true,
        }),
      ),
    );
    const holder = held.Item?.[LOCK_ATTRIBUTES.owner]?.S;
    throw new LockHeldError(lockHeldMessage(holder), {
      cluster: plan.cluster,
      holder,
      requestedBy: held.Item?.[LOCK_ATTRIBUTES.requestedBy]?.S,
    });
  }
  return {
    acquired: true,
    cluster: plan.cluster,
    owner: executionArn,
    expiresAt: record.expiresAt,
    acquiredAt: record.acquiredAt,
    progress: {
      step: 'lock',
      status: 'ok',
      message: `lock on cluster ${plan.cluster} taken until ${new Date(record.expiresAt * 1000).toISOString()}`,
      evidence: { table, cluster: plan.cluster },
    },
  };
}

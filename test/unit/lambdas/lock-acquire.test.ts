import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { lockRecord } from '../../../core/orchestration';
import { acquireLock } from '../../../lambdas/lock-acquire';

const ME = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:me';
const X = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:x';
const Y = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:y';
const NOW_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const record = lockRecord({ cluster: 'c', executionArn: ME, nowMs: NOW_MS, ttlMs: 3_600_000 });
const held = (owner: string, expiresAt: number) => ({
  Item: { cluster: { S: 'c' }, owner: { S: owner }, expiresAt: { N: String(expiresAt) } },
});
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const deps = () => ({
  dynamodb: new DynamoDBClient({ region: 'eu-west-1' }),
  sfn: () => new SFNClient({ region: 'eu-west-1' }),
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('acquireLock', () => {
  it('takes a free lock, and re-enters its own', async () => {
    ddb
      .on(PutItemCommand)
      .resolvesOnce({})
      .resolvesOnce({ Attributes: held(ME, 1).Item });
    expect(await acquireLock(deps(), { table: 't', record, nowMs: NOW_MS })).toEqual({ how: 'taken' });
    expect(await acquireLock(deps(), { table: 't', record, nowMs: NOW_MS })).toEqual({ how: 're-entered' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('swaps the expired lock of an ended holder on that holder only', async () => {
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).resolvesOnce({});
    ddb.on(GetItemCommand).resolves(held(X, NOW_MS / 1000 - 60));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', startDate: new Date(NOW_MS - 7_200_000) });
    const got = await acquireLock(deps(), { table: 't', record, nowMs: NOW_MS });
    expect(got).toMatchObject({ how: 'taken-over', from: X, fromStatus: 'FAILED', reason: 'expired' });
    const swap = ddb.commandCalls(PutItemCommand)[1]?.args[0].input;
    expect(swap).toMatchObject({
      ConditionExpression: '#owner = :holder',
      ExpressionAttributeValues: { ':holder': { S: X } },
      Item: { owner: { S: ME } },
    });
  });

  it('loses the swap to a contender that took the lock first, and refuses naming it', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb
      .on(GetItemCommand)
      .resolvesOnce(held(X, NOW_MS / 1000 - 60))
      .resolves(held(Y, NOW_MS / 1000 + 3600));
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    await expect(acquireLock(deps(), { table: 't', record, nowMs: NOW_MS })).rejects.toMatchObject({
      name: 'LockHeldError',
      message: `rollout ${Y} took the lock first`,
      details: { holder: Y },
    });
  });

  it('refuses a RUNNING holder without writing', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves(held(X, NOW_MS / 1000 - 60));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    await expect(
      acquireLock(deps(), { table: 't', record, nowMs: NOW_MS, recovers: X }),
    ).rejects.toMatchObject({
      name: 'LockHeldError',
      message: expect.stringContaining('still RUNNING'),
    });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('tries again when the lock vanished between the put and the read (its owner released it)', async () => {
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).resolvesOnce({});
    ddb.on(GetItemCommand).resolves({});
    expect(await acquireLock(deps(), { table: 't', record, nowMs: NOW_MS })).toEqual({ how: 'taken' });
  });
});

import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { LOCK_ATTRIBUTES } from '../../../../core/orchestration';
import { LOCK_TABLE } from '../../../../lambdas/catalog';
import { handler as finalize } from '../../../../lambdas/handlers/finalize';
import { handler as lock } from '../../../../lambdas/handlers/lock';
import { EXECUTION_ARN, event, planDoc, sdkError } from '../fixtures';

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const held = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  process.env.LOCK_TABLE_NAME = 'locks';
});

describe('lock item', () => {
  it('uses the key schema the infra creates the table with', () => {
    expect(LOCK_ATTRIBUTES.key).toBe(LOCK_TABLE.partitionKey);
    expect(LOCK_ATTRIBUTES.expiresAt).toBe(LOCK_TABLE.ttlAttribute);
  });
});

describe('Lock', () => {
  it('puts the lock with the execution ARN, an expiry and the condition free-or-ours', async () => {
    ddb.on(PutItemCommand).resolves({});
    const result = await lock({
      action: 'acquire',
      executionArn: EXECUTION_ARN,
      state: { mode: 'migrate', plan: planDoc(), requestedBy: 'ci run 42' },
    });
    expect(result).toMatchObject({
      acquired: true,
      cluster: 'temporal-dev',
      owner: EXECUTION_ARN,
      progress: { step: 'lock', status: 'ok' },
    });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'locks',
      Item: expect.objectContaining({
        cluster: { S: 'temporal-dev' },
        owner: { S: EXECUTION_ARN },
        requestedBy: { S: 'ci run 42' },
      }),
      ConditionExpression: 'attribute_not_exists(#key) OR #owner = :me',
      ExpressionAttributeNames: { '#key': 'cluster', '#owner': 'owner' },
    });
    expect(result).toMatchObject({ how: 'taken' });
  });

  it('refuses with "rollout <arn> already running" while the holder runs, even past its expiry', async () => {
    const other = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:other';
    ddb.on(PutItemCommand).rejects(held());
    ddb.on(GetItemCommand).resolves({ Item: { owner: { S: other }, expiresAt: { N: '1' } } });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    await expect(lock(event('acquire', { mode: 'migrate' }))).rejects.toMatchObject({
      name: 'LockHeldError',
      message: expect.stringContaining(`rollout ${other} already running: it is still RUNNING`),
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: other });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('writes the longer of the plan ttl and LOCK_TTL_SECONDS', async () => {
    ddb.on(PutItemCommand).resolves({});
    process.env.LOCK_TTL_SECONDS = String(30 * 24 * 3600);
    try {
      const result = await lock(event('acquire', { mode: 'migrate' }));
      expect(result.expiresAt - Math.floor(Date.parse(result.acquiredAt) / 1000)).toBeGreaterThanOrEqual(
        30 * 24 * 3600,
      );
    } finally {
      delete process.env.LOCK_TTL_SECONDS;
    }
  });

  it('translates throttling for Retry', async () => {
    ddb.on(PutItemCommand).rejects(sdkError('ProvisionedThroughputExceededException'));
    await expect(lock(event('acquire', { mode: 'migrate' }))).rejects.toMatchObject({
      name: 'ThrottledError',
    });
  });

  it('names the wrong field of a bad event', async () => {
    await expect(
      lock({ action: 'acquire', executionArn: EXECUTION_ARN, state: { mode: 'deploy', plan: planDoc() } }),
    ).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringContaining('state.mode'),
    });
    await expect(lock({ action: 'release', executionArn: EXECUTION_ARN, state: {} })).rejects.toMatchObject({
      message: expect.stringContaining('action'),
    });
  });

  it('needs LOCK_TABLE_NAME', async () => {
    delete process.env.LOCK_TABLE_NAME;
    await expect(lock(event('acquire', { mode: 'migrate' }))).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringContaining('LOCK_TABLE_NAME'),
    });
  });
});

describe('Finalize', () => {
  it('releases only its own lock and returns the report', async () => {
    ddb.on(DeleteItemCommand).resolves({});
    const out = await finalize(
      event('finalize', {
        mode: 'plan',
        lock: { acquiredAt: '2026-11-23T12:00:00.000Z' },
        preflight: { work: [], reports: [] },
      }),
    );
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: 'locks',
      Key: { cluster: { S: 'temporal-dev' } },
      ConditionExpression: '#owner = :me',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':me': { S: EXECUTION_ARN } },
    });
    expect(out).toMatchObject({
      status: 'SUCCEEDED',
      mode: 'plan',
      lockReleased: true,
      end: null,
      startedAt: '2026-11-23T12:00:00.000Z',
    });
  });

  it('is idempotent: a lock already released is not an error', async () => {
    ddb.on(DeleteItemCommand).rejects(held());
    await expect(finalize(event('finalize', { mode: 'migrate', lock: {} }))).resolves.toMatchObject({
      lockReleased: true,
    });
  });

  it('lets a throttled release be retried', async () => {
    ddb.on(DeleteItemCommand).rejects(sdkError('ThrottlingException'));
    await expect(finalize(event('finalize', { mode: 'migrate', lock: {} }))).rejects.toMatchObject({
      name: 'ThrottledError',
    });
  });

  it('reports a refusal of an unreadable plan without touching the lock', async () => {
    const out = await finalize({
      action: 'finalize',
      executionArn: EXECUTION_ARN,
      state: {
        mode: 'migrate',
        plan: { cluster: 'c' },
        refusal: { Error: 'PlanInvalidError', Cause: 'plan: region missing' },
      },
    });
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(0);
    expect(out).toMatchObject({
      status: 'REFUSED',
      cluster: 'c',
      lockHeld: false,
      lockReleased: false,
      end: { error: 'RolloutRefused' },
      cause: { check: 'plan', message: 'plan: region missing' },
    });
    expect(out.progress.message).toBe('migrate REFUSED: plan: region missing; no lock held by this run');
  });

  it('reports a run refused by a lock another run holds as REFUSED, claiming no release', async () => {
    const out = await finalize(
      event('finalize', {
        mode: 'rollback',
        refusal: { Error: 'LockHeldError', Cause: 'rollout arn:other already running' },
      }),
    );
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(0);
    expect(out).toMatchObject({ status: 'REFUSED', lockHeld: false, lockReleased: false });
    expect(JSON.stringify(out)).not.toMatch(/lock released/);
    expect(out.progress.message).toContain('no lock held by this run');
  });
});

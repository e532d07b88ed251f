import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SFNClient,
  type HistoryEvent,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { recoveryExecutionName } from '../../../../core/orchestration/aftermath';
import { handler } from '../../../../lambdas/handlers/execution-ended';
import { EXECUTION_ARN, planDoc } from '../fixtures';

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alloy-rollout-notifications';
const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout';

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  sns.reset();
  process.env.LOCK_TABLE_NAME = 'locks';
  process.env.NOTIFY_TOPIC_ARN = TOPIC;
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterAll(() => {
  delete process.env.NOTIFY_TOPIC_ARN;
});

const statusEvent = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2026-12-03T12:00:00Z',
  region: 'eu-west-1',
  resources: [EXECUTION_ARN],
  detail: {
    executionArn: EXECUTION_ARN,
    stateMachineArn: SM,
    name: 'run-1',
    status: 'ABORTED',
    startDate: 1_700_000_000_000,
    stopDate: 1_700_000_100_000,
    input: JSON.stringify({ mode: 'migrate', plan: planDoc(), requestedBy: 'ci run 42' }),
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
    error: null,
    cause: null,
    ...detail,
  },
});
let eventId = 0;
/** A history event as GetExecutionHistory returns it. */
const historyEvent = (e: Omit<HistoryEvent, 'id' | 'timestamp'>): HistoryEvent => ({
  id: ++eventId,
  timestamp: new Date(0),
  ...e,
});
const childStart = (service: string) =>
  historyEvent({
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'states',
      resource: 'startExecution.sync:2',
      region: 'eu-west-1',
      parameters: JSON.stringify({ Input: { mode: 'service-migrate', service: { name: service } } }),
    },
  });
const lockHeldBy = (owner: string | undefined) =>
  ddb
    .on(GetItemCommand)
    .resolves(owner ? { Item: { cluster: { S: 'temporal-dev' }, owner: { S: owner } } } : {});

describe('ExecutionEnded', () => {
  it('a stopped migrate holding the lock: one recovery rollback of what it started (history paged), notified', async () => {
    lockHeldBy(EXECUTION_ARN);
    sfn
      .on(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN })
      .resolvesOnce({
        events: [
          childStart('worker'),
          historyEvent({
            type: 'TaskSucceeded',
            taskSucceededEventDetails: { resourceType: 'states', resource: 'startExecution.sync:2' },
          }),
        ],
        nextToken: 'p2',
      })
      .resolvesOnce({ events: [childStart('history')] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: recoveryExecutionName(EXECUTION_ARN, true) });
    const result = await handler(statusEvent({}));
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { nextToken: 'p2' });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({ stateMachineArn: SM, name: recoveryExecutionName(EXECUTION_ARN) });
    expect(JSON.parse(start?.input ?? '{}')).toMatchObject({
      mode: 'rollback',
      services: ['worker', 'history'],
      recovers: EXECUTION_ARN,
    });
    expect(result.cleanup).toMatchObject({
      kind: 'recovery',
      alreadyStarted: false,
      services: ['worker', 'history'],
    });
    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json' });
    const forms = JSON.parse(published?.Message ?? '{}') as { default: string; email: string };
    expect(forms.email).toContain(`Execution: ${EXECUTION_ARN}`);
    expect(JSON.parse(forms.default)).toMatchObject({ version: '1.0', source: 'custom' });
    expect(ddb).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('a second delivery finds the recovery started (ExecutionAlreadyExists) and reports it', async () => {
    lockHeldBy(EXECUTION_ARN);
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [childStart('worker')] });
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const result = await handler(statusEvent({}));
    expect(result.cleanup).toMatchObject({
      kind: 'recovery',
      alreadyStarted: true,
      recoveryArn: recoveryExecutionName(EXECUTION_ARN, true),
    });
  });

  it('input left out of the event (over 248 KB): read with DescribeExecution', async () => {
    lockHeldBy(undefined);
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ input: JSON.stringify({ mode: 'migrate', plan: planDoc() }) });
    const result = await handler(
      statusEvent({ input: null, inputDetails: { included: false }, status: 'FAILED', error: 'RolledBack' }),
    );
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
    expect(result.cleanup).toMatchObject({ kind: 'none' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBe(
      'alloy-rollout temporal-dev: rolled back',
    );
  });

  it('nothing started: the lock released with the owner condition; a lost condition is reported, not thrown', async () => {
    lockHeldBy(EXECUTION_ARN);
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    ddb.on(DeleteItemCommand).resolvesOnce({});
    const released = await handler(statusEvent({ status: 'TIMED_OUT' }));
    expect(released.cleanup).toMatchObject({ kind: 'lock-released', released: true });
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: 'locks',
      ConditionExpression: '#owner = :me',
      ExpressionAttributeValues: { ':me': { S: EXECUTION_ARN } },
    });
    ddb.on(DeleteItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    const lost = await handler(statusEvent({ status: 'TIMED_OUT' }));
    expect(lost.cleanup).toMatchObject({ kind: 'lock-released', released: false });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('a child execution: no AWS call, no notification', async () => {
    const input = JSON.stringify({ mode: 'service-migrate', plan: planDoc(), service: { name: 'worker' } });
    const result = await handler(statusEvent({ status: 'FAILED', input }));
    expect(result.cleanup).toMatchObject({ kind: 'none' });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('without NOTIFY_TOPIC_ARN nothing is published; another status than the three is ignored', async () => {
    delete process.env.NOTIFY_TOPIC_ARN;
    lockHeldBy(undefined);
    await handler(statusEvent({ status: 'FAILED', error: 'RolloutRefused' }));
    expect(sns.calls()).toHaveLength(0);
    const ignored = await handler(statusEvent({ status: 'SUCCEEDED' }));
    expect(ignored.cleanup).toMatchObject({ kind: 'ignored' });
  });

  it('a bad event names what was wrong', async () => {
    await expect(handler({ source: 'aws.ecs', detail: {} })).rejects.toThrow(
      /ExecutionEnded: bad event: .*source/,
    );
  });
});

import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { waitFor } from './support/wait';

const FN = 'arn:aws:lambda:eu-west-1:000000000000:function:test-step';
const ROLE = 'arn:aws:iam::000000000000:role/sfn';

/** Parent and child in one definition (mode chooses), like the orchestrator's per-service children. */
const definition = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.mode', StringEquals: 'child', Next: 'Work' }],
      Default: 'Pause',
    },
    Pause: { Type: 'Wait', SecondsPath: '$.pauseSeconds', Next: 'RunChild' },
    RunChild: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', Input: { mode: 'child', 'fail.$': '$.fail' } },
      ResultSelector: { 'childOutput.$': '$.Output', 'childArn.$': '$.ExecutionArn' },
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Done',
    },
    Work: {
      Type: 'Task',
      Resource: FN,
      Retry: [{ ErrorEquals: ['ThrottledError'], IntervalSeconds: 2, MaxAttempts: 2 }],
      End: true,
    },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'RolledBack', Cause: 'the child failed' },
  },
};

describe('sandbox Step Functions through the real SDK client', () => {
  let sandbox: Sandbox;
  let sfn: SFNClient;
  let calls = 0;

  beforeEach(async () => {
    calls = 0;
    sandbox = await startSandbox({
      port: 0,
      clockSpeed: 1000,
      lambdaHandlers: {
        'test-step': async (event) => {
          calls += 1;
          const e = event as { fail?: boolean };
          // The first call is throttled: the state's Retry must absorb it.
          if (calls === 1) throw Object.assign(new Error('slow down'), { name: 'ThrottledError' });
          if (e.fail)
            throw Object.assign(new Error('logs missing for task abc'), { name: 'CheckFailedError' });
          return { progress: { step: 'work', status: 'ok', message: 'done' }, when: new Date(0) };
        },
      },
    });
    sfn = new SFNClient({
      endpoint: sandbox.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    sfn.destroy();
    await sandbox.stop();
  });

  async function allEvents(executionArn: string, maxResults: number): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults, ...(nextToken ? { nextToken } : {}) }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  async function finished(executionArn: string) {
    return waitFor('execution end', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
  }

  it('runs a parent and its child with Lambda, Wait, Choice and Retry, recording the real event types', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'test', definition: JSON.stringify(definition), roleArn: ROLE }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'run-1',
        input: JSON.stringify({ mode: 'parent', pauseSeconds: 300, fail: false }),
      }),
    );
    expect(executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:test:run-1');
    const end = await finished(executionArn as string);
    expect(end.status).toBe('SUCCEEDED');

    const events = await allEvents(executionArn as string, 3);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types).toEqual(
      expect.arrayContaining([
        'ChoiceStateEntered',
        'WaitStateEntered',
        'WaitStateExited',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'SucceedStateEntered',
      ]),
    );
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const submitted = events.find((e) => e.type === 'TaskSubmitted');
    const childArn = (
      JSON.parse(submitted?.taskSubmittedEventDetails?.output ?? '{}') as { ExecutionArn: string }
    ).ExecutionArn;
    expect(submitted?.taskSubmittedEventDetails?.resourceType).toBe('states');

    const child = await allEvents(childArn, 100);
    const childTypes = child.map((e) => e.type);
    expect(childTypes).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    // Results pass through JSON as with Lambda: the Date became a string.
    const ok = child.find((e) => e.type === 'LambdaFunctionSucceeded');
    expect(JSON.parse(ok?.lambdaFunctionSucceededEventDetails?.output ?? '{}')).toEqual({
      progress: { step: 'work', status: 'ok', message: 'done' },
      when: '1970-01-01T00:00:00.000Z',
    });
    const throttled = child.find((e) => e.type === 'LambdaFunctionFailed');
    expect(throttled?.lambdaFunctionFailedEventDetails?.error).toBe('ThrottledError');
    expect(JSON.parse(throttled?.lambdaFunctionFailedEventDetails?.cause ?? '{}')).toMatchObject({
      errorType: 'ThrottledError',
      errorMessage: 'slow down',
    });
    expect(child[0]?.executionStartedEventDetails).toMatchObject({
      input: JSON.stringify({ mode: 'child', fail: false }),
    });

    const parentOut = JSON.parse(end.output ?? '{}') as { childOutput: unknown; childArn: string };
    expect(parentOut.childArn).toBe(childArn);
    expect(parentOut.childOutput).toMatchObject({ progress: { step: 'work' } });
  });

  it('fails the parent with the child failure caught as States.TaskFailed, ending in the Fail state', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'test', definition: JSON.stringify(definition), roleArn: ROLE }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        input: JSON.stringify({ mode: 'parent', pauseSeconds: 1, fail: true }),
      }),
    );
    const end = await finished(executionArn as string);
    expect(end).toMatchObject({ status: 'FAILED', error: 'RolledBack', cause: 'the child failed' });
    const events = await allEvents(executionArn as string, 1000);
    const failed = events.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails?.error).toBe('States.TaskFailed');
    const cause = JSON.parse(failed?.taskFailedEventDetails?.cause ?? '{}') as {
      Status: string;
      Error: string;
      Cause: string;
    };
    expect(cause).toMatchObject({ Status: 'FAILED', Error: 'CheckFailedError' });
    expect(JSON.parse(cause.Cause)).toMatchObject({
      errorType: 'CheckFailedError',
      errorMessage: 'logs missing for task abc',
    });
    expect(events.map((e) => e.type).slice(-2)).toEqual(['FailStateEntered', 'ExecutionFailed']);
  });

  it('lists, stops and refuses like the service: duplicate names, bad tokens, unknown executions', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'test', definition: JSON.stringify(definition), roleArn: ROLE }),
    );
    const input = JSON.stringify({ mode: 'parent', pauseSeconds: 3600 * 24, fail: false });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'same', input }));
    // Same name and input while running: the same execution (a re-run attaches).
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'same', input }));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'same', input: '{"other":1}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['same']);
    await sfn.send(
      new StopExecutionCommand({
        executionArn: first.executionArn,
        error: 'Manual',
        cause: 'stopped by test',
      }),
    );
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }))).status).toBe(
      'ABORTED',
    );
    const events = await allEvents(first.executionArn as string, 100);
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    await expect(
      sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn, nextToken: 'bogus' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:test:none',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}x`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'bad',
          definition: '{"StartAt":"X","States":{}}',
          roleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });
});

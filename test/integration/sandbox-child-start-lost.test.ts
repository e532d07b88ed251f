import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { parseFaults } from '../../sandbox/faults';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { waitFor } from './support/wait';

const ROLE = 'arn:aws:iam::000000000000:role/sfn';

/**
 * A parent that starts one child with startExecution.sync:2 and retries the start on a lost answer,
 * as MigrateService does; `Name.$` is given or left out. The child waits a minute, so the retry
 * (2 s later) finds it running.
 */
function definition(named: boolean) {
  return {
    StartAt: 'Route',
    States: {
      Route: {
        Type: 'Choice',
        Choices: [{ Variable: '$.mode', StringEquals: 'child', Next: 'Work' }],
        Default: 'StartChild',
      },
      StartChild: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: {
          'StateMachineArn.$': '$$.StateMachine.Id',
          ...(named ? { 'Name.$': "States.Format('{}-m{}', $$.Execution.Name, 0)" } : {}),
          Input: { mode: 'child' },
        },
        Retry: [{ ErrorEquals: ['StepFunctions.SdkClientException'], IntervalSeconds: 2, MaxAttempts: 3 }],
        End: true,
      },
      Work: { Type: 'Wait', Seconds: 60, End: true },
    },
  };
}

describe('sandbox Step Functions: sfn:child-start-lost', () => {
  let sandbox: Sandbox;
  let sfn: SFNClient;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, clockSpeed: 200, faults: parseFaults(['sfn:child-start-lost']) });
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

  async function run(named: boolean) {
    const name = named ? 'named' : 'unnamed';
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name, definition: JSON.stringify(definition(named)), roleArn: ROLE }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'parent', input: '{"mode":"parent"}' }),
    );
    const end = await waitFor('the parent to end', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const children = (executions ?? []).filter((e) => e.executionArn !== executionArn);
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const lost = (events ?? []).filter(
      (e) =>
        e.type === 'TaskFailed' && e.taskFailedEventDetails?.error === 'StepFunctions.SdkClientException',
    );
    return { end, children, lost };
  }

  it('with a derived child name, the retry follows the child it already started', async () => {
    const { end, children, lost } = await run(true);
    expect(end.status).toBe('SUCCEEDED');
    expect(lost).toHaveLength(1);
    expect(children.map((c) => c.name)).toEqual(['parent-m0']);
  });

  it('without a name, the same retry starts a second child (what the derived names prevent)', async () => {
    const { end, children, lost } = await run(false);
    expect(end.status).toBe('SUCCEEDED');
    expect(lost).toHaveLength(1);
    expect(children).toHaveLength(2);
  });
});

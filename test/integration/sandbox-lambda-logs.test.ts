import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { parse } from 'yaml';
import { ROOT } from './support/fixtures';
import { testPlan } from './support/rehearsal';
import { waitFor } from './support/wait';

// The lines are the subject here: INFO, as a deployed function logs by default (test/setup.ts
// makes the Logger silent elsewhere). Set before the first invocation, which makes the Logger.
process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';

jest.setTimeout(60_000);

const clientConfig = (sandbox: Sandbox) => ({
  endpoint: sandbox.url,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});

describe('sandbox: the Lambdas log to their CloudWatch Logs groups, as Lambda does', () => {
  let sandbox: Sandbox;
  let sfn: SFNClient;
  let logs: CloudWatchLogsClient;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, clockSpeed: 1000, root: ROOT });
    sfn = new SFNClient(clientConfig(sandbox));
    logs = new CloudWatchLogsClient(clientConfig(sandbox));
  });

  afterEach(async () => {
    sfn.destroy();
    logs.destroy();
    await sandbox.stop();
  });

  /** The execution's lines in a group; none when the function never ran (no group yet). */
  async function linesOf(group: string, executionArn: string) {
    const out = await logs
      .send(
        new FilterLogEventsCommand({
          logGroupName: group,
          filterPattern: `{ $.executionArn = "${executionArn}" }`,
        }),
      )
      .catch((error: unknown) => {
        if ((error as Error).name === 'ResourceNotFoundException') return { events: [] };
        throw error;
      });
    return (out.events ?? []).map((e) => JSON.parse(e.message ?? '') as Record<string, unknown>);
  }

  it('routes the lines of two concurrent executions to each function group, filterable by executionArn', async () => {
    const stateMachineArn = await sandbox.deployOrchestrator();
    // A valid plan on a cluster the sandbox does not have: Lock, then Preflight stops, then
    // Finalize reports it. Two at once, so the lines of both interleave in each group.
    const input = JSON.stringify({ mode: 'migrate', plan: parse(testPlan()) as unknown });
    const started = await Promise.all(
      ['one', 'two'].map((name) => sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }))),
    );
    const arns = started.map((s) => s.executionArn as string);
    for (const executionArn of arns)
      await waitFor('execution end', async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return d.status === 'RUNNING' ? undefined : d;
      });

    for (const executionArn of arns) {
      const finalize = await linesOf('/aws/lambda/alloy-rollout-Finalize', executionArn);
      expect(finalize.length).toBeGreaterThan(0);
      for (const line of finalize)
        expect(line).toMatchObject({
          service: 'alloy-rollout',
          lambdaId: 'Finalize',
          function_name: 'alloy-rollout-Finalize',
          executionArn,
          mode: 'migrate',
          cluster: 'temporal-dev',
        });
      const decision = finalize.find((l) => l['kind'] === 'decision');
      expect(decision).toMatchObject({ level: 'WARN', step: 'finalize', status: 'failed' });
      expect(typeof decision?.['timestamp']).toBe('string');
      expect(String(decision?.['message'])).toMatch(/^migrate [A-Z_]+/);
    }
    // Lock ran for each (taking the lock, or refused by the other's): its lines in its own group.
    for (const executionArn of arns) {
      const lock = await linesOf('/aws/lambda/alloy-rollout-Lock', executionArn);
      expect(lock.length).toBeGreaterThan(0);
      for (const line of lock) {
        expect(line).toMatchObject({
          lambdaId: 'Lock',
          function_name: 'alloy-rollout-Lock',
          executionArn,
          cluster: 'temporal-dev',
        });
        if (line['kind'] === 'failure')
          expect(line).toMatchObject({ level: 'ERROR', errorName: expect.any(String) });
        else expect(line).toMatchObject({ kind: 'decision', step: 'lock', status: 'ok' });
      }
    }
  });
});

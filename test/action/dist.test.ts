import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { executionName } from '../../action/src/execution-name';
import rolledBackReport from '../fixtures/action/report-rolled-back.json';
import { STATE_MACHINE_ARN, executionArn } from './fake-sfn';
import { EXAMPLE_PLAN, GITHUB_ENV } from './inputs-fixture';
import { runDist } from './run-dist';

/** The name the Action gives this step: mode migrate, the example plan, no phase or services. */
const NAME = executionName(
  { repository: GITHUB_ENV.GITHUB_REPOSITORY, runId: GITHUB_ENV.GITHUB_RUN_ID, runAttempt: 1 },
  { mode: 'migrate', planDocument: parseYaml(EXAMPLE_PLAN) as Record<string, unknown> },
);

interface Call {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

/** Step Functions over its JSON protocol, on loopback, answering from a finished history. */
function stepFunctions(history: object[]) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ target, body });
      const reply = (status: number, payload: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(payload));
      };
      if (target === 'DescribeExecution')
        reply(400, { __type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist' });
      else if (target === 'StartExecution')
        reply(200, { executionArn: executionArn(String(body['name'])), startDate: 1767225600 });
      else if (target === 'GetExecutionHistory') {
        const events = history.map((e, i) => ({
          id: i + 1,
          previousEventId: i,
          timestamp: 1767225600 + i,
          ...e,
        }));
        reply(200, { events: body['reverseOrder'] ? events.reverse() : events });
      } else reply(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  return {
    calls,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const rolledBackHistory = [
  { type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
  { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Lock', input: '{}' } },
  {
    type: 'LambdaFunctionSucceeded',
    lambdaFunctionSucceededEventDetails: {
      output: JSON.stringify({
        progress: { step: 'lock', status: 'ok', message: 'cluster temporal-dev locked' },
      }),
    },
  },
  { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Finalize', input: '{}' } },
  {
    type: 'LambdaFunctionSucceeded',
    lambdaFunctionSucceededEventDetails: {
      output: JSON.stringify({
        ...rolledBackReport,
        progress: { step: 'finalize', status: 'ok', message: 'lock released' },
      }),
    },
  },
  {
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: 'RolledBack', cause: JSON.stringify(rolledBackReport.cause) },
  },
];

describe('action/dist/index.js run as the runner runs it', () => {
  const sfn = stepFunctions(rolledBackHistory);
  let endpoint = '';

  beforeAll(async () => {
    endpoint = await sfn.start();
  });
  afterAll(async () => {
    await sfn.stop();
  });
  beforeEach(() => {
    sfn.calls.length = 0;
  });

  const inputs = {
    mode: 'migrate',
    'state-machine-arn': STATE_MACHINE_ARN,
    'plan-file': 'examples/plan.yaml',
    wait: 'true',
  };

  it('fails the job with an annotation naming the cause when the rollout was rolled back, and sets outputs and summary', async () => {
    const run = await runDist(inputs, { ...GITHUB_ENV, AWS_ENDPOINT_URL_SFN: endpoint });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::group::rollout');
    expect(run.stdout).toContain('✓ lock: cluster temporal-dev locked');
    expect(run.stdout).toMatch(
      /::error title=Rolled back%3A history \/ logs::Rolled back: service "history", check "logs": 1 of 3 new tasks has no lines in Loki after 30s/,
    );
    expect(run.outputs).toMatchObject({
      'execution-arn': executionArn(NAME),
      status: 'ROLLED_BACK',
      'migrated-services': '',
      'rolled-back-services': 'worker,history',
    });
    expect(JSON.parse(run.outputs['report'] ?? '{}')).toMatchObject({
      status: 'ROLLED_BACK',
      cluster: 'temporal-dev',
    });
    expect(run.summary).toContain('## alloy-rollout migrate: ↩️ ROLLED BACK');
    expect(run.summary).toContain('```mermaid');
    expect(sfn.calls.map((c) => c.target)).toEqual([
      'DescribeExecution',
      'StartExecution',
      'GetExecutionHistory',
    ]);
    expect(JSON.parse(String(sfn.calls[1]?.body['input']))).toMatchObject({
      mode: 'migrate',
      requestedBy: 'github:acme/platform run 9876543210 attempt 1 by octocat',
    });
  });

  it('returns at once with the execution ARN when wait is false', async () => {
    const run = await runDist(
      { ...inputs, wait: 'false' },
      { ...GITHUB_ENV, AWS_ENDPOINT_URL_SFN: endpoint },
    );

    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ 'execution-arn': executionArn(NAME), status: 'RUNNING' });
    expect(sfn.calls.map((c) => c.target)).toEqual(['DescribeExecution', 'StartExecution']);
  });

  it('fails before calling AWS when an input is wrong', async () => {
    const run = await runDist(
      { ...inputs, services: 'payments' },
      { ...GITHUB_ENV, AWS_ENDPOINT_URL_SFN: endpoint },
    );

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '::error::InputInvalidError: 1 input problem:%0A  - services: "payments" is not in the plan',
    );
    expect(sfn.calls).toEqual([]);
  });
});

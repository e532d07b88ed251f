import { GetExecutionHistoryCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { executionName } from '../../action/src/execution-name';
import { runRollout } from '../../action/src/run-rollout';
import type { ActionInputs } from '../../action/src/types';
import type { Report } from '../../core/report/types';
import rolledBackReport from '../fixtures/action/report-rolled-back.json';
import {
  at,
  childSubmitted,
  entered,
  executionArn,
  executionFailed,
  executionSucceeded,
  exited,
  FakeStepFunctions,
  lambdaSucceeded,
  lambdaTaskSucceeded,
  progress,
  recordingIO,
  STATE_MACHINE_ARN,
} from './fake-sfn';
import { inputsFor } from './inputs-fixture';

/** This step's execution name in attempt `runAttempt` of the run (the default inputs' step). */
function nameIn(runAttempt: number, round = 0): string {
  const inputs = inputsFor();
  return executionName({ ...inputs.github, runAttempt }, inputs, round);
}
const NAME = nameIn(1);
const PARENT = executionArn(NAME);
const CHILD = executionArn(`${NAME}-worker`);
const POLL_MS = 5000;

const succeededReport: Report = {
  status: 'SUCCEEDED',
  mode: 'migrate',
  cluster: 'temporal-dev',
  executionArn: PARENT,
  lockReleased: true,
  services: [
    {
      name: 'worker',
      phase: 'canary',
      outcome: 'migrated',
      checks: [
        {
          name: 'logs',
          verdict: 'passed',
          message: '2 of 2 tasks',
          evidence: { values: { a: 1 } },
          durationMs: 900,
        },
      ],
    },
    { name: 'history', phase: 'core', outcome: 'skipped', checks: [] },
  ],
};

function setup(inputs: ActionInputs = inputsFor()) {
  const fake = new FakeStepFunctions();
  const io = recordingIO();
  const go = () =>
    runRollout(inputs, {
      sfn: fake.client,
      io,
      now: () => fake.now,
      sleep: fake.sleep,
      pollIntervalMs: POLL_MS,
      pacer: { minIntervalMs: 0 },
    });
  return { fake, io, go };
}

describe('runRollout', () => {
  it('starts the execution with the plan as written and follows it and its children to the end', async () => {
    const { fake, io, go } = setup();
    fake
      .at(1, PARENT, [
        entered('Lock'),
        lambdaTaskSucceeded(progress('lock', 'ok', 'cluster temporal-dev locked')),
        entered('Service'),
        childSubmitted(CHILD),
      ])
      .at(1, CHILD, [
        entered('Register'),
        lambdaTaskSucceeded(
          progress('register', 'ok', 'registered temporal-dev-worker:5', { service: 'worker' }),
        ),
      ])
      .at(2, CHILD, [
        entered('Deployment'),
        lambdaTaskSucceeded(progress('deployment', 'pending', '1/2 tasks', { service: 'worker' })),
      ])
      .at(3, CHILD, [
        entered('Deployment'),
        lambdaTaskSucceeded(progress('deployment', 'pending', '1/2 tasks', { service: 'worker' })),
      ])
      .at(4, CHILD, [
        entered('VerifyLogs'),
        lambdaTaskSucceeded(
          progress('logs', 'ok', '2 of 2 tasks in Loki', {
            service: 'worker',
            evidence: { values: { a: 1 } },
          }),
        ),
        executionSucceeded({}),
      ])
      .at(5, PARENT, [
        entered('Finalize'),
        exited('Finalize', {
          report: succeededReport,
          progress: { step: 'finalize', status: 'ok', message: 'lock released' },
        }),
        executionSucceeded({ report: succeededReport }),
      ]);

    const result = await go();

    const start = fake.mock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(NAME);
    expect(start?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(start?.input ?? '{}')).toEqual({
      mode: 'migrate',
      plan: inputsFor().planDocument,
      requestedBy: 'github:acme/platform run 9876543210 attempt 1 by octocat',
    });
    expect(io.lines.filter((l) => !l.startsWith('alloy-rollout:') && !l.startsWith('Console'))).toEqual([
      `Started ${PARENT}`,
      '::group::rollout',
      '✓ lock: cluster temporal-dev locked',
      '::endgroup::',
      '::group::service worker',
      '✓ register: registered temporal-dev-worker:5',
      '… deployment: 1/2 tasks',
      '✓ logs: 2 of 2 tasks in Loki',
      '    evidence: {"values":{"a":1}}',
      '::endgroup::',
      '::group::rollout',
      '✓ finalize: lock released',
      '::endgroup::',
      'Execution ended: SUCCEEDED',
    ]);
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      executionArn: PARENT,
      attached: false,
      migratedServices: ['worker'],
      rolledBackServices: [],
    });
    expect(result.failure).toBeUndefined();
    expect(io.errors).toEqual([]);
    expect(io.outputs).toEqual({
      'execution-arn': PARENT,
      status: 'SUCCEEDED',
      report: JSON.stringify(succeededReport),
      'migrated-services': 'worker',
      'rolled-back-services': '',
    });
    expect(io.summary).toContain('## alloy-rollout migrate: ✅ SUCCEEDED');
    expect(fake.sleeps).toEqual([POLL_MS, POLL_MS, POLL_MS, POLL_MS, POLL_MS]);
  });

  it('prints what the parent and a child did in the order it happened, whichever was read first', async () => {
    const { fake, io, go } = setup();
    fake
      .at(1, PARENT, [at(1000, childSubmitted(CHILD))])
      .at(1, CHILD, [at(1100, lambdaSucceeded(progress('register', 'ok', 'rev 5', { service: 'worker' })))])
      .at(2, PARENT, [
        at(3000, lambdaSucceeded(progress('rollback', 'info', 'rolling back worker'))),
        at(3100, executionFailed('RolledBack', '{"service":"worker","check":"logs","message":"missing"}')),
      ])
      .at(2, CHILD, [
        at(2000, lambdaSucceeded(progress('logs', 'failed', 'missing', { service: 'worker' }))),
        at(2100, executionFailed('RolledBack', 'x')),
      ]);

    await go();

    expect(io.lines.filter((l) => /^(✓|✗|•|::group)/.test(l))).toEqual([
      '::group::service worker',
      '✓ register: rev 5',
      '✗ logs: missing',
      '::group::rollout',
      '• rollback: rolling back worker',
    ]);
  });

  it('fails with an annotation naming the service, the check and the cause when the rollout is rolled back', async () => {
    const { fake, io, go } = setup();
    const cause = JSON.stringify(rolledBackReport.cause);
    fake.at(0, PARENT, [
      entered('Finalize'),
      exited('Finalize', rolledBackReport),
      executionFailed('RolledBack', cause),
    ]);

    const result = await go();

    expect(result.status).toBe('ROLLED_BACK');
    expect(result.rolledBackServices).toEqual(['worker', 'history']);
    expect(result.failure?.title).toBe('Rolled back: history / logs');
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0]?.title).toBe('Rolled back: history / logs');
    expect(io.errors[0]?.message).toContain(
      'service "history", check "logs": 1 of 3 new tasks has no lines in Loki after 30s (evidence: {"missingTaskIds":["f00dfeed"]})',
    );
    expect(io.errors[0]?.message).toContain(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/',
    );
    expect(io.outputs['status']).toBe('ROLLED_BACK');
    expect(io.outputs['rolled-back-services']).toBe('worker,history');
    expect(io.summary).toContain('> **Cause**: service **history**, check **logs**');
  });

  it('reports a rollout refused because another one holds the cluster lock', async () => {
    const { fake, io, go } = setup();
    const holder = executionArn('migrate-1-1-acme-other');
    fake.at(0, PARENT, [
      executionFailed(
        'RolloutRefused',
        JSON.stringify({ check: 'lock', message: `rollout ${holder} already running` }),
      ),
    ]);

    const result = await go();

    expect(result.status).toBe('REFUSED');
    expect(io.errors[0]?.title).toBe('Rollout refused: the cluster is locked by another rollout');
    expect(io.errors[0]?.message).toContain(
      `Rollout refused before anything changed: rollout ${holder} already running. Wait for that rollout to end`,
    );
  });

  it('says the rollback did not complete when the execution fails with RolloutFailed', async () => {
    const { fake, io, go } = setup();
    fake.at(0, PARENT, [executionFailed('RolloutFailed', 'States.TaskFailed in Rollback')]);

    const result = await go();

    expect(result.status).toBe('FAILED');
    expect(io.errors[0]?.message).toContain('the rollback did not complete or could not be verified');
    expect(io.errors[0]?.message).toContain('check "RolloutFailed": States.TaskFailed in Rollback');
  });

  it('attaches to the execution this attempt already started instead of starting another', async () => {
    const { fake, io, go } = setup();
    fake.existing.set(PARENT, 'RUNNING');
    fake.at(0, PARENT, [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(fake.mock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(result).toMatchObject({ attached: true, status: 'SUCCEEDED', executionArn: PARENT });
    expect(io.lines).toContain(`Attached to ${PARENT}: this run attempt already started ${NAME} (RUNNING)`);
  });

  it('attaches to an earlier attempt of the same run that is still rolling out', async () => {
    const { fake, go } = setup(inputsFor({}, { GITHUB_RUN_ATTEMPT: '3' }));
    const first = executionArn(nameIn(1));
    fake.existing.set(executionArn(nameIn(2)), 'FAILED');
    fake.existing.set(first, 'RUNNING');
    fake.at(0, first, [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(fake.mock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(result).toMatchObject({ attached: true, executionArn: first });
  });

  it('starts a new execution when earlier attempts have ended', async () => {
    const { fake, go } = setup(inputsFor({}, { GITHUB_RUN_ATTEMPT: '2' }));
    fake.existing.set(executionArn(nameIn(1)), 'FAILED');
    fake.at(0, executionArn(nameIn(2)), [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(fake.mock).toHaveReceivedCommandWith(StartExecutionCommand, {
      name: nameIn(2),
    });
    expect(result.attached).toBe(false);
  });

  it('attaches when another step of the same attempt started the execution first', async () => {
    const { fake, go } = setup();
    fake.mock.on(StartExecutionCommand).rejects(
      Object.assign(new Error('Execution Already Exists'), {
        name: 'ExecutionAlreadyExists',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    fake.at(0, PARENT, [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(result).toMatchObject({ attached: true, executionArn: PARENT, status: 'SUCCEEDED' });
  });

  it('returns right after the start when wait is false', async () => {
    const { fake, io, go } = setup(inputsFor({ wait: 'false' }));

    const result = await go();

    expect(result).toMatchObject({ status: 'RUNNING', executionArn: PARENT, attached: false });
    expect(result.failure).toBeUndefined();
    expect(fake.mock).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
    expect(io.outputs).toMatchObject({ 'execution-arn': PARENT, status: 'RUNNING', report: '' });
    expect(io.summary).toContain('wait is false: the Action started the rollout and did not follow it.');
  });

  it('on a re-run of the same attempt, attaches to the newest start of the step after lock refusals', async () => {
    const { fake, io, go } = setup();
    fake.existing.set(executionArn(nameIn(1, 0)), 'FAILED');
    fake.existing.set(executionArn(nameIn(1, 1)), 'FAILED');
    fake.existing.set(executionArn(nameIn(1, 2)), 'RUNNING');
    fake.at(0, executionArn(nameIn(1, 2)), [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(fake.mock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(result).toMatchObject({
      attached: true,
      executionArn: executionArn(nameIn(1, 2)),
      status: 'SUCCEEDED',
    });
    expect(io.lines).toContain(
      `Attached to ${executionArn(nameIn(1, 2))}: this run attempt already started ${nameIn(1, 2)} (RUNNING)`,
    );
  });

  it('wait-for-lock: starts the step again after each lock refusal, naming the holder, until the limit; then REFUSED', async () => {
    const holder = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:other';
    const refused = executionFailed(
      'RolloutRefused',
      JSON.stringify({
        check: 'lock',
        message: `rollout ${holder} already running`,
        evidence: { error: 'LockHeldError' },
      }),
    );
    const { fake, io, go } = setup(inputsFor({ 'wait-for-lock': '1m' }));
    for (const round of [0, 1, 2]) fake.at(0, executionArn(nameIn(1, round)), [refused]);

    const result = await go();

    const starts = fake.mock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(starts).toEqual([nameIn(1, 0), nameIn(1, 1), nameIn(1, 2)]);
    // 30 s, then the 60 s backoff cut to the 30 s left of the minute; then the limit has passed.
    expect(fake.sleeps.filter((ms) => ms >= 30_000)).toEqual([30_000, 30_000]);
    const waits = io.lines.filter((l) => l.startsWith('The cluster lock is not free:'));
    expect(waits).toHaveLength(2);
    for (const line of waits) expect(line).toContain(holder);
    expect(result).toMatchObject({ status: 'REFUSED', executionArn: executionArn(nameIn(1, 2)) });
    expect(io.outputs['status']).toBe('REFUSED');
    expect(result.failure?.title).toBe('Rollout refused: the cluster is locked by another rollout');
    expect(io.summary).toContain('2 starts were refused before this one (wait-for-lock)');
  });

  it('wait-for-lock does not retry a refusal the lock did not cause', async () => {
    const { fake, go } = setup(inputsFor({ 'wait-for-lock': '1h' }));
    fake.at(0, PARENT, [
      executionFailed('RolloutRefused', JSON.stringify({ check: 'plan', message: 'plan: region missing' })),
    ]);

    const result = await go();

    expect(result.status).toBe('REFUSED');
    expect(fake.mock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('stops following (not the execution) after timeout-minutes and says so', async () => {
    const { fake, io, go } = setup(inputsFor({ 'timeout-minutes': '1' }));
    fake.at(0, PARENT, [entered('Deployment')]);

    const result = await go();

    expect(result.status).toBe('RUNNING');
    expect(fake.now).toBe(60_000);
    expect(fake.mock).not.toHaveReceivedCommand(StopExecutionCommand);
    expect(result.failure?.title).toBe('Stopped following');
    expect(io.errors[0]?.message).toContain(
      'Stopped following after 1 minute (timeout-minutes); the execution is still running and was not stopped.',
    );
    expect(io.outputs['status']).toBe('RUNNING');
    expect(io.summary).toContain('> Stopped following after 1 minute');
  });

  it('backs off when reading the history is throttled, then carries on', async () => {
    const { fake, go } = setup();
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    fake.mock
      .on(GetExecutionHistoryCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .callsFake(fake.history);
    fake.at(0, PARENT, [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(result.status).toBe('SUCCEEDED');
    expect(fake.sleeps).toEqual([1000, 2000]);
  });

  it('turns access denied into a named error that says which permissions are needed', async () => {
    const { fake, go } = setup();
    fake.mock.on(StartExecutionCommand).rejects(
      Object.assign(new Error('not authorized to perform: states:StartExecution'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(go()).rejects.toMatchObject({
      name: 'DependencyRejectedError',
      message: expect.stringContaining(
        'needs states:StartExecution, states:DescribeExecution and states:GetExecutionHistory',
      ),
    });
  });
});

describe('runRollout when the history cannot be read', () => {
  const denied = () =>
    Object.assign(new Error('User is not authorized to perform: states:GetExecutionHistory'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });

  it('keeps following the parent when a child execution cannot be read', async () => {
    const { fake, io, go } = setup();
    fake.mock
      .on(GetExecutionHistoryCommand, { executionArn: CHILD })
      .rejects(denied())
      .on(GetExecutionHistoryCommand, { executionArn: PARENT })
      .callsFake(fake.history);
    fake.at(0, PARENT, [childSubmitted(CHILD)]).at(1, PARENT, [executionSucceeded(succeededReport)]);

    const result = await go();

    expect(result.status).toBe('SUCCEEDED');
    expect(io.lines.filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringContaining(
        `warning: Cannot read ${CHILD}: reading the history of ${CHILD}: access denied`,
      ),
    ]);
  });

  it('fails the job, still writing outputs and summary, when the parent history stops being readable', async () => {
    const { fake, io, go } = setup();
    fake.mock.on(GetExecutionHistoryCommand).rejects(denied());

    const result = await go();

    expect(result.status).toBe('RUNNING');
    expect(result.failure?.title).toBe('Lost track of the execution');
    expect(io.errors[0]?.message).toContain('The execution was not stopped and goes on');
    expect(io.outputs['execution-arn']).toBe(PARENT);
    expect(io.summary).toContain('Stopped following: reading the history of');
  });
});

import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { parseFaults } from '../../sandbox/faults';
import { startOrchestratorSandbox, type OrchestratorSandbox } from './support/orchestrator';
import { waitFor } from './support/wait';

jest.setTimeout(120_000);

/**
 * The cluster lock and the entry points, on the sandbox's DynamoDB and Step Functions twins with
 * the real orchestrator, driven through the SDK as anyone holding the GitHub role could. Loki
 * never gets ready (loki:not-ready), so a migration started here holds the lock for minutes of
 * simulated time and touches no plan service: the holder the other executions meet. The
 * ExecutionEnded cleanup is off: a stopped holder leaves its lock behind, as one would where that
 * cleanup failed or never ran, which is the case the takeover rule is for.
 */

let o: OrchestratorSandbox;

beforeEach(async () => {
  o = await startOrchestratorSandbox({ faults: parseFaults(['loki:not-ready']), executionEndedRule: false });
});

afterEach(async () => {
  await o.stop();
});

/** Starts a migration and waits until it holds the lock. */
async function holder(name: string): Promise<string> {
  const arn = await o.start(name, { mode: 'migrate' });
  await waitFor(`${name} to hold the lock`, () => (o.lock()?.owner === arn ? true : undefined));
  return arn;
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const out = await o.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return out.events ?? [];
}

/** What the Lock step returned (`$.lock`), from the state's exit in the history. */
async function lockStep(executionArn: string): Promise<{ how: string; progress: { message: string } }> {
  const exited = (await history(executionArn)).find((e) => e.stateExitedEventDetails?.name === 'Lock');
  if (!exited) throw new Error(`${executionArn} never left the Lock state`);
  return (JSON.parse(exited.stateExitedEventDetails?.output ?? '{}') as { lock: never }).lock;
}

const nowSeconds = () => Math.floor(o.sandbox.clock.now() / 1000);
const serviceRevisions = () =>
  ['temporal-dev-temporal-worker', 'temporal-dev-temporal-history'].map(
    (s) => o.sandbox.ecs.service(o.sandbox.ecs.cluster(o.cluster), s).taskDefinitionArn,
  );

describe('the cluster lock (sandbox)', () => {
  it('keeps a lock past its TTL while its owner is RUNNING, and takes it over once the owner ended', async () => {
    const a = await holder('long-migrate');
    o.setLockExpiry(nowSeconds() - 60);

    const refused = await o.ended(await o.start('rollback-while-running', { mode: 'rollback' }));
    expect(refused.status).toBe('FAILED');
    expect(refused.error).toBe('RolloutRefused');
    expect(refused.cause).toContain(`rollout ${a} already running: it is still RUNNING`);
    expect(refused.cause).toMatch(/its lock expired at [0-9T:.-]+Z, but a running owner keeps it/);
    expect(o.lock()?.owner).toBe(a);

    // Stopped: no Finalize runs, its lock stays behind, expired.
    await o.sfn.send(new StopExecutionCommand({ executionArn: a }));
    const after = await o.start('rollback-after-stop', { mode: 'rollback' });
    const done = await o.ended(after);
    expect(await lockStep(after)).toMatchObject({
      how: 'taken-over',
      progress: { message: expect.stringContaining(`lock taken over from ${a}, which ended ABORTED`) },
    });
    expect(done.status).toBe('SUCCEEDED');
    // Released by the run that took it over.
    expect(o.lock()).toBeUndefined();
  });

  it('lets the recovery rollback that names an ended owner take its unexpired lock, and nobody else', async () => {
    const a = await holder('stopped-migrate');
    await o.sfn.send(new StopExecutionCommand({ executionArn: a }));
    await o.ended(a);
    expect(o.lock()?.expiresAt).toBeGreaterThan(nowSeconds());

    const plain = await o.ended(await o.start('plain-rollback', { mode: 'rollback' }));
    expect(plain.error).toBe('RolloutRefused');
    expect(plain.cause).toContain(
      `rollout ${a} ended ABORTED without releasing the lock; its recovery rollback will take the lock, or it expires at`,
    );
    expect(o.lock()?.owner).toBe(a);

    const recovery = await o.start('recovery-rollback', { mode: 'rollback', recovers: a });
    expect((await o.ended(recovery)).status).toBe('SUCCEEDED');
    expect(await lockStep(recovery)).toMatchObject({
      how: 'taken-over',
      progress: { message: expect.stringContaining(`by its recovery rollback`) },
    });
    expect(o.lock()).toBeUndefined();
  });

  it('refuses a recovery rollback whose named owner is still RUNNING', async () => {
    const a = await holder('running-migrate');
    const recovery = await o.ended(await o.start('early-recovery', { mode: 'rollback', recovers: a }));
    expect(recovery.error).toBe('RolloutRefused');
    expect(recovery.cause).toContain(`rollout ${a} already running: it is still RUNNING`);
    expect(o.lock()?.owner).toBe(a);
  });

  it('runs plan while a migration holds the lock, and leaves that lock alone', async () => {
    const a = await holder('migrate-holding');
    const plan = await o.ended(await o.start('dry-run', { mode: 'plan' }));
    expect(plan.status).toBe('SUCCEEDED');
    expect(
      (await history(plan.executionArn ?? '')).some((e) => e.stateEnteredEventDetails?.name === 'Lock'),
    ).toBe(false);
    expect(o.lock()?.owner).toBe(a);
    // The plan ran beside it: the migration is still running.
    expect((await o.sfn.send(new DescribeExecutionCommand({ executionArn: a }))).status).toBe('RUNNING');
  });
});

describe('entry points (sandbox)', () => {
  const child = (extra: Record<string, unknown>) => ({
    mode: 'service-migrate',
    service: {
      name: 'worker',
      phase: 'canary',
      ecsService: 'temporal-dev-temporal-worker',
      taskDefinitionArn: serviceRevisions()[0],
      seriesBaseline: null,
    },
    timing: { pollSeconds: 10, soakSeconds: 30 },
    ...extra,
  });

  it('refuses a service-migrate started directly, before any step runs', async () => {
    const before = serviceRevisions();
    const parent = 'arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:made-up';
    const direct = await o.ended(await o.start('direct-child', child({ parentExecutionArn: parent })));
    expect(direct.status).toBe('FAILED');
    expect(direct.error).toBe('ChildModeRefused');
    expect(direct.cause).toContain(
      'child modes (service-migrate, service-rollback) are started by a parent execution',
    );
    const entered = (await history(direct.executionArn ?? '')).flatMap((e) =>
      e.stateEnteredEventDetails ? [e.stateEnteredEventDetails.name] : [],
    );
    expect(entered).toEqual(['Route', 'ChildModeRefused']);
    expect(serviceRevisions()).toEqual(before);
  });

  it('refuses a child whose forged parent link names a running execution that does not hold the lock', async () => {
    const a = await holder('real-parent');
    // Someone else's lock now (as if the parent had lost it): the parent no longer holds it.
    const other = 'arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:someone-else';
    o.sandbox.holdLock(o.cluster, other);
    const before = serviceRevisions();
    const forged = await o.ended(
      await o.start(
        'forged-child',
        child({ parentExecutionArn: a, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: a }),
      ),
    );
    expect(forged.status).toBe('FAILED');
    expect(forged.error).toBe('ChildModeRefused');
    expect(forged.cause).toContain(
      `the lock of cluster ${o.cluster} is held by ${other}, not by the parent ${a}`,
    );
    expect(serviceRevisions()).toEqual(before);
    // The gate is the child's first step: it refused before Register did anything.
    const entered = (await history(forged.executionArn ?? '')).flatMap((e) =>
      e.stateEnteredEventDetails ? [e.stateEnteredEventDetails.name] : [],
    );
    expect(entered).toEqual(['Route', 'Register', 'ChildGateRefused']);
  });

  it('refuses a child whose parent link points at a stopped execution', async () => {
    const a = await holder('stopped-parent');
    await o.sfn.send(new StopExecutionCommand({ executionArn: a }));
    const forged = await o.ended(
      await o.start(
        'orphan-child',
        child({ parentExecutionArn: a, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: a }),
      ),
    );
    expect(forged.error).toBe('ChildModeRefused');
    expect(forged.cause).toContain(`the parent ${a} is ABORTED, expected RUNNING`);
  });
});

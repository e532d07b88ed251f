import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionNameOf } from '../../action/src/execution-name';
import { buildExecutionInput } from '../../action/src/start';
import { LOCK_ATTRIBUTES } from '../../core/orchestration/lock';
import { actionRig, PARENT_STARTED_BY_HAND, type ActionRig } from './sandbox-rig';

/**
 * Step identity, refusals and wait-for-lock: the Action's code against the sandbox running the
 * real state machine and handlers. The tests share one sandbox and run in order; each states
 * where the services stand when it begins.
 */
jest.setTimeout(240_000);

const CLUSTER = 'temporal-dev';
const HOLDER = 'arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:another-rollout';

describe('the Action against the sandbox: one execution per step', () => {
  let rig: ActionRig;

  beforeAll(async () => {
    rig = await actionRig();
  });
  afterAll(async () => {
    await rig?.stop();
  });

  const namesOfRun = async (runId: string) =>
    (await rig.parentExecutions()).filter((e) => e.name.includes(`-${runId}-`));

  it('two steps of one run with different phases each run their own execution', async () => {
    // Both services on ADOT.
    const canary = await rig.run(rig.inputs({ mode: 'migrate', phase: 'canary' }));
    const core = await rig.run(rig.inputs({ mode: 'migrate', phase: 'core' }));

    expect(canary.result).toMatchObject({
      status: 'SUCCEEDED',
      attached: false,
      migratedServices: ['worker'],
    });
    expect(core.result).toMatchObject({
      status: 'SUCCEEDED',
      attached: false,
      migratedServices: ['history'],
    });
    expect(core.result.report?.services.find((s) => s.name === 'worker')?.outcome).toBe('skipped');
    expect(core.result.executionArn).not.toBe(canary.result.executionArn);
    expect(await namesOfRun('2001')).toEqual(
      expect.arrayContaining([
        { name: executionNameOf(canary.result.executionArn), status: 'SUCCEEDED' },
        { name: executionNameOf(core.result.executionArn), status: 'SUCCEEDED' },
      ]),
    );
    expect(await namesOfRun('2001')).toHaveLength(2);
  });

  it("a re-run attempt of the same step attaches to the earlier attempt's running execution", async () => {
    // Both services on Alloy: roll worker back, started by attempt 1 that does not follow it.
    const first = await rig.run(
      rig.inputs({ mode: 'rollback', services: 'worker', wait: 'false' }, { GITHUB_RUN_ID: '2002' }),
    );
    expect(first.result.status).toBe('RUNNING');

    const rerun = await rig.run(
      rig.inputs(
        { mode: 'rollback', services: 'worker' },
        { GITHUB_RUN_ID: '2002', GITHUB_RUN_ATTEMPT: '2' },
      ),
    );

    expect(rerun.result).toMatchObject({
      attached: true,
      executionArn: first.result.executionArn,
      status: 'SUCCEEDED',
      rolledBackServices: ['worker'],
    });
    expect(rerun.io.lines).toContain(
      `Attached to ${first.result.executionArn}: attempt 1 of this run is still rolling out this step (${executionNameOf(first.result.executionArn)})`,
    );
    expect(await namesOfRun('2002')).toHaveLength(1);
  });

  it('two matrix jobs with different plans get different executions', async () => {
    const otherPlan = {
      ...rig.planDocument,
      verification: { ...(rig.planDocument['verification'] as object), soak: '45s' },
    };
    const a = await rig.run(rig.inputs({ mode: 'plan' }, { GITHUB_RUN_ID: '2003' }));
    const b = await rig.run(rig.inputs({ mode: 'plan' }, { GITHUB_RUN_ID: '2003' }, otherPlan));

    expect(a.result).toMatchObject({ status: 'SUCCEEDED', attached: false });
    expect(b.result).toMatchObject({ status: 'SUCCEEDED', attached: false });
    expect(b.result.executionArn).not.toBe(a.result.executionArn);
    expect(await namesOfRun('2003')).toHaveLength(2);
  });

  it('a rollout refused because another execution holds the lock ends REFUSED, naming it, claiming no release', async () => {
    rig.sandbox.holdLock(CLUSTER, HOLDER);
    try {
      const { result, io } = await rig.run(
        rig.inputs({ mode: 'rollback', services: 'history' }, { GITHUB_RUN_ID: '2004' }),
      );

      expect(result.status).toBe('REFUSED');
      expect(io.outputs['status']).toBe('REFUSED');
      expect(result.report).toMatchObject({ status: 'REFUSED', lockHeld: false, lockReleased: false });
      expect(result.report?.cause).toMatchObject({ check: 'lock' });
      expect(result.report?.cause?.message).toContain(HOLDER);
      // The job fails (main.ts exits non-zero on a failure) and says who holds the lock.
      expect(result.failure?.message).toContain(HOLDER);
      const everything = [
        io.summary,
        io.outputs['report'],
        ...io.lines,
        ...io.errors.map((e) => e.message),
      ].join('\n');
      expect(everything).not.toMatch(/lock released|lock was not released/i);
      expect(io.summary).toContain('REFUSED');
    } finally {
      await releaseLock(rig);
    }
  });

  it('an invalid plan that reaches the state machine ends REFUSED without claiming a lock release', async () => {
    const inputs = rig.inputs({ mode: 'migrate' }, { GITHUB_RUN_ID: '2005' });
    // The Action refuses such a plan itself; another client could send it.
    const badPlan = { ...rig.planDocument, region: 'nowhere' };
    const { result, io } = await rig.run({ ...inputs, planDocument: badPlan });

    expect(result.status).toBe('REFUSED');
    expect(io.outputs['status']).toBe('REFUSED');
    expect(result.report).toMatchObject({ status: 'REFUSED', lockHeld: false, lockReleased: false });
    expect(result.report?.cause?.check).toBe('plan');
    expect(result.failure).toBeDefined();
    expect([io.summary, ...io.lines].join('\n')).not.toMatch(/lock released/i);
  });

  it('wait-for-lock: a rollback refused while a migration holds the lock starts again once it ends', async () => {
    // history on Alloy, worker on ADOT: migrate worker again while a rollback of history waits.
    const migrateInputs = rig.inputs({ mode: 'migrate', services: 'worker' }, { GITHUB_RUN_ID: '2006' });
    const started = await rig.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: rig.stateMachineArn,
        name: PARENT_STARTED_BY_HAND,
        input: JSON.stringify(buildExecutionInput(migrateInputs)),
      }),
    );
    const migration = started.executionArn ?? '';
    await lockTakenBy(rig, migration);

    const { result, io } = await rig.run(
      rig.inputs(
        { mode: 'rollback', services: 'history', 'wait-for-lock': '30m' },
        { GITHUB_RUN_ID: '2007' },
      ),
    );

    expect(result).toMatchObject({ status: 'SUCCEEDED', rolledBackServices: ['history'] });
    const waits = io.lines.filter((line) => line.startsWith('The cluster lock is not free:'));
    expect(waits.length).toBeGreaterThanOrEqual(1);
    for (const line of waits) expect(line).toContain(migration);
    const tries = await namesOfRun('2007');
    expect(tries).toHaveLength(waits.length + 1);
    expect(executionNameOf(result.executionArn)).toMatch(new RegExp(`-w${waits.length}-acme-platform$`));
    // Every earlier try was refused by the lock (the execution fails with RolloutRefused).
    expect(tries.filter((t) => t.status === 'FAILED')).toHaveLength(waits.length);
    expect((await rig.parentExecutions()).find((e) => e.name === PARENT_STARTED_BY_HAND)?.status).toBe(
      'SUCCEEDED',
    );
  });
});

async function releaseLock(rig: ActionRig): Promise<void> {
  const dynamodb = new DynamoDBClient({ region: rig.sandbox.region });
  try {
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: rig.sandbox.lockTableName,
        Key: { [LOCK_ATTRIBUTES.key]: { S: CLUSTER } },
      }),
    );
  } finally {
    dynamodb.destroy();
  }
}

/** Waits (real time, bounded) until the lock item names `owner`. */
/** A string attribute's value. */
function text(value: object | undefined): string | undefined {
  return value && 'S' in value && typeof value.S === 'string' ? value.S : undefined;
}

async function lockTakenBy(rig: ActionRig, owner: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const item = rig.sandbox.dynamodb
      .items(rig.sandbox.lockTableName)
      .find((it) => text(it[LOCK_ATTRIBUTES.key]) === CLUSTER);
    if (text(item?.[LOCK_ATTRIBUTES.owner]) === owner) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the lock on ${CLUSTER} was never taken by ${owner}`);
}

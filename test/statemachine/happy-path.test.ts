import { installFakes } from './support/fakes';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';
import { PLAN_SERVICES, World } from './support/world';

describe('rollout state machine: happy path', () => {
  let world: World;
  let uninstall: () => void;
  beforeEach(() => {
    process.env.LOCK_TABLE_NAME = 'alloy-rollout-lock';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    world = new World();
    uninstall = installFakes(world);
  });
  afterEach(() => uninstall());

  it('migrates Loki first, then every service in plan order, and releases the lock', async () => {
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    const report = run.output as { status: string; services: { name: string; outcome: string; taskDefinitionAfter: string }[]; lockReleased: boolean };
    expect(report.status).toBe('SUCCEEDED');
    expect(report.lockReleased).toBe(true);
    expect(report.services.map((s) => [s.name, s.outcome])).toEqual(PLAN_SERVICES.map((s) => [s.name, 'migrated']));
    for (const s of PLAN_SERVICES) expect(world.collectorOf(world.service(s.ecsService).taskDefinition)).toBe('alloy');
    expect(world.lock.size).toBe(0);
    console.log(run.executions.map((e) => `${e.executionArn.split(':').pop()} ${e.status} ${e.events.length}`).join('\n'), run.cause);
  });
});

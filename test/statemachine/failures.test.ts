import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout, type RunResult } from './support/runner';
import { PLAN_SERVICES, type Faults, type World } from './support/world';

const originals = (world: World) =>
  new Map(PLAN_SERVICES.map((s) => [s.ecsService, world.service(s.ecsService).taskDefinition]));

function expectAllOnBaseline(world: World, before: Map<string, string>) {
  for (const s of PLAN_SERVICES) {
    const service = world.service(s.ecsService);
    expect([s.name, service.taskDefinition]).toEqual([s.name, before.get(s.ecsService)]);
    expect(world.collectorOf(service.taskDefinition)).toBe('adot');
  }
}

function causeOf(run: RunResult): { service?: string; check: string; message: string } {
  return JSON.parse(run.cause ?? '{}') as { service?: string; check: string; message: string };
}

describe('rollout state machine: a failure at each checkpoint rolls every touched service back', () => {
  const world = useWorld();

  // history is the second service: worker (migrated before it) must be rolled back too (scope all).
  const cases: { name: string; faults: Faults; service: string; check: string }[] = [
    {
      name: 'deployment FAILED',
      faults: { deployment: { 'temporal-dev-temporal-history': 'FAILED' } },
      service: 'history',
      check: 'deployment',
    },
    {
      name: 'deployment past its deadline',
      faults: { deployment: { 'temporal-dev-temporal-history': 'STUCK' } },
      service: 'history',
      check: 'deployment',
    },
    { name: 'logs missing', faults: { logsMissing: ['history'] }, service: 'history', check: 'logs' },
    {
      name: 'a required label missing',
      faults: { labelMissing: { service: 'history', label: 'task_id' } },
      service: 'history',
      check: 'logs',
    },
    { name: 'JSON lines broken', faults: { jsonBroken: ['history'] }, service: 'history', check: 'logs' },
    {
      name: 'metrics missing',
      faults: { metricsMissing: ['history'] },
      service: 'history',
      check: 'metrics',
    },
  ];

  it.each(cases)('$name', async ({ faults, service, check }) => {
    const w = world();
    const before = originals(w);
    w.faults = faults;
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RolledBack');
    expect(causeOf(run)).toMatchObject({ service, check });
    expectAllOnBaseline(w, before);
    expect(w.lock.size).toBe(0);
    expect(run.report).toMatchObject({
      status: 'ROLLED_BACK',
      lockReleased: true,
      cause: { service, check },
    });
    const outcomes = Object.fromEntries(
      (run.report?.services as { name: string; outcome: string }[]).map((s) => [s.name, s.outcome]),
    );
    expect(outcomes).toEqual({
      worker: 'rolled-back',
      history: 'rolled-back',
      matching: 'untouched',
      frontend: 'untouched',
      'benchmark-worker': 'untouched',
    });
  });

  it.each([
    { name: 'Loki not ready', faults: { lokiNotReady: true }, check: 'loki-ready' },
    { name: 'canary not found', faults: { canaryLost: true }, check: 'loki-canary' },
  ])('$name: stops before any service is touched', async ({ faults, check }) => {
    const w = world();
    const before = originals(w);
    w.faults = faults;
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RolledBack');
    expect(causeOf(run)).toMatchObject({ service: 'loki', check });
    expectAllOnBaseline(w, before);
    expect(w.calls.filter((c) => c.startsWith('register'))).toEqual([]);
    expect(w.lock.size).toBe(0);
    expect(run.executions).toHaveLength(1);
  });

  it('an unexpected error (SSM refuses the config) is caught into rollback with the error as cause', async () => {
    const w = world();
    const before = originals(w);
    w.faults = { ssmDenied: ['history'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolledBack');
    const cause = causeOf(run);
    expect(cause).toMatchObject({ service: 'history', check: 'register' });
    expect(cause.message).toContain('AccessDeniedException');
    expectAllOnBaseline(w, before);
    expect(run.calls.filter((c) => c.state === 'Register' && c.error)).toHaveLength(1);
  });

  it('with rollback scope "service" only the failing service goes back', async () => {
    const w = world();
    const before = originals(w);
    w.faults = { logsMissing: ['history'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan((p) => (p.rollback.scope = 'service')) });
    expect(run.error).toBe('RolledBack');
    expect(w.service('temporal-dev-temporal-history').taskDefinition).toBe(
      before.get('temporal-dev-temporal-history'),
    );
    expect(w.collectorOf(w.service('temporal-dev-temporal-worker').taskDefinition)).toBe('alloy');
    expect(w.lock.size).toBe(0);
  });

  it('a rollback whose deployment fails ends RolloutFailed and still releases the lock', async () => {
    const w = world();
    w.faults = {
      logsMissing: ['history'],
      rollbackDeployment: { 'temporal-dev-temporal-history': 'FAILED' },
    };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolloutFailed');
    expect(run.report).toMatchObject({ status: 'FAILED', lockReleased: true });
    // worker was still rolled back although history's rollback failed.
    expect(w.collectorOf(w.service('temporal-dev-temporal-worker').taskDefinition)).toBe('adot');
    expect(w.lock.size).toBe(0);
  });
});

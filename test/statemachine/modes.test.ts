import { BASELINE_TAG, toRegisterInput } from '../../core/taskdef';
import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';
import { PLAN_SERVICES } from './support/world';

const OTHER_RUN = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:someone-else';

describe('rollout state machine: retries, refusals and modes', () => {
  const world = useWorld();

  it('retries throttling and Loki 429/5xx without rolling anything back', async () => {
    const w = world();
    w.faults = { ecsThrottles: 2, lokiStatuses: [429, 503, 429] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.filter((c) => c.error === 'ThrottledError').length).toBeGreaterThanOrEqual(3);
    expect(run.calls.filter((c) => c.error === 'TransientError').length).toBeGreaterThanOrEqual(1);
    expect(run.calls.some((c) => c.state === 'Rollback')).toBe(false);
    expect(run.report?.services.every((s: { outcome: string }) => s.outcome === 'migrated')).toBe(true);
  });

  it('refuses a second rollout while the lock is held by a RUNNING execution, and leaves that lock alone', async () => {
    const w = world();
    w.executions.set(OTHER_RUN, 'RUNNING');
    w.lock.set('temporal-dev', {
      cluster: 'temporal-dev',
      owner: OTHER_RUN,
      expiresAt: String(Math.floor(w.nowMs / 1000) + 3600),
    });
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolloutRefused');
    const cause = JSON.parse(run.cause ?? '{}') as { check: string; message: string };
    expect(cause.check).toBe('lock');
    expect(cause.message).toContain(`rollout ${OTHER_RUN} already running: it is still RUNNING`);
    expect(w.lock.get('temporal-dev')?.owner).toBe(OTHER_RUN);
    expect(w.calls.filter((c) => c.startsWith('register') || c.startsWith('update'))).toEqual([]);
  });

  it('keeps an expired lock whose owner is still RUNNING', async () => {
    const w = world();
    w.executions.set(OTHER_RUN, 'RUNNING');
    w.lock.set('temporal-dev', {
      cluster: 'temporal-dev',
      owner: OTHER_RUN,
      expiresAt: String(Math.floor(w.nowMs / 1000) - 60),
    });
    const run = await runRollout({ mode: 'rollback', plan: testPlan() });
    expect(run.error).toBe('RolloutRefused');
    expect(JSON.parse(run.cause ?? '{}')).toMatchObject({ check: 'lock' });
    expect(run.cause).toMatch(/still RUNNING.*expired at .*but a running owner keeps it/);
    expect(w.lock.get('temporal-dev')?.owner).toBe(OTHER_RUN);
  });

  it('takes over an expired lock whose owner ended, and says so', async () => {
    const w = world();
    w.executions.set(OTHER_RUN, 'ABORTED');
    w.lock.set('temporal-dev', {
      cluster: 'temporal-dev',
      owner: OTHER_RUN,
      expiresAt: String(Math.floor(w.nowMs / 1000) - 60),
    });
    const run = await runRollout({ mode: 'rollback', plan: testPlan() });
    expect(run.status).toBe('SUCCEEDED');
    const lock = run.calls.find((c) => c.state === 'Lock')?.output as {
      how: string;
      progress: { message: string };
    };
    expect(lock.how).toBe('taken-over');
    expect(lock.progress.message).toContain(`lock taken over from ${OTHER_RUN}, which ended ABORTED`);
    expect(w.lock.size).toBe(0);
  });

  it('plan mode takes no lock: it runs while another rollout holds it', async () => {
    const w = world();
    w.executions.set(OTHER_RUN, 'RUNNING');
    w.lock.set('temporal-dev', {
      cluster: 'temporal-dev',
      owner: OTHER_RUN,
      expiresAt: String(Math.floor(w.nowMs / 1000) + 3600),
    });
    const run = await runRollout({ mode: 'plan', plan: testPlan() });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.some((c) => c.state === 'Lock')).toBe(false);
    expect(w.lock.get('temporal-dev')?.owner).toBe(OTHER_RUN);
  });

  it('refuses Fargate before anything changes', async () => {
    const w = world();
    w.service('temporal-dev-temporal-matching').launchType = 'FARGATE';
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolloutRefused');
    const cause = JSON.parse(run.cause ?? '{}') as { check: string; message: string };
    expect(cause.check).toBe('preflight');
    expect(cause.message).toMatch(/matching: runs on Fargate/);
    expect(w.calls.filter((c) => c.startsWith('register') || c.startsWith('update'))).toEqual([]);
    expect(w.lock.size).toBe(0);
  });

  it('refuses a bad plan, naming the field', async () => {
    const plan = testPlan((p) => (p.verification.soak = 'two minutes'));
    const run = await runRollout({ mode: 'migrate', plan });
    expect(run.error).toBe('RolloutRefused');
    expect(JSON.parse(run.cause ?? '{}')).toMatchObject({ check: 'plan' });
    expect(run.cause).toContain('verification.soak');
    expect(world().calls).toEqual([]);
  });

  it('plan mode renders a diff per service and registers nothing', async () => {
    const w = world();
    const run = await runRollout({ mode: 'plan', plan: testPlan() });
    expect(run.status).toBe('SUCCEEDED');
    expect(w.calls.filter((c) => !c.startsWith('loki') && !c.startsWith('amp'))).toEqual([]);
    const services = run.report?.services as { name: string; outcome: string; diff?: string }[];
    expect(services.map((s) => s.outcome)).toEqual(PLAN_SERVICES.map(() => 'planned'));
    expect(services[0]?.diff).toContain('alloy');
    expect(run.executions).toHaveLength(1);
  });

  it('a re-run after success does nothing', async () => {
    const w = world();
    expect((await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'first' })).status).toBe(
      'SUCCEEDED',
    );
    const changes = w.calls.filter((c) => c.startsWith('register') || c.startsWith('update')).length;
    const again = await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'second' });
    expect(again.status).toBe('SUCCEEDED');
    expect(w.calls.filter((c) => c.startsWith('register') || c.startsWith('update'))).toHaveLength(changes);
    expect(again.report?.services.map((s: { outcome: string }) => s.outcome)).toEqual(
      PLAN_SERVICES.map(() => 'skipped'),
    );
    expect(again.executions).toHaveLength(1);
  });

  it('rollback mode restores ADOT + awslogs and keeps a newer app image', async () => {
    const w = world();
    expect(
      (await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'migrate' })).status,
    ).toBe('SUCCEEDED');
    // A later app deploy on the Alloy revision: a new image the rollback must keep.
    const history = w.service('temporal-dev-temporal-history');
    const migrated = w.describeTaskDefinition(history.taskDefinition)!;
    const body = migrated.taskDefinition as {
      containerDefinitions: { name: string; image?: string }[];
    } & Record<string, unknown>;
    const app = body.containerDefinitions.find((c) => c.name === 'temporal-history')!;
    app.image = `${app.image!.split(':')[0]}:v2`;
    const newer = w.registerTaskDefinition(
      toRegisterInput(migrated as never) as Parameters<typeof w.registerTaskDefinition>[0],
    );
    w.updateService(history.serviceName, newer);
    w.describeService(history.serviceName);
    w.logGroups.delete('/ecs/temporal-dev/temporal-history');

    const run = await runRollout(
      { mode: 'rollback', plan: testPlan(), services: ['history'] },
      { executionName: 'rollback' },
    );
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    const after = w.describeTaskDefinition(w.service('temporal-dev-temporal-history').taskDefinition)!;
    expect(w.collectorOf(after.taskDefinition.taskDefinitionArn)).toBe('adot');
    const containers = after.taskDefinition.containerDefinitions as {
      name: string;
      image: string;
      logConfiguration?: { logDriver: string };
    }[];
    expect(containers.find((c) => c.name === 'temporal-history')).toMatchObject({
      image: app.image,
      logConfiguration: { logDriver: 'awslogs' },
    });
    expect(after.tags.some((t: { key?: string }) => t.key === BASELINE_TAG)).toBe(false);
    // The missing log group was created with the plan's retention.
    expect(w.logGroups.get('/ecs/temporal-dev/temporal-history')).toEqual({ retentionInDays: 30 });
    expect(run.report?.services.find((s: { name: string }) => s.name === 'history')).toMatchObject({
      outcome: 'rolled-back',
      finalCollector: 'adot',
      finalLogDriver: 'awslogs',
    });
    // The other services stay on Alloy.
    expect(w.collectorOf(w.service('temporal-dev-temporal-worker').taskDefinition)).toBe('alloy');
    expect(w.lock.size).toBe(0);
  });

  it('rollback mode re-registers a deregistered baseline', async () => {
    const w = world();
    const baseline = w.service('temporal-dev-temporal-worker').taskDefinition;
    expect(
      (
        await runRollout(
          { mode: 'migrate', plan: testPlan(), services: ['worker'] },
          { executionName: 'migrate' },
        )
      ).status,
    ).toBe('SUCCEEDED');
    w.taskDefinitions.get(baseline)!.status = 'INACTIVE';
    const run = await runRollout({ mode: 'rollback', plan: testPlan() }, { executionName: 'rollback' });
    expect(run.status).toBe('SUCCEEDED');
    const now = w.service('temporal-dev-temporal-worker').taskDefinition;
    expect(now).not.toBe(baseline);
    expect(w.collectorOf(now)).toBe('adot');
    expect(
      run.report?.services
        .filter((s: { outcome: string }) => s.outcome === 'rolled-back')
        .map((s: { name: string }) => s.name),
    ).toEqual(['worker']);
  });
});

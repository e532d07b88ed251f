import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';
import { PLAN_SERVICES, type World } from './support/world';

/** What a read-only run must leave alone: revisions, what each service runs, SSM, the lock. */
function snapshot(w: World) {
  return {
    taskDefinitions: [...w.taskDefinitions.keys()].sort(),
    services: [...w.services.values()].map((s) => [s.serviceName, s.taskDefinition, s.desiredCount]),
    ssm: [...w.ssm.entries()].sort(),
    lock: [...w.lock.entries()],
  };
}

/** What `terraform apply` of the original module does to a migrated service: its ADOT revision again. */
function revertedByIac(w: World, ecsService: string, baselineArn: string): string {
  const baseline = w.describeTaskDefinition(baselineArn);
  if (!baseline) throw new Error(`no baseline ${baselineArn}`);
  // DescribeTaskDefinition's read-only fields are not part of a registration.
  const body = Object.fromEntries(
    Object.entries(baseline.taskDefinition as Record<string, unknown>).filter(
      ([key]) => !['taskDefinitionArn', 'revision', 'status'].includes(key),
    ),
  );
  const arn = w.registerTaskDefinition(body as never);
  w.updateService(ecsService, arn);
  return arn;
}

describe('rollout state machine: verify mode', () => {
  const world = useWorld();

  it('verifies every migrated service read-only: no lock, nothing registered, updated or written', async () => {
    const w = world();
    const migrated = await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'migrate-1' });
    expect(migrated.status).toBe('SUCCEEDED');
    const before = snapshot(w);
    const callsBefore = w.calls.length;

    const run = await runRollout({ mode: 'verify', plan: testPlan() }, { executionName: 'verify-1' });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.report).toMatchObject({ mode: 'verify', status: 'SUCCEEDED' });
    expect(run.report?.services.map((s) => [s.name, s.outcome])).toEqual(
      PLAN_SERVICES.map((s) => [s.name, 'verified']),
    );
    for (const s of run.report?.services ?? []) {
      expect(s.checks.map((c) => [c.name, c.verdict])).toEqual([
        ['drift', 'passed'],
        ['logs', 'passed'],
        ['metrics', 'passed'],
        ['alloy-health', 'passed'],
      ]);
      expect(s.taskDefinitionAfter).toBe(w.service(s.ecsService ?? '').taskDefinition);
    }
    expect(run.report?.loki?.checks.map((c) => c.name)).toContain('loki-ready');
    // The verify route: Preflight read-only, the Loki poll from /ready, the audit, the report.
    const entered = new Set(run.events.map((e) => e.state));
    for (const state of ['VerifyPreflight', 'VerifyLokiStart', 'LokiPoll', 'Audit', 'Finalize'])
      expect(entered).toContain(state);
    // Read-only: no Lock state, no deploy of Loki, no write of any kind.
    const states = run.calls.map((c) => c.state);
    expect(states).not.toContain('Lock');
    expect(states).not.toContain('LokiDeploy');
    expect(w.calls.slice(callsBefore).filter((c) => /^(register|update|put|tag|lock)/.test(c))).toEqual([]);
    expect(snapshot(w)).toEqual(before);
  });

  it('fails naming the service and the revision when terraform apply put ADOT back, and changes nothing', async () => {
    const w = world();
    const migrated = await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'migrate-2' });
    expect(migrated.status).toBe('SUCCEEDED');
    const history = migrated.report?.services.find((s) => s.name === 'history');
    const reverted = revertedByIac(w, 'temporal-dev-temporal-history', history?.taskDefinitionBefore ?? '');
    w.describeService('temporal-dev-temporal-history');
    const before = snapshot(w);

    const run = await runRollout({ mode: 'verify', plan: testPlan() }, { executionName: 'verify-2' });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('VerifyFailed');
    const revision = `:${reverted.split(':').pop()}`;
    const cause = JSON.parse(run.cause ?? '{}') as { service?: string; check: string; message: string };
    expect(cause).toMatchObject({ service: 'history', check: 'drift' });
    expect(cause.message).toContain(
      `history runs ADOT again: task definition ${revision} registered by something other than alloy-rollout`,
    );
    const entry = run.report?.services.find((s) => s.name === 'history');
    expect(entry).toMatchObject({
      outcome: 'drifted',
      taskDefinitionAfter: reverted,
      finalCollector: 'adot',
    });
    expect(
      run.report?.services.filter((s) => s.name !== 'history').every((s) => s.outcome === 'verified'),
    ).toBe(true);
    expect(snapshot(w)).toEqual(before);
  });

  it('fails a service whose Alloy stopped shipping logs since its migration as unhealthy, naming it', async () => {
    const w = world();
    const migrated = await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'migrate-4' });
    expect(migrated.status).toBe('SUCCEEDED');
    w.faults = { ...w.faults, logsMissing: ['history'] };

    const run = await runRollout({ mode: 'verify', plan: testPlan() }, { executionName: 'verify-4' });

    expect(run.error).toBe('VerifyFailed');
    const cause = JSON.parse(run.cause ?? '{}') as { service?: string; check: string; message: string };
    expect(cause).toMatchObject({ service: 'history', check: 'logs' });
    expect(cause.message).toMatch(/^1 of 5 service\(s\) failed verification: history: logs: /);
    const history = run.report?.services.find((s) => s.name === 'history');
    expect(history?.outcome).toBe('unhealthy');
    expect(history?.checks.find((c) => c.name === 'drift')?.verdict).toBe('passed');
    expect(history?.checks.find((c) => c.name === 'logs')?.verdict).toBe('failed');
  });

  it('holds no lock, so a migration holding the cluster lock neither blocks it nor loses its lock', async () => {
    const w = world();
    await runRollout({ mode: 'migrate', plan: testPlan() }, { executionName: 'migrate-3' });
    const owner = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:running-migration';
    w.lock.set('temporal-dev', {
      cluster: 'temporal-dev',
      owner,
      expiresAt: String(Math.floor(w.nowMs / 1000) + 3600),
    });
    const run = await runRollout({ mode: 'verify', plan: testPlan() }, { executionName: 'verify-3' });
    expect(run.status).toBe('SUCCEEDED');
    expect(w.lock.get('temporal-dev')?.owner).toBe(owner);
  });
});

import { describeAlloyConfig } from '../../core/alloy';
import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { loadDefinition, runRollout } from './support/runner';
import { PLAN_SERVICES } from './support/world';

describe('rollout state machine: happy path', () => {
  const world = useWorld();

  it('migrates Loki first, then every service in plan order, one child each, and releases the lock', async () => {
    const w = world();
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    // The execution output is the report, the same document the Finalize state returned.
    expect(run.output).toEqual(run.report);
    expect(run.report).toMatchObject({
      status: 'SUCCEEDED',
      mode: 'migrate',
      cluster: 'temporal-dev',
      lockReleased: true,
    });
    const services = run.report?.services as {
      name: string;
      outcome: string;
      taskDefinitionBefore: string;
      taskDefinitionAfter: string;
      checks: { name: string; verdict: string }[];
    }[];
    expect(services.map((s) => [s.name, s.outcome])).toEqual(PLAN_SERVICES.map((s) => [s.name, 'migrated']));
    for (const s of services) {
      expect(s.checks.map((c) => [c.name, c.verdict])).toEqual([
        ['deployment', 'passed'],
        ['logs', 'passed'],
        ['metrics', 'passed'],
        ['alloy-health', 'passed'],
        ['no-error-burst', 'passed'],
      ]);
      expect(s.taskDefinitionAfter).not.toBe(s.taskDefinitionBefore);
    }
    for (const s of PLAN_SERVICES)
      expect(w.collectorOf(w.service(s.ecsService).taskDefinition)).toBe('alloy');
    expect(w.ssm.get('/alloy-rollout/temporal-dev/history/config.alloy')).toContain('loki.write');
    // Register read each collector's ADOT config (the world's ADOT_CONFIG parameters): ADOT's job,
    // instance and 15 s interval carry over; benchmark-worker's target is on 9091.
    for (const [name, port] of [
      ['history', 9090],
      ['benchmark-worker', 9091],
    ] as const) {
      const metrics = describeAlloyConfig(
        w.ssm.get(`/alloy-rollout/temporal-dev/${name}/config.alloy`) ?? '',
      ).metrics;
      expect(metrics).toMatchObject({
        jobName: 'temporal',
        instanceLabel: `localhost:${port}`,
        scrapeAddress: `127.0.0.1:${port}`,
        scrapeInterval: '15s',
        scrapeTimeout: '10s',
      });
    }
    // The canary, then Loki's storage: retention and object store from /config, the S3 gateway
    // endpoint, and the chunks /flush wrote, each passed.
    const lokiChecks = (run.report?.loki as { checks: { name: string; verdict: string }[] }).checks;
    expect(lokiChecks.map((c) => [c.name, c.verdict])).toEqual([
      ['loki-deployment', 'passed'],
      ['loki-ready', 'passed'],
      ['loki-canary', 'passed'],
      ['loki-retention', 'passed'],
      ['loki-object-store', 'passed'],
      ['loki-s3-endpoint', 'passed'],
      ['loki-chunks-flushed', 'passed'],
    ]);
    expect(w.lokiStorage.objects).toHaveLength(1);
    // Loki before any service: the first register comes after the canary was read back and the
    // chunks flushed.
    const firstRegister = w.calls.findIndex((c) => c.startsWith('register'));
    const lastLokiQuery = w.calls.findIndex((c) => c === 'loki /loki/api/v1/query_range');
    expect(lastLokiQuery).toBeGreaterThan(-1);
    expect(lastLokiQuery).toBeLessThan(firstRegister);
    expect(w.calls.indexOf('loki /flush')).toBeLessThan(firstRegister);
    expect(w.lock.size).toBe(0);
  });

  it('keeps history small: a fixed number of events per child, and six per service in the parent', async () => {
    const one = await runRollout(
      { mode: 'migrate', plan: testPlan(), services: ['worker'] },
      { executionName: 'one' },
    );
    world().lock.clear();
    const all = await runRollout(
      {
        mode: 'migrate',
        plan: testPlan(),
        services: ['history', 'matching', 'frontend', 'benchmark-worker'],
      },
      { executionName: 'four' },
    );
    const children = [...one.executions.slice(1), ...all.executions.slice(1)];
    expect(children).toHaveLength(5);
    // Route, Register, ShadowRoute (no shadow step here), UpdateService, VerifyWait, then per poll
    // Verify + VerifyDone and between polls VerifyPollWait, RestoreRoute (the breaker stays on by
    // default), ServiceMigrated: 14 + 6 per poll here (entered + exited, start and end).
    const definition = loadDefinition();
    for (const c of children) {
      const polls = c.events.filter((e) => e.type === 'StateEntered' && e.state === 'Verify').length;
      // The test clock moves a second per reading: a 20 s soak takes a handful of polls.
      expect(polls).toBeGreaterThanOrEqual(2);
      expect(polls).toBeLessThanOrEqual(8);
      expect(c.events).toHaveLength(14 + 6 * polls);
      const lambdaEntries = c.events.filter(
        (e) =>
          e.type === 'StateEntered' && definition.States[e.state ?? '']?.Resource?.includes(':function:'),
      ).length;
      expect(lambdaEntries).toBe(2 + polls);
    }
    // The parent: MigrateService, ServiceDone, ServicesNext per service; the rest is fixed.
    expect((all.events.length - one.events.length) / 3).toBe(6);
  });
});

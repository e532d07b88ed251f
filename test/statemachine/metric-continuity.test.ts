import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';

const causeOf = (run: { report?: unknown }) =>
  (run.report as { cause?: { service?: string; check?: string; message?: string; evidence?: unknown } })
    .cause;

describe('rollout state machine: metric continuity against the baseline Register measured', () => {
  const world = useWorld();

  it('a metric renamed by the switch rolls the service back, the missing name in the cause', async () => {
    const w = world();
    w.faults = { metricRenamed: ['history'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolledBack');
    const cause = causeOf(run);
    expect(cause).toMatchObject({ service: 'history', check: 'metrics' });
    expect(cause?.message).toContain(
      '1 metric(s) of the baseline missing after the switch: temporal_request_latency',
    );
    expect(cause?.evidence).toMatchObject({
      values: { metricContinuity: { names: { missing: ['temporal_request_latency'], missingCount: 1 } } },
    });
  });

  it('a scrape interval four times the baseline rolls the service back with the cadence in the cause', async () => {
    const w = world();
    w.faults = { alloyScrapeIntervalMs: { history: 8_000 } };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolledBack');
    const cause = causeOf(run);
    expect(cause).toMatchObject({ service: 'history', check: 'metrics' });
    expect(cause?.message).toMatch(
      /scrape cadence changed: \d target\(s\) at .*, baseline 30\/min \(within 10 %\)/,
    );
  });
});

import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';

// Register's baseline reads are retried after 1 s and 3 s of real time (preflight's delays).
jest.setTimeout(30_000);

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

describe('rollout state machine: a metric baseline AMP will not give', () => {
  const world = useWorld();

  it('with requireBaseline (the default) fails Register before the service changes, naming the way out', async () => {
    const w = world();
    w.faults = { ampSeriesRejected: ['history'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolledBack');
    const cause = causeOf(run);
    expect(cause?.service).toBe('history');
    expect(cause?.message).toMatch(
      /could not read the metric baseline of history \(names, label keys, cadence\) in 3 attempt\(s\): .*too many samples.*set verification\.metrics\.requireBaseline: false/,
    );
  });

  it('with requireBaseline: false migrates, the metrics check saying names and cadence were not checked', async () => {
    const w = world();
    w.faults = { ampSeriesRejected: ['history'] };
    const run = await runRollout({
      mode: 'migrate',
      plan: testPlan((p) => {
        p.verification.metrics.requireBaseline = false;
      }),
    });
    expect(run.error).toBeUndefined();
    const history = (
      run.report as { services: { name: string; checks?: { name: string; message: string }[] }[] }
    ).services.find((s) => s.name === 'history');
    expect(history?.checks?.find((c) => c.name === 'metrics')?.message).toContain(
      'metric names and cadence not checked: the baseline could not be read',
    );
  });
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { RehearsalReport } from '../../sandbox/rehearse/rehearse';
import { REHEARSAL_TEST_SPEED, runRehearsal, testPlan } from './support/rehearsal';

jest.setTimeout(200_000);

/** Each service's series baseline as preflight read it: the metrics check's continuity evidence. */
function seriesBaselines(report: RehearsalReport): Record<string, unknown> {
  return Object.fromEntries(
    report.services.map((s) => {
      const values = s.checks.find((c) => c.name === 'metrics')?.evidence.values as
        { seriesContinuity?: { baseline?: unknown } } | undefined;
      return [s.name, values?.seriesContinuity?.baseline];
    }),
  );
}

/** The test plan's first phase alone (worker): one service measured is enough, and twice as quick. */
function oneServicePlan(): string {
  const plan = parse(testPlan()) as { phases: unknown[] };
  return stringify({ ...plan, phases: plan.phases.slice(0, 1) });
}

describe('alloy-rollout rehearse: each rehearsal starts from empty state', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'rehearsal-twice-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('two rehearsals in a row in one work dir read the same baselines, and leave no scratch behind', async () => {
    // Not faster than the other rehearsals: the metrics check needs Prometheus to scrape the new
    // tasks within its deadline, which is simulated time (see REHEARSAL_TEST_SPEED).
    const options = { workDir, clockSpeed: REHEARSAL_TEST_SPEED, planText: oneServicePlan() };
    const first = await runRehearsal([], options);
    const afterFirst = readdirSync(workDir);
    const second = await runRehearsal([], options);

    expect([first.report.status, second.report.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const baselines = seriesBaselines(first.report);
    // Measured, and more than nothing: an absent baseline would make the comparison prove nothing.
    expect(baselines).toEqual({ worker: expect.any(Number) });
    expect(baselines['worker']).toBeGreaterThan(0);
    // Series kept from the first run would count again in the second run's baselines.
    expect(seriesBaselines(second.report)).toEqual(baselines);
    // The report stays where the user was told it is; Prometheus' scratch directory does not.
    expect(afterFirst.sort()).toEqual(['lambda-logs.jsonl', 'plan.yaml', 'report.json', 'report.summary.md']);
    expect(readdirSync(workDir).sort()).toEqual([
      'lambda-logs.jsonl',
      'plan.yaml',
      'report.json',
      'report.summary.md',
    ]);
  });
});

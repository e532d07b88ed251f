import { assessMetrics, seriesCountOf, type MetricsInput } from '../../../../core/verify/metrics';
import type { MetricSample } from '../../../../core/queries/results';

const up = (task: string, value: number): MetricSample => ({
  labels: { task_id: task, service_name: 'history' },
  value,
  timestampMs: 0,
});
const count = (value: number): MetricSample[] => [{ labels: {}, value, timestampMs: 0 }];

function input(overrides: Partial<MetricsInput> = {}): MetricsInput {
  return {
    service: 'history',
    expectedTaskIds: ['t1', 't2'],
    up: { query: 'up{service_name="history"}', data: [up('t1', 1), up('t2', 1)] },
    seriesCount: { query: 'count({service_name="history"})', data: count(95) },
    evaluatedAtMs: 0,
    baselineSeriesCount: 100,
    minSeriesRatio: 0.9,
    ...overrides,
  };
}

describe('assessMetrics', () => {
  it('passes with up 1 everywhere and the series count above the ratio', () => {
    const result = assessMetrics(input({ window: { startMs: 0, endMs: 0 } }));
    expect(result.verdict).toBe('passed');
    expect(result.message).toMatch(
      /up is 1 for all 2 tasks of history; 95 series \(baseline 100, required 90\)/,
    );
    expect(result.evidence).toMatchObject({
      query: 'up{service_name="history"}',
      window: { start: '1970-01-01T00:00:00.000Z' },
      values: {
        upByTask: { t1: [1], t2: [1] },
        seriesContinuity: { baseline: 100, current: 95, required: 90 },
      },
      threshold: { minSeriesRatio: 0.9 },
    });
  });

  it('is pending while a task has no up series or up is 0', () => {
    expect(assessMetrics(input({ up: { query: 'u', data: [up('t1', 1)] } })).message).toMatch(
      /no up series yet for 1 of 2 tasks: t2/,
    );
    const down = assessMetrics(input({ up: { query: 'u', data: [up('t1', 1), up('t2', 0)] } }));
    expect(down.verdict).toBe('pending');
    expect(down.message).toMatch(/up is not 1 for t2/);
  });

  it('is pending while the series count is below the ratio or empty', () => {
    const low = assessMetrics(input({ seriesCount: { query: 'c', data: count(80) } }));
    expect(low.verdict).toBe('pending');
    expect(low.message).toMatch(/80 series, below 90/);
    expect(assessMetrics(input({ seriesCount: { query: 'c', data: [] } })).verdict).toBe('pending');
  });

  it('skips continuity with the reason when the service had no series before, but still needs up', () => {
    const result = assessMetrics(input({ baselineSeriesCount: 0 }));
    expect(result.verdict).toBe('passed');
    expect(result.message).toMatch(
      /series continuity skipped: the service had no series before \(baseline 0\)/,
    );
    expect(result.evidence.values).toMatchObject({
      seriesContinuity: { skipped: expect.stringMatching(/baseline 0/) },
    });
    expect(assessMetrics(input({ baselineSeriesCount: 0, up: { query: 'u', data: [] } })).verdict).toBe(
      'pending',
    );
  });

  it('fails when no baseline was recorded, unless the plan opts out (and then says so)', () => {
    for (const baselineSeriesCount of [null, undefined]) {
      const result = assessMetrics(
        input({ baselineSeriesCount, seriesCount: { query: 'c', data: count(1) } }),
      );
      expect(result.verdict).toBe('failed');
      expect(result.message).toMatch(/no series baseline was recorded for history in preflight/);
    }
    const optedOut = assessMetrics(input({ baselineSeriesCount: null, requireBaseline: false }));
    expect(optedOut.verdict).toBe('passed');
    expect(optedOut.message).toMatch(/series continuity not checked: .*requireBaseline: false/);
  });

  it('is error, naming the query, for a NaN or infinite count or up, never passed', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const nan = assessMetrics(input({ seriesCount: { query: 'count(x)', data: count(bad) } }));
      expect(nan.verdict).toBe('error');
      expect(nan.message).toContain(`series count query \`count(x)\` answered ${String(bad)}`);
      const upNan = assessMetrics(input({ up: { query: 'up(x)', data: [up('t1', 1), up('t2', bad)] } }));
      expect(upNan.verdict).toBe('error');
    }
    expect(assessMetrics(input({ baselineSeriesCount: Number.NaN })).verdict).toBe('error');
  });

  it('is error for samples stamped away from the requested time, with the timestamps', () => {
    const twoHoursAgo = -7_200_000;
    const stale = assessMetrics(
      input({
        up: {
          query: 'up(x)',
          data: [
            { ...up('t1', 1), timestampMs: twoHoursAgo },
            { ...up('t2', 1), timestampMs: twoHoursAgo },
          ],
        },
      }),
    );
    expect(stale.verdict).toBe('error');
    expect(stale.message).toContain(
      'stamped 1969-12-31T22:00:00.000Z, not at the requested 1970-01-01T00:00:00.000Z',
    );
    expect(stale.evidence.values).toMatchObject({
      unsoundSamples: { up: { stale: [{ timestamp: '1969-12-31T22:00:00.000Z' }, expect.anything()] } },
    });
    // Within the tolerance (client rounding) is fine.
    expect(
      assessMetrics(
        input({ seriesCount: { query: 'c', data: [{ labels: {}, value: 95, timestampMs: 999 }] } }),
      ).verdict,
    ).toBe('passed');
  });

  it('is error when a query failed', () => {
    const result = assessMetrics(input({ seriesCount: { query: 'c', error: 'bad_data: parse error' } }));
    expect(result.verdict).toBe('error');
    expect(result.message).toMatch(/could not read series count: bad_data/);
  });

  it('is pending with no task to check', () => {
    expect(assessMetrics(input({ expectedTaskIds: [] })).verdict).toBe('pending');
  });

  it('matches task ARNs to task_id labels', () => {
    const result = assessMetrics(
      input({
        expectedTaskIds: ['arn:aws:ecs:eu-west-1:123456789012:task/c/t1'],
        up: { query: 'u', data: [up('t1', 1)] },
      }),
    );
    expect(result.verdict).toBe('passed');
  });
});

describe('seriesCountOf', () => {
  it('reads the count, adding up samples, and gives no value for an empty result', () => {
    expect(seriesCountOf(count(118))).toBe(118);
    expect(seriesCountOf([...count(100), ...count(18)])).toBe(118);
    expect(seriesCountOf([])).toBeUndefined();
  });
});

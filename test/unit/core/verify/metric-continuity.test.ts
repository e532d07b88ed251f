import { assessMetrics, type MetricsInput } from '../../../../core/verify/metrics';
import {
  BASELINE_NAME_LIMIT,
  metricBaselineFrom,
  targetCadence,
  type MetricBaseline,
  type MetricBaselineReading,
} from '../../../../core/verify/metric-baseline';
import { globMatcher } from '../../../../core/verify/metric-globs';
import type { Labels, MetricSample, MetricSeries } from '../../../../core/queries/results';

const AT = 1_800_000_000_000;
const MIN = 60_000;
const target = { job: 'temporal', instance: '127.0.0.1:9090' };

/** ADOT's series of one task: the app's metrics with job/instance, and ADOT's own telemetry. */
function adotSeries(task: string): Labels[] {
  const base = { ...target, service_name: 'history', task_id: task };
  return [
    { __name__: 'up', ...base },
    { __name__: 'service_requests', ...base, operation: 'StartWorkflowExecution' },
    { __name__: 'service_errors', ...base, operation: 'StartWorkflowExecution', error_type: 'timeout' },
    { __name__: 'persistence_latency_bucket', ...base, le: '0.1' },
    { __name__: 'otelcol_exporter_sent_metric_points', ...base, exporter: 'prometheusremotewrite' },
    { __name__: 'target_info', ...base, http_scheme: 'http' },
  ];
}

/** Raw `up` samples of one target every `intervalMs`, from `fromMs` to AT. */
function upEvery(task: string, intervalMs: number, fromMs: number): MetricSeries {
  const points = [];
  for (let t = fromMs; t <= AT; t += intervalMs) points.push({ timestampMs: t, value: 1 });
  return { labels: { __name__: 'up', ...target, task_id: task }, points };
}

function baseline(overrides: Partial<Parameters<typeof metricBaselineFrom>[0]> = {}): MetricBaseline {
  return metricBaselineFrom({
    series: [...adotSeries('old1'), ...adotSeries('old2')],
    up: [upEvery('old1', 15_000, AT - 5 * MIN), upEvery('old2', 15_000, AT - 5 * MIN)],
    mayDisappear: ['otelcol_*', 'target_info'],
    windowMs: 5 * MIN,
    atMs: AT,
    ...overrides,
  });
}

/** What the Alloy tasks export: ADOT's app series with the same keys (service_name, task_id kept). */
function alloySeries(task: string, drop: readonly string[] = []): Labels[] {
  return adotSeries(task).filter(
    (l) =>
      !drop.includes(l['__name__']!) &&
      !l['__name__']!.startsWith('otelcol_') &&
      l['__name__'] !== 'target_info',
  );
}

const upNow = (task: string): MetricSample => ({
  labels: { task_id: task, service_name: 'history' },
  value: 1,
  timestampMs: AT,
});

function input(
  over: {
    series?: Labels[];
    up?: MetricSeries[];
    startedAgoMs?: number;
    baseline?: MetricBaselineReading | undefined;
    requireBaseline?: boolean;
  } = {},
): MetricsInput {
  const started = AT - (over.startedAgoMs ?? 3 * MIN);
  return {
    service: 'history',
    expectedTaskIds: ['new1', 'new2'],
    up: { query: 'up{service_name="history"}', data: [upNow('new1'), upNow('new2')] },
    seriesCount: {
      query: 'count({service_name="history"})',
      data: [{ labels: {}, value: 10, timestampMs: AT }],
    },
    evaluatedAtMs: AT,
    baselineSeriesCount: 10,
    minSeriesRatio: 0.9,
    ...(over.requireBaseline !== undefined ? { requireBaseline: over.requireBaseline } : {}),
    taskStarts: { startedAtMs: { new1: started, new2: started }, deadlineMs: 2 * MIN },
    continuity: {
      baseline: 'baseline' in over ? over.baseline : baseline(),
      series: { query: 'series', data: over.series ?? [...alloySeries('new1'), ...alloySeries('new2')] },
      up: {
        query: 'up[1m]',
        data: over.up ?? [upEvery('new1', 15_000, started), upEvery('new2', 15_000, started)],
      },
      mayDisappear: ['otelcol_*', 'target_info'],
      maxCadenceDeviation: 0.1,
      cadenceWindowMs: MIN,
    },
  };
}

describe('globMatcher', () => {
  it('matches whole names with * and ?, and nothing else', () => {
    const m = globMatcher(['otelcol_*', 'target_info', 'scrape_?']);
    expect(['otelcol_exporter_sent', 'otelcol_', 'target_info', 'scrape_x'].every(m)).toBe(true);
    expect(['my_otelcol_x', 'target_info_total', 'scrape_xy', 'targetXinfo'].some(m)).toBe(false);
    expect(globMatcher([])('anything')).toBe(false);
  });

  it('reads regex characters literally', () => {
    expect(globMatcher(['a.b'])('axb')).toBe(false);
    expect(globMatcher(['a.b'])('a.b')).toBe(true);
  });
});

describe('metricBaselineFrom', () => {
  it('records each name with its label keys, shares key sets, leaves allowlisted names out', () => {
    const b = baseline();
    expect(Object.keys(b.names).sort()).toEqual([
      'persistence_latency_bucket',
      'service_errors',
      'service_requests',
      'up',
    ]);
    expect(b.labelKeySets[b.names['service_errors']!]).toEqual([
      'error_type',
      'instance',
      'job',
      'operation',
      'service_name',
      'task_id',
    ]);
    // up and persistence_latency_bucket differ (le); up and nothing else share.
    expect(b.labelKeySets).toHaveLength(4);
    expect(b).toMatchObject({ namesSeen: 6, namesAllowlisted: 2, namesLeftOut: 0 });
    expect(b.cadence).toEqual({ targets: 2, samplesPerMinute: 4 });
  });

  it(`keeps at most ${BASELINE_NAME_LIMIT} names and counts the rest`, () => {
    const series = Array.from({ length: BASELINE_NAME_LIMIT + 25 }, (_, i) => ({
      __name__: `m_${String(i).padStart(4, '0')}`,
      job: 'x',
    }));
    const b = baseline({ series });
    expect(Object.keys(b.names)).toHaveLength(BASELINE_NAME_LIMIT);
    expect(b.namesLeftOut).toBe(25);
    expect(b.labelKeySets).toEqual([['job']]);
    // Bounded state: 300 names stay far below the 256 KiB a state may hold.
    expect(JSON.stringify(b).length).toBeLessThan(16 * 1024);
  });

  it('has no cadence when no target has two samples', () => {
    expect(
      baseline({ up: [{ labels: target, points: [{ timestampMs: AT, value: 1 }] }] }).cadence,
    ).toBeNull();
  });
});

describe('targetCadence', () => {
  it('is exact for a regular scrape whatever the window alignment', () => {
    expect(targetCadence(upEvery('t', 15_000, AT - 58_000).points)?.samplesPerMinute).toBeCloseTo(4, 6);
    expect(targetCadence(upEvery('t', 60_000, AT - 5 * MIN).points)?.samplesPerMinute).toBeCloseTo(1, 6);
  });

  it('counts only samples from the given time, and needs two of them', () => {
    const points = upEvery('t', 15_000, AT - 5 * MIN).points;
    expect(targetCadence(points, AT - 10_000)).toBeUndefined();
    expect(targetCadence(points, AT - 30_000)).toEqual({ samplesPerMinute: 4, samples: 3 });
  });
});

describe('assessMetrics with metric continuity', () => {
  it('passes when every baseline name is back with its keys at the baseline cadence', () => {
    const result = assessMetrics(input());
    expect(result.verdict).toBe('passed');
    expect(result.message).toMatch(
      /; 4 baseline metric name\(s\) back with their label keys, 2 target\(s\) at the baseline's 4 samples\/min$/,
    );
    expect(result.evidence['values']).toMatchObject({
      metricContinuity: {
        names: { baselineNames: 4, missingCount: 0, changedCount: 0, allowlisted: 2 },
        cadence: { baselineSamplesPerMinute: 4, targetsJudged: 2, outside: 0 },
      },
    });
  });

  it('fails on names missing after the deadline, naming them with a count', () => {
    const result = assessMetrics(
      input({
        series: [
          ...alloySeries('new1', ['service_errors', 'persistence_latency_bucket']),
          ...alloySeries('new2', ['service_errors', 'persistence_latency_bucket']),
        ],
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain(
      '2 metric(s) of the baseline missing after the switch: persistence_latency_bucket, service_errors',
    );
    expect(result.evidence['values']).toMatchObject({
      metricContinuity: {
        names: { missing: ['persistence_latency_bucket', 'service_errors'], missingCount: 2 },
      },
    });
  });

  it('keeps missing names pending while the new tasks are younger than the deadline', () => {
    const result = assessMetrics(
      input({ startedAgoMs: 90_000, series: [...alloySeries('new1', ['service_errors'])] }),
    );
    expect(result.verdict).toBe('pending');
    expect(result.message).toMatch(
      /1 metric\(s\) of the baseline missing after the switch: service_errors \(the oldest new task has run 90s of 2m\)/,
    );
    // Polled again when the oldest task reaches the deadline.
    expect(result.nextDeadlineMs).toBe(AT - 90_000 + 2 * MIN);
  });

  it('lets names matching mayDisappear go, even when the baseline holds them', () => {
    const held = baseline({ mayDisappear: [] });
    expect(Object.keys(held.names)).toContain('otelcol_exporter_sent_metric_points');
    expect(assessMetrics(input({ baseline: held })).verdict).toBe('passed');
  });

  it('fails on changed label keys: lost ones, and added ones beyond service_name and task_id', () => {
    const series = [...alloySeries('new1'), ...alloySeries('new2')].map((l) =>
      l['__name__'] === 'service_requests'
        ? {
            __name__: 'service_requests',
            service_name: 'history',
            task_id: l['task_id']!,
            operation: 'x',
            instance: 'i',
            pod: 'p',
          }
        : l,
    );
    const result = assessMetrics(input({ series }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain(
      '1 metric(s) changed label keys after the switch: service_requests (lost job; added pod)',
    );
  });

  it('accepts the service_name and task_id keys Alloy adds', () => {
    const old = baseline({
      series: [{ __name__: 'service_requests', job: 'temporal', instance: 'i' }],
      up: [upEvery('old1', 15_000, AT - 5 * MIN)],
    });
    const series = ['new1', 'new2'].map((t) => ({
      __name__: 'service_requests',
      job: 'temporal',
      instance: 'i',
      service_name: 'history',
      task_id: t,
    }));
    expect(assessMetrics(input({ baseline: old, series })).verdict).toBe('passed');
  });

  it('fails a target scraped outside 10 % of the baseline cadence (60 s instead of 15 s)', () => {
    const started = AT - 3 * MIN;
    const result = assessMetrics(
      input({ up: [upEvery('new1', 60_000, started), upEvery('new2', 15_000, started)] }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(
      /scrape cadence changed: 1 target\(s\) at new1 127\.0\.0\.1:9090 1\/min, baseline 4\/min \(within 10 %\)/,
    );
  });

  it('accepts a cadence within 10 % and refuses one just outside', () => {
    const started = AT - 3 * MIN;
    // 16 s: 3.75 per minute, 6.25 % below 4.
    expect(
      assessMetrics(input({ up: [upEvery('new1', 16_000, started), upEvery('new2', 15_000, started)] }))
        .verdict,
    ).toBe('passed');
    // 17 s: 3.53 per minute, 11.8 % below.
    expect(
      assessMetrics(input({ up: [upEvery('new1', 17_000, started), upEvery('new2', 15_000, started)] }))
        .verdict,
    ).toBe('failed');
    // 13 s: 4.62 per minute, 15 % above.
    expect(
      assessMetrics(input({ up: [upEvery('new1', 13_000, started), upEvery('new2', 15_000, started)] }))
        .verdict,
    ).toBe('failed');
  });

  it('judges a single sample in a window the baseline fills with four as that rate', () => {
    const started = AT - 3 * MIN;
    const one = { labels: { ...target, task_id: 'new1' }, points: [{ timestampMs: AT - 10_000, value: 1 }] };
    const result = assessMetrics(input({ up: [one, upEvery('new2', 15_000, started)] }));
    expect(result.verdict).toBe('failed');
    expect(result.evidence['values']).toMatchObject({ metricContinuity: { cadence: { outside: 1 } } });
  });

  it('passes a task younger than the cadence window for the soak, inconclusive until judged, even at a wrong cadence', () => {
    const started = AT - 40_000;
    const result = assessMetrics(
      input({
        startedAgoMs: 40_000,
        up: [upEvery('new1', 60_000, started), upEvery('new2', 60_000, started)],
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.message).toMatch(
      /scrape cadence of 2 task\(s\) not judged yet: running less than the 1m cadence window/,
    );
    expect(result.inconclusive).toMatch(/^scrape cadence of 2 task\(s\) not judged yet/);
  });

  it('notes, without judging, a baseline that was not read when the plan opts out', () => {
    const result = assessMetrics(input({ baseline: { unreadable: 'AMP 503' }, requireBaseline: false }));
    expect(result.verdict).toBe('passed');
    expect(result.message).toContain('metric names and cadence not checked: the baseline could not be read');
  });

  it('fails when the state lost a required baseline', () => {
    const result = assessMetrics(input({ baseline: { unreadable: 'AMP 503' } }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain(
      'no metric baseline was recorded for history before the switch (AMP 503)',
    );
  });

  it('notes a service that had no baseline measured (it already ran Alloy)', () => {
    const result = assessMetrics(input({ baseline: undefined }));
    expect(result.verdict).toBe('passed');
    expect(result.message).toContain('no baseline was measured');
  });

  it("is an error when the new tasks' series cannot be read", () => {
    const i = input();
    const result = assessMetrics({
      ...i,
      continuity: { ...i.continuity!, series: { query: 'series', error: 'bad_data: parse error' } },
    });
    expect(result.verdict).toBe('error');
    expect(result.message).toContain("could not read the new tasks' series: bad_data: parse error");
  });
});

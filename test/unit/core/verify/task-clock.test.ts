import type { MetricSample } from '../../../../core/queries/results';
import { assessLogs, type LogsInput } from '../../../../core/verify/logs';
import { assessMetrics, type MetricsInput } from '../../../../core/verify/metrics';

const END = 1_700_000_300_000;
const T1 = 'arn:aws:ecs:eu-west-1:123456789012:task/temporal-dev/aaa111';
const T2 = 'bbb222';
const sample = (task: string, value: number): MetricSample => ({
  labels: { task_id: task },
  value,
  timestampMs: END,
});
const labelsOf = (task: string) => ({ service_name: 'history', task_id: task });

function logs(overrides: Partial<LogsInput> = {}): LogsInput {
  return {
    service: 'history',
    window: { startMs: END - 300_000, endMs: END },
    expectedTaskIds: [T1, T2],
    requiredLabels: ['service_name', 'task_id'],
    maxJsonErrorRatio: 0,
    linesByTask: { query: 'LINES', data: [sample('aaa111', 40), sample('bbb222', 60)] },
    jsonErrorsByTask: { query: 'JSONERR', data: [] },
    streams: { query: 'STREAMS', data: [labelsOf('aaa111'), labelsOf('bbb222')] },
    ...overrides,
  };
}

const startedSecondsAgo = (t1: number, t2: number) => ({
  startedAtMs: { [T1]: END - t1 * 1000, [T2]: END - t2 * 1000 },
  deadlineMs: 30_000,
});

describe('logs absence from each task’s own start (seed 003 Property 1)', () => {
  const onlyT1 = { query: 'LINES', data: [sample('aaa111', 40)] };

  it('a task running for less than the deadline without lines is pending', () => {
    const out = assessLogs(logs({ linesByTask: onlyT1, taskStarts: startedSecondsAgo(200, 20) }));
    expect(out.verdict).toBe('pending');
    // The next poll is brought forward to bbb222's own deadline, 10 s from now.
    expect(out.nextDeadlineMs).toBe(END + 10_000);
    expect(out.evidence.values).toMatchObject({ taskAgeSeconds: { aaa111: 200, bbb222: 20 } });
  });

  it('a task running for longer than the deadline without lines is failed, naming it', () => {
    const out = assessLogs(logs({ linesByTask: onlyT1, taskStarts: startedSecondsAgo(200, 31) }));
    expect(out.verdict).toBe('failed');
    expect(out.message).toBe('1 task(s) running for 30s or more without a line in Loki: bbb222');
    expect(out.evidence.threshold).toMatchObject({ firstLineWithin: '30s' });
  });

  it('without start times (a caller that has none) the old rule holds: pending', () => {
    expect(assessLogs(logs({ linesByTask: onlyT1 })).verdict).toBe('pending');
  });
});

describe('logs silence: a task that stops shipping is failed at once', () => {
  const recent = (last: MetricSample[], two: MetricSample[]) => ({
    windowMs: 20_000,
    linesByTask: { query: 'RECENT', data: last },
    linesByTaskTwoWindows: { query: 'TWO', data: two },
    minExpectedLines: 5,
  });

  it('a task with lines in the window before the last and none in the last is failed', () => {
    const out = assessLogs(
      logs({
        recent: recent([sample('aaa111', 3)], [sample('aaa111', 7), sample('bbb222', 12)]),
        taskStarts: startedSecondsAgo(600, 600),
      }),
    );
    expect(out.verdict).toBe('failed');
    expect(out.message).toContain(
      '1 task(s) stopped shipping logs: none in the last 20s after 12 in the 20s before, e.g. bbb222',
    );
    expect(out.evidence.values).toMatchObject({ silentTasks: [{ task: 'bbb222', before: 12 }] });
    expect(out.evidence).toMatchObject({ recentQueries: ['RECENT', 'TWO'] });
  });

  it('a quiet task (fewer lines than the minimum in the window before) is never judged by silence', () => {
    const out = assessLogs(
      logs({ recent: recent([], [sample('aaa111', 4)]), taskStarts: startedSecondsAgo(600, 600) }),
    );
    expect(out.verdict).toBe('passed');
  });

  it('a task younger than three windows is not judged: its window before may hold the start-up burst', () => {
    const burst = recent([], [sample('aaa111', 50), sample('bbb222', 50)]);
    expect(assessLogs(logs({ recent: burst, taskStarts: startedSecondsAgo(59, 59) })).verdict).toBe('passed');
    expect(assessLogs(logs({ recent: burst, taskStarts: startedSecondsAgo(60, 600) })).verdict).toBe(
      'failed',
    );
  });

  it('a count that could not be read is an error, never a pass', () => {
    const out = assessLogs(
      logs({
        recent: {
          windowMs: 20_000,
          linesByTask: { query: 'RECENT', error: 'HTTP 500' },
          linesByTaskTwoWindows: { query: 'TWO', data: [] },
          minExpectedLines: 5,
        },
      }),
    );
    expect(out.verdict).toBe('error');
    expect(out.message).toContain('could not read recent lines: HTTP 500');
  });
});

describe('metrics absence from each task’s own start', () => {
  const metrics = (overrides: Partial<MetricsInput> = {}): MetricsInput => ({
    service: 'history',
    evaluatedAtMs: END,
    expectedTaskIds: [T1, T2],
    up: { query: 'UP', data: [sample('aaa111', 1)] },
    seriesCount: { query: 'COUNT', data: [{ labels: {}, value: 120, timestampMs: END }] },
    baselineSeriesCount: 120,
    minSeriesRatio: 0.9,
    ...overrides,
  });

  it('a task without an up series past the deadline is failed; before it, pending', () => {
    const late = assessMetrics(
      metrics({ taskStarts: { ...startedSecondsAgo(600, 121), deadlineMs: 120_000 } }),
    );
    expect(late.verdict).toBe('failed');
    expect(late.message).toContain('1 task(s) running for 2m or more without an up series in AMP: bbb222');
    const early = assessMetrics(
      metrics({ taskStarts: { ...startedSecondsAgo(600, 60), deadlineMs: 120_000 } }),
    );
    expect(early.verdict).toBe('pending');
  });
});

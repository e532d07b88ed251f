import { assessLogs, type LogsInput } from '../../../../core/verify/logs';
import type { MetricSample } from '../../../../core/queries/results';

const T1 = 'arn:aws:ecs:eu-west-1:123456789012:task/temporal-dev/aaa111';
const T2 = 'bbb222';
const labelsOf = (task: string) => ({
  service_name: 'history',
  cluster: 'temporal-dev',
  container_name: 'temporal-history',
  task_id: task,
});
const sample = (task: string, value: number): MetricSample => ({
  labels: { task_id: task },
  value,
  // Instant queries are evaluated at the window's end, and Loki stamps samples with that time.
  timestampMs: 1_700_000_300_000,
});

function input(overrides: Partial<LogsInput> = {}): LogsInput {
  return {
    service: 'history',
    window: { startMs: 1_700_000_000_000, endMs: 1_700_000_300_000 },
    expectedTaskIds: [T1, T2],
    requiredLabels: ['service_name', 'cluster', 'container_name', 'task_id'],
    maxJsonErrorRatio: 0,
    linesByTask: { query: 'LINES', data: [sample('aaa111', 40), sample('bbb222', 60)] },
    jsonErrorsByTask: { query: 'JSONERR', data: [] },
    streams: { query: 'STREAMS', data: [labelsOf('aaa111'), labelsOf('bbb222')] },
    ...overrides,
  };
}

describe('assessLogs', () => {
  it('is error, naming the query, for a NaN line count or samples stamped away from the window end', () => {
    const nan = assessLogs(
      input({ linesByTask: { query: 'LINES', data: [sample('aaa111', 40), sample('bbb222', Number.NaN)] } }),
    );
    expect(nan.verdict).toBe('error');
    expect(nan.message).toContain('lines query `LINES` answered NaN where a number is required');
    const twoHoursEarlier = (task: string) => ({
      ...sample(task, 40),
      timestampMs: 1_700_000_300_000 - 7_200_000,
    });
    const stale = assessLogs(
      input({
        linesByTask: { query: 'LINES', data: [twoHoursEarlier('aaa111'), twoHoursEarlier('bbb222')] },
      }),
    );
    expect(stale.verdict).toBe('error');
    expect(stale.message).toContain(
      `stamped ${new Date(1_700_000_300_000 - 7_200_000).toISOString()}, not at the requested ${new Date(1_700_000_300_000).toISOString()}`,
    );
  });

  it('passes when every task has lines, every stream its labels and no JSON errors', () => {
    const result = assessLogs(input());
    expect(result.verdict).toBe('passed');
    expect(result.name).toBe('logs');
    expect(result.evidence.query).toBe('LINES');
    expect(result.evidence.window).toEqual({
      start: '2023-11-14T22:13:20.000Z',
      end: '2023-11-14T22:18:20.000Z',
    });
    expect(result.evidence.values).toMatchObject({
      linesByTask: { aaa111: 40, bbb222: 60 },
      jsonErrorRatio: 0,
    });
    expect(result.evidence.threshold).toMatchObject({ linesPerTask: '>= 1', maxJsonErrorRatio: 0 });
  });

  it('is pending while a task has no lines under its own task_id', () => {
    const result = assessLogs(
      input({ linesByTask: { query: 'LINES', data: [sample('aaa111', 5), sample('old-task', 9)] } }),
    );
    expect(result.verdict).toBe('pending');
    expect(result.message).toMatch(/1 of 2 tasks have no lines in Loki yet: bbb222/);
    expect(result.evidence.values).toMatchObject({
      tasksWithoutLines: ['bbb222'],
      otherTaskIds: ['old-task'],
    });
  });

  it('is pending, never passed, on empty results', () => {
    const result = assessLogs(
      input({ linesByTask: { query: 'LINES', data: [] }, streams: { query: 'S', data: [] } }),
    );
    expect(result.verdict).toBe('pending');
    expect(result.message).toMatch(/no streams for service history/);
  });

  it('is pending when there is no task to check', () => {
    expect(assessLogs(input({ expectedTaskIds: [] })).verdict).toBe('pending');
  });

  it('is error when a query came back with an error body', () => {
    const result = assessLogs(input({ linesByTask: { query: 'LINES', error: 'parse error at line 1' } }));
    expect(result.verdict).toBe('error');
    expect(result.message).toMatch(/could not read lines: parse error/);
    expect(result.evidence.values).toMatchObject({ errors: { lines: 'parse error at line 1' } });
  });

  it('fails when a stream lacks a required label', () => {
    const noTask = Object.fromEntries(
      Object.entries(labelsOf('bbb222')).filter(([name]) => name !== 'task_id'),
    );
    const result = assessLogs(input({ streams: { query: 'S', data: [labelsOf('aaa111'), noTask] } }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(/1 stream\(s\) lack required labels.*has no task_id/);
  });

  it('fails when too many lines are not JSON, counting only the new tasks', () => {
    const result = assessLogs(
      input({
        maxJsonErrorRatio: 0.05,
        jsonErrorsByTask: {
          query: 'J',
          data: [sample('aaa111', 8), sample('bbb222', 12), sample('old-task', 500)],
        },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'JSON broken: 20% of lines are not JSON in Loki (20 of 100), above the 5% allowed without a CloudWatch baseline (no baseline was recorded)',
    );
  });

  it('passes with JSON errors within the allowed ratio', () => {
    const result = assessLogs(
      input({ maxJsonErrorRatio: 0.1, jsonErrorsByTask: { query: 'J', data: [sample('aaa111', 10)] } }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.evidence.values).toMatchObject({ jsonErrorRatio: 0.1 });
  });

  it('lets failed outrank error and pending', () => {
    const result = assessLogs(
      input({
        linesByTask: { query: 'L', error: 'boom' },
        streams: { query: 'S', data: [{ service_name: 'history' }] },
      }),
    );
    expect(result.verdict).toBe('failed');
  });
});

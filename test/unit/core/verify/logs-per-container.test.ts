import { assessLogs, type LogsInput } from '../../../../core/verify/logs';
import type { JsonBaseline } from '../../../../core/verify/json-share';
import type { MetricSample } from '../../../../core/queries/results';

/** The logs check per task and container, and its differential JSON rule. */

const END = 1_700_000_300_000;
const APP = 'temporal-history';
const HELPER = 'log-shipper';
const labelsOf = (task: string, container = APP) => ({
  service_name: 'history',
  cluster: 'temporal-dev',
  container_name: container,
  task_id: task,
});
const sample = (task: string, container: string, value: number): MetricSample => ({
  labels: { task_id: task, container_name: container },
  value,
  timestampMs: END,
});

function input(overrides: Partial<LogsInput> = {}): LogsInput {
  return {
    service: 'history',
    window: { startMs: END - 300_000, endMs: END },
    expectedTaskIds: ['aaa', 'bbb'],
    requiredLabels: ['service_name', 'cluster', 'container_name', 'task_id'],
    containers: [APP, HELPER],
    maxJsonErrorRatio: 0.05,
    jsonBaseline: { baseline: measured(0.002), maxIncrease: 0.01 },
    linesByTask: {
      query: 'LINES',
      data: [
        sample('aaa', APP, 50),
        sample('aaa', HELPER, 10),
        sample('bbb', APP, 50),
        sample('bbb', HELPER, 10),
      ],
    },
    jsonErrorsByTask: { query: 'JSONERR', data: [] },
    streams: { query: 'STREAMS', data: [labelsOf('aaa'), labelsOf('bbb')] },
    // Both tasks started 45 s before the window's end; the deadline is 30 s.
    taskStarts: { startedAtMs: { aaa: END - 45_000, bbb: END - 45_000 }, deadlineMs: 30_000 },
    ...overrides,
  };
}

function measured(share: number, lines = 1000): JsonBaseline {
  return {
    kind: 'measured',
    lines,
    nonJsonLines: Math.round(share * lines),
    share,
    window: { startMs: END - 900_000, endMs: END - 600_000 },
    source: 'FilterLogEvents on /ecs/temporal-dev/temporal-history',
    sampled: false,
  };
}

describe('assessLogs per container', () => {
  it('passes when every main container of every task has lines, and shows the counts per container', () => {
    const result = assessLogs(input());
    expect(result.verdict).toBe('passed');
    expect(result.message).toMatch(
      /^containers temporal-history, log-shipper of all 2 tasks of history ship/,
    );
    expect(result.evidence.values).toMatchObject({
      containers: [APP, HELPER],
      linesByTask: { aaa: { [APP]: 50, [HELPER]: 10 }, bbb: { [APP]: 50, [HELPER]: 10 } },
    });
  });

  it("fails when only the helper's lines arrive: they no longer stand for the application's", () => {
    const result = assessLogs(
      input({ linesByTask: { query: 'L', data: [sample('aaa', HELPER, 12), sample('bbb', HELPER, 12)] } }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'container temporal-history of 2 task(s) has no lines in Loki 30s after start: aaa, bbb',
    );
    expect(result.evidence.values).toMatchObject({
      streamsWithoutLines: [
        { task: 'aaa', container: APP },
        { task: 'bbb', container: APP },
      ],
    });
  });

  it('is pending, naming the container, while a task is younger than the deadline', () => {
    const result = assessLogs(
      input({
        taskStarts: { startedAtMs: { aaa: END - 10_000, bbb: END - 10_000 }, deadlineMs: 30_000 },
        linesByTask: {
          query: 'L',
          data: [sample('aaa', APP, 3), sample('aaa', HELPER, 1), sample('bbb', APP, 2)],
        },
      }),
    );
    expect(result.verdict).toBe('pending');
    expect(result.message).toContain('container log-shipper of 1 task(s) has no lines in Loki yet: bbb');
    expect(result.nextDeadlineMs).toBe(END + 20_000);
  });

  it('names each silent container on its own', () => {
    const result = assessLogs(input({ linesByTask: { query: 'L', data: [sample('aaa', APP, 3)] } }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'container log-shipper of 2 task(s) has no lines in Loki 30s after start: aaa, bbb; container temporal-history of 1 task(s) has no lines in Loki 30s after start: bbb',
    );
  });

  it('lists lines of containers outside the list as other containers, not as the main ones', () => {
    const result = assessLogs(
      input({
        containers: [APP],
        linesByTask: {
          query: 'L',
          data: [
            sample('aaa', APP, 5),
            sample('bbb', APP, 5),
            sample('bbb', 'alloy', 40),
            sample('old', APP, 9),
          ],
        },
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.evidence.values).toMatchObject({ otherContainers: ['alloy'], otherTaskIds: ['old'] });
  });

  it('fails a container that stopped shipping while the other one goes on', () => {
    const old = { startedAtMs: { aaa: END - 600_000, bbb: END - 600_000 }, deadlineMs: 30_000 };
    const result = assessLogs(
      input({
        taskStarts: old,
        recent: {
          windowMs: 20_000,
          linesByTask: {
            query: 'RECENT',
            data: [sample('aaa', HELPER, 4), sample('bbb', APP, 4), sample('bbb', HELPER, 4)],
          },
          linesByTaskTwoWindows: {
            query: 'TWO',
            data: [
              sample('aaa', APP, 8),
              sample('aaa', HELPER, 8),
              sample('bbb', APP, 8),
              sample('bbb', HELPER, 8),
            ],
          },
          minExpectedLines: 5,
        },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      '1 stream(s) stopped shipping logs: none in the last 20s after 8 in the 20s before, e.g. container temporal-history of aaa',
    );
  });

  it('counts per task, any container, when no container list is given (a state from before the list)', () => {
    const result = assessLogs(
      input({
        containers: undefined,
        linesByTask: { query: 'L', data: [sample('aaa', HELPER, 12), sample('bbb', HELPER, 12)] },
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.evidence.values).toMatchObject({ linesByTask: { aaa: 12, bbb: 12 } });
  });
});

describe('assessLogs JSON share against the CloudWatch baseline', () => {
  const errors = (aaa: number, bbb: number) => ({
    query: 'JSONERR',
    data: [sample('aaa', APP, aaa), sample('bbb', APP, bbb)],
  });

  it('passes a service that printed as much plain text before the switch', () => {
    // 8 of 120 lines (6.7 %) against 6 % before, with a 1 % margin.
    const result = assessLogs(
      input({
        jsonBaseline: { baseline: measured(0.06), maxIncrease: 0.01 },
        jsonErrorsByTask: errors(4, 4),
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.evidence.values).toMatchObject({
      json: { lokiNonJsonShare: 0.0667, allowedNonJsonShare: 0.07, baseline: { share: 0.06 } },
    });
  });

  it('fails, naming JSON and both shares, when the pipeline breaks JSON', () => {
    const result = assessLogs(input({ jsonErrorsByTask: errors(22, 22) }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'JSON broken by the pipeline: 37% of lines are not JSON in Loki (44 of 120) against 0.2% in CloudWatch before the switch (allowed increase 1%)',
    );
  });

  it('counts only the main containers of the new tasks', () => {
    const result = assessLogs(
      input({
        containers: [APP],
        linesByTask: {
          query: 'L',
          data: [sample('aaa', APP, 50), sample('bbb', APP, 50), sample('aaa', 'alloy', 50)],
        },
        jsonErrorsByTask: { query: 'J', data: [sample('aaa', 'alloy', 50), sample('old', APP, 50)] },
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.evidence.values).toMatchObject({ json: { lokiLines: 100, lokiNonJsonLines: 0 } });
  });

  it('falls back to the absolute ceiling without a baseline, and says why', () => {
    const unavailable: JsonBaseline = { kind: 'unavailable', reason: 'could not read /ecs/x: AccessDenied' };
    const within = assessLogs(
      input({ jsonBaseline: { baseline: unavailable, maxIncrease: 0.01 }, jsonErrorsByTask: errors(3, 2) }),
    );
    expect(within.verdict).toBe('passed');
    expect(within.evidence.values).toMatchObject({
      json: { baselineUnavailable: 'could not read /ecs/x: AccessDenied', maxRatioWithoutBaseline: 0.05 },
    });
    expect(within.evidence.threshold).toMatchObject({ maxJsonErrorRatio: 0.05 });
    const above = assessLogs(
      input({ jsonBaseline: { baseline: unavailable, maxIncrease: 0.01 }, jsonErrorsByTask: errors(12, 12) }),
    );
    expect(above.verdict).toBe('failed');
    expect(above.message).toBe(
      'JSON broken: 20% of lines are not JSON in Loki (24 of 120), above the 5% allowed without a CloudWatch baseline (could not read /ecs/x: AccessDenied)',
    );
  });

  it('does not judge the share on fewer lines than it takes, and says so', () => {
    const result = assessLogs(
      input({
        linesByTask: {
          query: 'L',
          data: [
            sample('aaa', APP, 3),
            sample('aaa', HELPER, 2),
            sample('bbb', APP, 3),
            sample('bbb', HELPER, 2),
          ],
        },
        jsonErrorsByTask: errors(0, 0),
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.message).toContain(
      'JSON share not judged yet: 10 line(s) of the new tasks in Loki, at least 20 needed',
    );
  });

  it('waits on an excess chance explains, and fails one it cannot explain, however few the lines', () => {
    const lines = {
      query: 'L',
      data: [
        sample('aaa', APP, 4),
        sample('aaa', HELPER, 1),
        sample('bbb', APP, 4),
        sample('bbb', HELPER, 1),
      ],
    };
    const chance = assessLogs(input({ linesByTask: lines, jsonErrorsByTask: errors(1, 0) }));
    expect(chance.verdict).toBe('passed');
    expect(chance.message).toMatch(
      /JSON share not judged yet: 10% of lines not JSON in Loki \(1 of 10\), above the allowed 1.2%, but too few lines to tell from chance or a start-up banner/,
    );
    const broken = assessLogs(input({ linesByTask: lines, jsonErrorsByTask: errors(5, 5) }));
    expect(broken.verdict).toBe('failed');
    expect(broken.message).toMatch(
      /^JSON broken by the pipeline: 100% of lines are not JSON in Loki \(10 of 10\)/,
    );
  });

  it('puts the JSON finding first, so a broken pipeline is the cause even when labels are missing too', () => {
    const noTask = { service_name: 'history', cluster: 'temporal-dev', container_name: APP };
    const result = assessLogs(
      input({ jsonErrorsByTask: errors(50, 50), streams: { query: 'S', data: [labelsOf('aaa'), noTask] } }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(/^JSON broken by the pipeline: .*; 1 stream\(s\) lack required labels/);
  });
});

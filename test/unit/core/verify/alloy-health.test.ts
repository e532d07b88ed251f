import { assessAlloyHealth, type AlloyHealthInput } from '../../../../core/verify/alloy-health';
import { alloySelfMetrics } from '../../../../core/queries';
import { checkQuery } from '../../../../core/queries/grammar';
import type { MetricSample } from '../../../../core/queries/results';

const AT = 1_800_000_000_000;
const STARTED = AT - 120_000;

const sample = (
  task: string,
  name: string,
  value: number,
  labels: Record<string, string> = {},
): MetricSample => ({
  labels: { __name__: name, task_id: task, service_name: 'history', job: 'integrations/self', ...labels },
  value,
  timestampMs: AT,
});

/** What a healthy sidecar exports: entries and samples sent, every component healthy, started with its task. */
function healthy(task: string, overrides: { processStartMs?: number } = {}): MetricSample[] {
  return [
    sample(task, 'loki_write_sent_entries_total', 240, { host: 'loki:3100', tenant: '' }),
    sample(task, 'loki_write_dropped_entries_total', 0, { reason: 'ingester_error' }),
    sample(task, 'loki_write_dropped_entries_total', 0, { reason: 'queue_is_full' }),
    sample(task, 'prometheus_remote_storage_samples_total', 900, { remote_name: 'amp' }),
    sample(task, 'prometheus_remote_storage_samples_failed_total', 0, { remote_name: 'amp' }),
    sample(task, 'prometheus_remote_storage_samples_dropped_total', 0, { remote_name: 'amp' }),
    sample(task, 'alloy_component_controller_running_components', 11, { health_type: 'healthy' }),
    sample(task, 'process_start_time_seconds', (overrides.processStartMs ?? STARTED + 1_000) / 1000),
  ];
}

function input(overrides: Partial<AlloyHealthInput> = {}): AlloyHealthInput {
  return {
    service: 'history',
    evaluatedAtMs: AT,
    expectedTaskIds: ['arn:aws:ecs:eu-west-1:1:task/c/t1', 't2'],
    selfMetrics: { query: alloySelfMetrics('history'), data: [...healthy('t1'), ...healthy('t2')] },
    taskStarts: { startedAtMs: { t1: STARTED, t2: STARTED }, deadlineMs: 60_000 },
    sidecars: { t1: { lastStatus: 'RUNNING' }, t2: { lastStatus: 'RUNNING' } },
    ...overrides,
  };
}

/** The t2 sidecar's samples with one metric replaced. */
function withT2(name: string, value: number, labels: Record<string, string> = {}): MetricSample[] {
  const t2 = healthy('t2').filter(
    (s) => !(s.labels['__name__'] === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)),
  );
  return [...healthy('t1'), ...t2, sample('t2', name, value, labels)];
}

describe('alloySelfMetrics', () => {
  it("selects every self-metric name of the service's sidecars by job integrations/self, and parses as PromQL", () => {
    const query = alloySelfMetrics('history');
    expect(query).toBe(
      '{__name__=~"loki_write_dropped_entries_total|loki_write_sent_entries_total|prometheus_remote_storage_samples_failed_total|prometheus_remote_storage_samples_dropped_total|prometheus_remote_storage_samples_total|alloy_component_controller_running_components|process_start_time_seconds",service_name="history",job="integrations/self"}',
    );
    expect(checkQuery('promql', query)).toBeNull();
  });
});

describe('assessAlloyHealth', () => {
  it('passes when nothing was dropped or failed, every component is healthy and no sidecar restarted', () => {
    const result = assessAlloyHealth(input());
    expect(result.verdict).toBe('passed');
    expect(result.name).toBe('alloy-health');
    expect(result.message).toBe(
      'Alloy healthy in all 2 tasks of history: 480 log entries sent, none dropped; 1800 samples sent, none failed; no component unhealthy; no restart',
    );
    expect(result.evidence).toMatchObject({
      query: alloySelfMetrics('history'),
      window: { start: new Date(STARTED).toISOString(), end: new Date(AT).toISOString() },
      values: {
        byTask: {
          t1: {
            sidecar: { lastStatus: 'RUNNING', exitCode: null },
            selfMetrics: {
              lokiSentEntries: 240,
              lokiDroppedEntries: { ingester_error: 0, queue_is_full: 0 },
            },
          },
        },
      },
      threshold: { loki_write_dropped_entries_total: '== 0' },
    });
  });

  it('fails on entries dropped by loki.write, naming the counter, the task and the reason', () => {
    const result = assessAlloyHealth(
      input({
        selfMetrics: {
          query: 'q',
          data: withT2('loki_write_dropped_entries_total', 12, { reason: 'queue_is_full' }),
        },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'loki.write dropped log entries (loki_write_dropped_entries_total): 12 in t2 (queue_is_full 12)',
    );
  });

  it('fails on samples that prometheus.remote_write failed to send', () => {
    const result = assessAlloyHealth(
      input({
        selfMetrics: { query: 'q', data: withT2('prometheus_remote_storage_samples_failed_total', 37) },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'prometheus.remote_write failed to send samples (prometheus_remote_storage_samples_failed_total): 37 in t2',
    );
  });

  it('fails on samples that prometheus.remote_write dropped', () => {
    const result = assessAlloyHealth(
      input({
        selfMetrics: { query: 'q', data: withT2('prometheus_remote_storage_samples_dropped_total', 4) },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(/prometheus_remote_storage_samples_dropped_total\): 4 in t2$/);
  });

  it('fails on an unhealthy or exited component, and not on one whose health is still unknown', () => {
    const data = [
      ...healthy('t1'),
      sample('t1', 'alloy_component_controller_running_components', 1, { health_type: 'unknown' }),
      ...healthy('t2'),
      sample('t2', 'alloy_component_controller_running_components', 1, { health_type: 'unhealthy' }),
      sample('t2', 'alloy_component_controller_running_components', 2, { health_type: 'exited' }),
    ];
    const result = assessAlloyHealth(input({ selfMetrics: { query: 'q', data } }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'Alloy components not healthy (alloy_component_controller_running_components): 3 in t2 (unhealthy 1, exited 2)',
    );
  });

  it("fails when the Alloy process started later than its task's start + the slack (a restart)", () => {
    const data = [...healthy('t1'), ...healthy('t2', { processStartMs: STARTED + 85_000 })];
    const result = assessAlloyHealth(input({ selfMetrics: { query: 'q', data } }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      "the Alloy process restarted (process_start_time_seconds later than the task's start + 30s): t2 (85s after the task)",
    );
  });

  it('passes a sidecar that came up a few seconds after its task', () => {
    const data = [...healthy('t1'), ...healthy('t2', { processStartMs: STARTED + 20_000 })];
    expect(assessAlloyHealth(input({ selfMetrics: { query: 'q', data } })).verdict).toBe('passed');
  });

  it('fails when ECS shows the Alloy container STOPPED while its task runs, with its exit code', () => {
    const result = assessAlloyHealth(
      input({ sidecars: { t1: { lastStatus: 'RUNNING' }, t2: { lastStatus: 'STOPPED', exitCode: 1 } } }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'the Alloy sidecar stopped while its task runs (ECS DescribeTasks): t2 (exit code 1)',
    );
  });

  it('waits (pending, with the deadline) for a young task without self-metrics', () => {
    const result = assessAlloyHealth(
      input({
        selfMetrics: { query: 'q', data: healthy('t1') },
        taskStarts: { startedAtMs: { t1: STARTED, t2: AT - 10_000 }, deadlineMs: 60_000 },
      }),
    );
    expect(result.verdict).toBe('pending');
    expect(result.message).toBe('no Alloy self-metrics yet for 1 of 2 tasks: t2');
    expect(result.nextDeadlineMs).toBe(AT + 50_000);
  });

  it('fails a task that has run past the deadline without self-metrics in AMP', () => {
    const result = assessAlloyHealth(input({ selfMetrics: { query: 'q', data: healthy('t1') } }));
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      "1 task(s) running for 1m or more without Alloy's own metrics (process_start_time_seconds) in AMP: t2",
    );
    expect(result.evidence.values).toMatchObject({ tasksWithoutSelfMetrics: ['t2'] });
  });

  it('never passes on an empty answer or an error body', () => {
    // Without task starts nothing is overdue: an empty answer waits, it never passes.
    const noStarts: Partial<AlloyHealthInput> = { selfMetrics: { query: 'q', data: [] } };
    const empty = input(noStarts);
    expect(assessAlloyHealth({ ...empty, taskStarts: { startedAtMs: {}, deadlineMs: 60_000 } }).verdict).toBe(
      'pending',
    );
    const error = assessAlloyHealth(input({ selfMetrics: { query: 'q', error: 'HTTP 503' } }));
    expect(error.verdict).toBe('error');
    expect(error.message).toBe("could not read Alloy's own metrics: HTTP 503");
    expect(assessAlloyHealth(input({ expectedTaskIds: [] })).verdict).toBe('pending');
  });

  it('refuses samples stamped away from the instant asked for', () => {
    const data = healthy('t1').map((s) => ({ ...s, timestampMs: AT - 60_000 }));
    const result = assessAlloyHealth(input({ expectedTaskIds: ['t1'], selfMetrics: { query: 'q', data } }));
    expect(result.verdict).toBe('error');
  });
});

describe('assessAlloyHealth over an audited window (a verify run of tasks that ran long before)', () => {
  const LONG_AGO = AT - 7 * 86_400_000;
  const SINCE = AT - 900_000;
  const oldTasks = { startedAtMs: { t1: LONG_AGO, t2: LONG_AGO }, deadlineMs: 60_000 };
  const oldProcess = LONG_AGO + 1_000;
  /** Both sidecars as they stood at the window's start: 50 entries dropped a week ago in t2. */
  const atSince = (): MetricSample[] => [
    ...healthy('t1', { processStartMs: oldProcess }),
    ...healthy('t2', { processStartMs: oldProcess }).map((s) =>
      s.labels['__name__'] === 'loki_write_dropped_entries_total' && s.labels['reason'] === 'queue_is_full'
        ? { ...s, value: 50 }
        : s,
    ),
  ];
  const query = alloySelfMetrics('history');

  it('does not fail on entries dropped before the window: only the increase inside it counts', () => {
    const now = atSince().map((s) =>
      s.labels['__name__'] === 'loki_write_sent_entries_total' ? { ...s, value: s.value + 100 } : s,
    );
    const result = assessAlloyHealth(
      input({
        taskStarts: oldTasks,
        selfMetrics: { query, data: now },
        since: { atMs: SINCE, selfMetrics: { query, data: atSince() } },
      }),
    );
    expect(result.verdict).toBe('passed');
    expect(result.message).toContain('200 log entries sent, none dropped');
    expect(result.evidence).toMatchObject({ countersSince: new Date(SINCE).toISOString() });
  });

  it('fails on entries dropped inside the window, counting only those', () => {
    const now = atSince().map((s) =>
      s.labels['task_id'] === 't2' &&
      s.labels['__name__'] === 'loki_write_dropped_entries_total' &&
      s.labels['reason'] === 'queue_is_full'
        ? { ...s, value: 53 }
        : s,
    );
    const result = assessAlloyHealth(
      input({
        taskStarts: oldTasks,
        selfMetrics: { query, data: now },
        since: { atMs: SINCE, selfMetrics: { query, data: atSince() } },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain('3 in t2 (queue_is_full 3)');
  });

  it('ignores a restart before the window and fails on one inside it, whose counters all count', () => {
    // t2's Alloy restarted three days after its task started: long before the audited window.
    const restartedLongAgo = [
      ...healthy('t1', { processStartMs: oldProcess }),
      ...healthy('t2', { processStartMs: LONG_AGO + 3 * 86_400_000 }),
    ];
    expect(
      assessAlloyHealth(input({ taskStarts: oldTasks, selfMetrics: { query, data: restartedLongAgo } }))
        .verdict,
    ).toBe('failed');
    expect(
      assessAlloyHealth(
        input({
          taskStarts: oldTasks,
          selfMetrics: { query, data: restartedLongAgo },
          since: { atMs: SINCE, selfMetrics: { query, data: restartedLongAgo } },
        }),
      ).verdict,
    ).toBe('passed');
    const restartedNow = [
      ...healthy('t1', { processStartMs: oldProcess }),
      ...healthy('t2', { processStartMs: AT - 60_000 }),
    ];
    const result = assessAlloyHealth(
      input({
        taskStarts: oldTasks,
        selfMetrics: { query, data: restartedNow },
        since: { atMs: SINCE, selfMetrics: { query, data: atSince() } },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(/the Alloy process restarted .*t2/);
  });
});

import {
  assessShadow,
  shadowWindow,
  SHADOW_CLOSE_LAG_MS,
  type ShadowInput,
} from '../../../../core/verify/shadow';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;
const streams = ['t1', 't2'].map((taskId) => ({
  taskId: `arn:aws:ecs:eu-west-1:123456789012:task/c/${taskId}`,
  container: 'app',
  logGroup: '/ecs/app',
  logStream: `app/app/${taskId}`,
}));
const window = shadowWindow({ taskStartsMs: [T0 - 5000, T0], durationMs: 10 * MIN });

function input(overrides: Partial<ShadowInput> = {}): ShadowInput {
  return {
    service: 'history',
    minCompleteness: 0.999,
    durationMs: 10 * MIN,
    nowMs: T0 + 11 * MIN,
    window,
    deploymentCompleted: true,
    streams,
    cloudwatch: { query: 'FilterLogEvents', data: { 'app/app/t1': 1000, 'app/app/t2': 2000 } },
    loki: {
      query: 'sum by (task_id, container_name) (...)',
      data: [
        { labels: { task_id: 't1', container_name: 'app' }, value: 1000, timestampMs: T0 + 10 * MIN },
        { labels: { task_id: 't2', container_name: 'app' }, value: 2000, timestampMs: T0 + 10 * MIN },
      ],
    },
    ...overrides,
  };
}

describe('shadowWindow', () => {
  it('opens at the last task start, lasts the duration and is countable after the close lag', () => {
    expect(window).toEqual({
      window: { startMs: T0, endMs: T0 + 10 * MIN },
      readyAtMs: T0 + 10 * MIN + SHADOW_CLOSE_LAG_MS,
    });
    expect(shadowWindow({ taskStartsMs: [], durationMs: MIN })).toBeNull();
  });
});

describe('assessShadow', () => {
  it('passes when every stream is complete, with the figures per stream', () => {
    const result = assessShadow(input());
    expect(result.verdict).toBe('passed');
    expect(result.message).toBe(
      '3000/3000 lines (100.00%) in Loki over the shadow window, each of the 2 stream(s) of history >= 99.90%; lowest t1/app 1000/1000 (100.00%)',
    );
    expect(result.evidence.values).toMatchObject({
      totals: { cloudwatch: 3000, loki: 3000, completeness: 1 },
      streams: [
        { task: 't1', container: 'app', cloudwatch: 1000, loki: 1000, completeness: 1 },
        { task: 't2', container: 'app', cloudwatch: 2000, loki: 2000, completeness: 1 },
      ],
    });
  });

  it('fails naming the incomplete stream and its figures', () => {
    const loki = input().loki;
    if (!loki || !('data' in loki)) throw new Error('fixture');
    const result = assessShadow(
      input({ loki: { ...loki, data: [loki.data[0]!, { ...loki.data[1]!, value: 1990 }] } }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      "1 of 2 stream(s) below 99.90% of CloudWatch's lines in Loki: t2/app 1990/2000 (99.50%)",
    );
    expect((result.evidence.values as { streams: { task: string }[] }).streams[0]?.task).toBe('t2');
  });

  it('counts a stream Loki never saw as 0 and one without CloudWatch lines as complete', () => {
    const result = assessShadow(
      input({
        cloudwatch: { query: 'q', data: { 'app/app/t1': 0, 'app/app/t2': 10 } },
        loki: { query: 'q', data: [] },
      }),
    );
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain('t2/app 0/10 (0.00%)');
    expect(result.message).not.toContain('t1/app');
  });

  it('is pending until the deployment completed and the window closed', () => {
    expect(assessShadow(input({ deploymentCompleted: false })).verdict).toBe('pending');
    const early = assessShadow(
      input({ nowMs: T0 + 10 * MIN + 10_000, cloudwatch: undefined, loki: undefined }),
    );
    expect(early.verdict).toBe('pending');
    expect(early.message).toBe('shadow window of history closes for counting in 20s');
    expect(early.nextDeadlineMs).toBe(T0 + 10 * MIN + SHADOW_CLOSE_LAG_MS);
  });

  it('is error when a side could not be read', () => {
    const result = assessShadow(input({ cloudwatch: { query: 'FilterLogEvents', error: 'AccessDenied' } }));
    expect(result.verdict).toBe('error');
    expect(result.message).toContain('could not read CloudWatch event counts: AccessDenied');
  });
});

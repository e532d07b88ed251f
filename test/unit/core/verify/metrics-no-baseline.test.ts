import { assessMetrics, type MetricsInput } from '../../../../core/verify/metrics';
import type { MetricSample } from '../../../../core/queries/results';

const up = (task: string, value: number): MetricSample => ({
  labels: { task_id: task, service_name: 'history' },
  value,
  timestampMs: 0,
});

const REASON = 'a verify run audits tasks migrated earlier: no series count from before their migration';

function input(overrides: Partial<MetricsInput> = {}): MetricsInput {
  return {
    service: 'history',
    expectedTaskIds: ['t1'],
    up: { query: 'up{service_name="history"}', data: [up('t1', 1)] },
    seriesCount: {
      query: 'count({service_name="history"})',
      data: [{ labels: {}, value: 40, timestampMs: 0 }],
    },
    evaluatedAtMs: 0,
    noBaseline: REASON,
    minSeriesRatio: 0.9,
    ...overrides,
  };
}

describe('assessMetrics without a baseline that applies (verify mode)', () => {
  it('judges up and the series count, saying why continuity is not checked', () => {
    const result = assessMetrics(input());
    expect(result.verdict).toBe('passed');
    expect(result.message).toContain(`series continuity not checked: ${REASON}`);
    expect(result.evidence.values).toMatchObject({ seriesContinuity: { skipped: REASON, current: 40 } });
  });

  it('never passes a service with no series at all, nor a task without up', () => {
    expect(assessMetrics(input({ seriesCount: { query: 'c', data: [] } })).verdict).toBe('pending');
    expect(assessMetrics(input({ up: { query: 'u', data: [up('t1', 0)] } })).verdict).toBe('pending');
  });
});

import { canaryPushStream } from '../../../core/queries/logql';
import { CANARY_STREAM_LABELS } from '../../../core/queries/labels';
import { seriesCountForService, upByTask } from '../../../core/queries/promql';
import { isCanaryStream, isSeriesCountQuery } from '../../../sandbox/fault-matchers';

describe('isSeriesCountQuery', () => {
  it.each(['history', 'benchmark-worker', 'odd "quoted" \\ name'])(
    'recognises the baseline query the product builds for %j',
    (service) => {
      expect(isSeriesCountQuery(seriesCountForService(service))).toBe(true);
    },
  );

  it.each([
    upByTask('history'),
    'count(up{service_name="history"})',
    'count({service_name="history",task_id="t1"})',
    'count({service_name=~"hist.*"})',
    'count({service_name="a"}) + count({service_name="b"})',
    'count({service_name=})',
    'sum(rate(temporal_requests_total[5m]))',
  ])('leaves other PromQL alone: %s', (query) => {
    expect(isSeriesCountQuery(query)).toBe(false);
  });
});

describe('isCanaryStream', () => {
  it("recognises the Loki step's canary stream by its labels", () => {
    const canary = canaryPushStream('marker-1', '1700000000000000000', { cluster: 'temporal-dev' });
    expect(isCanaryStream(canary.stream)).toBe(true);
    expect(isCanaryStream({ ...CANARY_STREAM_LABELS })).toBe(true);
  });

  it("leaves the sidecars' streams alone", () => {
    expect(isCanaryStream({ service_name: 'history', cluster: 'temporal-dev', task_id: 't1' })).toBe(false);
    expect(isCanaryStream({ source: 'alloy' })).toBe(false);
  });
});

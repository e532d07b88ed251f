import fc from 'fast-check';
import type { MetricSample } from '../../../../core/queries/results';
import { assessCustom, singleValue, type CustomCheckSpec } from '../../../../core/verify/custom';
import { assessLogs, type LogsInput } from '../../../../core/verify/logs';
import { assessMetrics, type MetricsInput } from '../../../../core/verify/metrics';
import { SAMPLE_TIME_TOLERANCE_MS } from '../../../../core/verify/samples';
import type { Measurement } from '../../../../core/verify/types';

/**
 * Whatever else a measurement set holds, one non-finite value, one stale timestamp, one error
 * body or a missing baseline means the verdict is never `passed`. Each property also checks that
 * the same set without the corruption passes, so it cannot hold by never passing at all.
 */

const AT = 1_767_268_800_000;
const tasks = fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{8}$/), { minLength: 1, maxLength: 4 });
const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
const offBy = fc.oneof(
  fc.integer({ min: SAMPLE_TIME_TOLERANCE_MS + 1, max: 86_400_000 }),
  fc.integer({ min: -86_400_000, max: -(SAMPLE_TIME_TOLERANCE_MS + 1) }),
);
type Samples = Measurement<readonly MetricSample[]>;
type Corruption =
  | { kind: 'non-finite'; value: number; pick: number }
  | { kind: 'stale'; offsetMs: number; pick: number }
  | { kind: 'error-body'; error: string };
const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('non-finite' as const), value: nonFinite, pick: fc.nat() }),
  fc.record({ kind: fc.constant('stale' as const), offsetMs: offBy, pick: fc.nat() }),
  fc.record({ kind: fc.constant('error-body' as const), error: fc.string({ minLength: 1 }) }),
);

function corrupt(m: Samples, c: Corruption): Samples {
  if (c.kind === 'error-body' || !('data' in m) || m.data.length === 0)
    return { query: m.query, error: c.kind === 'error-body' ? c.error : 'x' };
  const i = c.pick % m.data.length;
  const data = m.data.map((s, j) =>
    j !== i
      ? s
      : c.kind === 'non-finite'
        ? { ...s, value: c.value }
        : { ...s, timestampMs: s.timestampMs + c.offsetMs },
  );
  return { query: m.query, data };
}

function metricsInput(ids: string[], baseline: number, extra: number): MetricsInput {
  return {
    service: 'svc',
    evaluatedAtMs: AT,
    expectedTaskIds: ids,
    up: { query: 'up', data: ids.map((id) => ({ labels: { task_id: id }, value: 1, timestampMs: AT })) },
    seriesCount: { query: 'count', data: [{ labels: {}, value: baseline + extra, timestampMs: AT }] },
    baselineSeriesCount: baseline,
    minSeriesRatio: 0.9,
  };
}

function logsInput(ids: string[], lines: number): LogsInput {
  return {
    service: 'svc',
    window: { startMs: AT - 300_000, endMs: AT },
    expectedTaskIds: ids,
    requiredLabels: ['task_id'],
    maxJsonErrorRatio: 0,
    linesByTask: {
      query: 'lines',
      data: ids.map((id) => ({ labels: { task_id: id }, value: lines, timestampMs: AT })),
    },
    jsonErrorsByTask: {
      query: 'errors',
      data: ids.map((id) => ({ labels: { task_id: id }, value: 0, timestampMs: AT })),
    },
    streams: { query: 'streams', data: ids.map((id) => ({ task_id: id })) },
  };
}

describe('bad evidence is never passed', () => {
  it('metrics: a corrupted up or count measurement, or a missing baseline', () => {
    fc.assert(
      fc.property(
        tasks,
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat({ max: 100 }),
        fc.oneof(
          fc.record({ target: fc.constantFrom('up' as const, 'seriesCount' as const), corruption }),
          fc.record({ target: fc.constant('baseline' as const), missing: fc.constantFrom(null, undefined) }),
        ),
        (ids, baseline, extra, bad) => {
          const honest = metricsInput(ids, baseline, extra);
          if (assessMetrics(honest).verdict !== 'passed') return false;
          const input: MetricsInput =
            bad.target === 'baseline'
              ? { ...honest, baselineSeriesCount: bad.missing }
              : { ...honest, [bad.target]: corrupt(honest[bad.target], bad.corruption) };
          return assessMetrics(input).verdict !== 'passed';
        },
      ),
    );
  });

  it('logs: a corrupted line or JSON-error measurement', () => {
    fc.assert(
      fc.property(
        tasks,
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom('linesByTask' as const, 'jsonErrorsByTask' as const),
        corruption,
        (ids, lines, target, c) => {
          const honest = logsInput(ids, lines);
          if (assessLogs(honest).verdict !== 'passed') return false;
          return assessLogs({ ...honest, [target]: corrupt(honest[target], c) }).verdict !== 'passed';
        },
      ),
    );
  });

  it('plan checks: whatever the operator and threshold', () => {
    const op = fc.constantFrom<CustomCheckSpec['op']>('>', '>=', '<', '<=', '==', '!=');
    fc.assert(
      fc.property(op, fc.integer({ min: -5, max: 5 }), corruption, (o, threshold, c) => {
        const check: CustomCheckSpec = { name: 'c', language: 'promql', query: 'q', op: o, threshold };
        // The honest value is chosen to satisfy the operator.
        const good = o === '<' ? threshold - 1 : o === '>' || o === '!=' ? threshold + 1 : threshold;
        const honest: Samples = { query: 'q', data: [{ labels: {}, value: good, timestampMs: AT }] };
        const value = (m: Samples) =>
          'data' in m ? singleValue({ resultType: 'vector', samples: m.data }, AT) : { error: m.error };
        if (assessCustom(check, value(honest)).verdict !== 'passed') return false;
        return assessCustom(check, value(corrupt(honest, c))).verdict !== 'passed';
      }),
    );
  });
});

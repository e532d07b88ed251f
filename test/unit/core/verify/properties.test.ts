import fc from 'fast-check';
import { assessLogs } from '../../../../core/verify/logs';
import { assessMetrics } from '../../../../core/verify/metrics';
import { settle } from '../../../../core/verify/settle';
import type { Verdict } from '../../../../core/report/types';

const taskId = fc.constantFrom('t1', 't2', 't3', 't4');
const count = fc.integer({ min: 0, max: 50 });
const samples = fc
  .array(fc.record({ task: taskId, value: count }), { maxLength: 6 })
  .map((list) => list.map(({ task, value }) => ({ labels: { task_id: task }, value, timestampMs: 0 })));
const expectedTasks = fc.uniqueArray(taskId, { maxLength: 4 });

describe('verdict properties', () => {
  it('logs never pass unless every expected task has a line and streams exist', () => {
    fc.assert(
      fc.property(expectedTasks, samples, fc.boolean(), (expected, lines, haveStreams) => {
        const result = assessLogs({
          service: 'svc',
          window: { startMs: 0, endMs: 1 },
          expectedTaskIds: expected,
          requiredLabels: ['task_id'],
          maxJsonErrorRatio: 0,
          linesByTask: { query: 'L', data: lines },
          jsonErrorsByTask: { query: 'J', data: [] },
          streams: { query: 'S', data: haveStreams ? [{ task_id: 'x' }] : [] },
        });
        if (result.verdict !== 'passed') return true;
        const seen = (id: string) =>
          lines.filter((l) => l.labels.task_id === id).reduce((s, l) => s + l.value, 0);
        return expected.length > 0 && haveStreams && expected.every((id) => seen(id) >= 1);
      }),
    );
  });

  it('metrics never pass unless up is 1 for every expected task', () => {
    fc.assert(
      fc.property(expectedTasks, samples, (expected, up) => {
        const ups = up.map((s) => ({ ...s, value: s.value % 2 }));
        const result = assessMetrics({
          service: 'svc',
          expectedTaskIds: expected,
          up: { query: 'U', data: ups },
          seriesCount: { query: 'C', data: [] },
          evaluatedAtMs: 0,
          baselineSeriesCount: 0,
          minSeriesRatio: 0.9,
        });
        if (result.verdict !== 'passed') return true;
        return (
          expected.length > 0 &&
          expected.every(
            (id) =>
              ups.some((s) => s.labels.task_id === id) &&
              ups.filter((s) => s.labels.task_id === id).every((s) => s.value === 1),
          )
        );
      }),
    );
  });

  it('settle only ever retries pending or error, before the deadline, and never turns them into passed', () => {
    const verdict = fc.constantFrom<Verdict>('passed', 'failed', 'pending', 'error');
    fc.assert(
      fc.property(
        verdict,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (v, elapsed, allowance) => {
          const start = 1_700_000_000_000;
          const { decision, result } = settle(
            { name: 'c', verdict: v, message: 'm', evidence: {} },
            { startedAtMs: start, nowMs: start + elapsed, deadlineMs: allowance },
          );
          if (decision === 'retry')
            return (v === 'pending' || v === 'error') && elapsed < allowance && result.verdict === v;
          if (v === 'pending' || v === 'error') return result.verdict === 'failed' && elapsed >= allowance;
          if (v === 'passed' && elapsed > allowance) return result.verdict === 'failed';
          return result.verdict === v;
        },
      ),
    );
  });
});

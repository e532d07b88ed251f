import { assessCanary, type CanaryInput } from '../../../../core/verify/canary';

const labels = { source: 'alloy-rollout-canary', service_name: 'alloy-rollout-canary', cluster: 'c' };
const pushed = { labels, line: 'alloy-rollout canary run-1-abc', timestampNs: '1767268800000000000' };
const window = { startMs: 1_767_268_740_000, endMs: 1_767_268_820_000 };

function input(entries: { labels?: Record<string, string>; ts?: string; line?: string }[]): CanaryInput {
  return {
    query: '{source="alloy-rollout-canary"} |= "run-1-abc"',
    pushed,
    window,
    data: {
      resultType: 'streams',
      streams: entries.map((e) => ({
        labels: e.labels ?? labels,
        entries: [{ timestampNs: e.ts ?? pushed.timestampNs, line: e.line ?? pushed.line }],
      })),
    },
  };
}

describe('assessCanary', () => {
  it('passes on the exact entry that was pushed', () => {
    expect(assessCanary(input([{}]))).toMatchObject({ name: 'loki-canary', verdict: 'passed' });
  });

  it.each([
    ['another line', { line: `quoted: ${pushed.line}` }],
    ['other stream labels', { labels: { ...labels, service_name: 'unknown_service' } }],
    ['other stream labels', { labels: { source: 'alloy-rollout-canary' } }],
    ['another timestamp', { ts: '1767268800000000001' }],
    ['outside the queried window', { ts: '1767265200000000000' }],
  ])('is pending, not passed, for an entry with %s', (why, entry) => {
    const result = assessCanary(input([entry]));
    expect(result.verdict).toBe('pending');
    expect(result.message).toContain(why);
    expect(result.evidence.values).toMatchObject({
      notTheCanary: [expect.objectContaining({ notTheCanary: expect.arrayContaining([why]) })],
    });
  });

  it('is pending with nothing back, and for an answer that is not log lines', () => {
    expect(assessCanary(input([])).message).toBe('canary line pushed but not found yet');
    const matrix = assessCanary({ ...input([]), data: { resultType: 'matrix', series: [] } });
    expect(matrix).toMatchObject({
      verdict: 'pending',
      message: 'canary read-back answered matrix, not log lines',
    });
  });

  it('passes when the pushed entry is among impostors', () => {
    expect(assessCanary(input([{ line: 'x run-1-abc' }, {}])).verdict).toBe('passed');
  });
});

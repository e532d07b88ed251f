import { settle } from '../../../../core/verify/settle';
import type { Assessment } from '../../../../core/verify/types';
import { InputInvalidError } from '../../../../core/errors';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const assessment = (verdict: Assessment['verdict']): Assessment => ({
  name: 'logs',
  verdict,
  message: `it is ${verdict}`,
  evidence: { query: 'Q' },
});
const clock = (elapsedMs: number) => ({ startedAtMs: START, nowMs: START + elapsedMs, deadlineMs: 30_000 });

describe('settle', () => {
  it.each(['pending', 'error'] as const)('retries %s before the deadline, keeping the verdict', (verdict) => {
    const settled = settle(assessment(verdict), { ...clock(10_000), attempts: 2 });
    expect(settled.decision).toBe('retry');
    expect(settled.result).toMatchObject({
      verdict,
      durationMs: 10_000,
      attempts: 2,
      evidence: { query: 'Q', remainingMs: 20_000 },
    });
  });

  it.each(['pending', 'error'] as const)(
    'turns %s into a final failed at the deadline, with the deadline in the evidence',
    (verdict) => {
      const settled = settle(assessment(verdict), clock(30_000));
      expect(settled.decision).toBe('final');
      expect(settled.result.verdict).toBe('failed');
      expect(settled.result.message).toBe(
        `still ${verdict} at the deadline (30s after start): it is ${verdict}`,
      );
      expect(settled.result.evidence).toMatchObject({
        query: 'Q',
        lastVerdict: verdict,
        deadline: { at: '2026-01-01T12:00:30.000Z', after: '30s' },
      });
    },
  );

  it('keeps failed final whatever the time, and passed final up to the deadline', () => {
    for (const elapsed of [0, 30_000, 60_000]) {
      expect(settle(assessment('failed'), clock(elapsed))).toMatchObject({
        decision: 'final',
        result: { verdict: 'failed', message: 'it is failed' },
      });
    }
    for (const elapsed of [0, 30_000]) {
      expect(settle(assessment('passed'), clock(elapsed))).toMatchObject({
        decision: 'final',
        result: { verdict: 'passed', message: 'it is passed' },
      });
    }
  });

  it('fails a pass measured after the deadline: the deadline means "by then"', () => {
    const late = settle(assessment('passed'), clock(30_001));
    expect(late).toMatchObject({
      decision: 'final',
      result: { verdict: 'failed', evidence: { lastVerdict: 'passed' } },
    });
    expect(late.result.message).toMatch(
      /^passed only at .*, after the deadline \(.*, 30s after start\): it is passed$/,
    );
  });

  it('has no attempts field unless told', () => {
    expect('attempts' in settle(assessment('passed'), clock(0)).result).toBe(false);
  });

  it('refuses an epoch timestamp passed as the deadline', () => {
    expect(() =>
      settle(assessment('pending'), { startedAtMs: START, nowMs: START, deadlineMs: START + 30_000 }),
    ).toThrow(InputInvalidError);
    expect(() =>
      settle(assessment('pending'), { startedAtMs: Number.NaN, nowMs: START, deadlineMs: 1 }),
    ).toThrow(/epoch milliseconds/);
  });
});

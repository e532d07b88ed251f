import { shadowTable } from '../../action/src/shadow-summary';
import { cell } from '../../action/src/summary';
import type { CheckResult } from '../../core/report/types';

const shadow: CheckResult = {
  name: 'shadow',
  verdict: 'failed',
  message: "1 of 2 stream(s) below 99.90% of CloudWatch's lines in Loki: t2/app 199/200 (99.50%)",
  durationMs: 60_000,
  evidence: {
    window: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:10:00.000Z' },
    values: {
      minCompleteness: 0.999,
      streams: [
        { task: 't2', container: 'app', cloudwatch: 200, loki: 199, completeness: 0.995 },
        { task: 't1', container: 'app', cloudwatch: 200, loki: 200, completeness: 1 },
      ],
      moreStreams: 3,
    },
  },
};

describe('the shadow completeness table of the job summary', () => {
  it('shows one row per stream with both counts and the completeness, and how many more there are', () => {
    expect(shadowTable([shadow], cell)).toEqual([
      '',
      'Shadow completeness (required ≥ 99.90%), window 2026-01-01T00:00:00.000Z → 2026-01-01T00:10:00.000Z:',
      '',
      '| Task | Container | CloudWatch | Loki | Completeness |',
      '| --- | --- | ---: | ---: | ---: |',
      '| t2 | app | 200 | 199 | 99.50% |',
      '| t1 | app | 200 | 200 | 100.00% |',
      '| … 3 more stream(s) | | | | |',
    ]);
  });

  it('shows nothing without a shadow check or without its figures', () => {
    expect(shadowTable([], cell)).toEqual([]);
    expect(shadowTable([{ ...shadow, evidence: {} }], cell)).toEqual([]);
  });
});

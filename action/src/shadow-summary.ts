import type { CheckResult } from '../../core/report/types';
import type { StreamCompleteness } from '../../core/verify/shadow';

function isStream(value: unknown): value is StreamCompleteness {
  const s = value as Partial<StreamCompleteness> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.task === 'string' &&
    typeof s.container === 'string' &&
    typeof s.cloudwatch === 'number' &&
    typeof s.loki === 'number' &&
    typeof s.completeness === 'number'
  );
}

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

/**
 * The shadow check's figures as a table of their own: one row per task and container, CloudWatch's
 * awslogs events against Loki's lines over the same window, the lowest first (as the evidence
 * orders them). Nothing when the service ran no shadow step or its record carries no evidence (the
 * parent's compact record; the child's output has it).
 */
export function shadowTable(checks: readonly CheckResult[], cell: (text: string) => string): string[] {
  const shadow = checks.find((c) => c.name === 'shadow');
  const values = shadow?.evidence.values as
    { streams?: unknown; moreStreams?: unknown; minCompleteness?: unknown } | undefined;
  const streams = Array.isArray(values?.streams) ? values.streams.filter(isStream) : [];
  if (!shadow || streams.length === 0) return [];
  const window = shadow.evidence.window;
  const required =
    typeof values?.minCompleteness === 'number' ? ` (required ≥ ${percent(values.minCompleteness)})` : '';
  const more = typeof values?.moreStreams === 'number' && values.moreStreams > 0 ? values.moreStreams : 0;
  return [
    '',
    `Shadow completeness${required}${window ? `, window ${cell(`${window.start} → ${window.end}`)}` : ''}:`,
    '',
    '| Task | Container | CloudWatch | Loki | Completeness |',
    '| --- | --- | ---: | ---: | ---: |',
    ...streams.map(
      (s) =>
        `| ${cell(s.task)} | ${cell(s.container)} | ${s.cloudwatch} | ${s.loki} | ${percent(s.completeness)} |`,
    ),
    ...(more > 0 ? [`| … ${more} more stream(s) | | | | |`] : []),
  ];
}

import { LABELS } from '../queries/labels';
import type { MetricSample } from '../queries/results';
import { capList, isoWindow, listForMessage, measurementData } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import { assessMetricContinuity, type MetricContinuityInput } from './metric-continuity';
import { recordSampleFaults } from './samples';
import {
  nextDeadlineField,
  overdueMessage,
  overdueTasks,
  taskAgesSeconds,
  type TaskStarts,
} from './task-clock';
import type { Assessment, Measurement, TimeWindow } from './types';

export interface MetricsInput {
  /** Check name in the report; default "metrics". */
  readonly name?: string;
  readonly service: string;
  /** When the queries were evaluated (instant queries: start == end). */
  readonly window?: TimeWindow;
  /** The time the instant queries were asked for: every sample must be stamped with it. */
  readonly evaluatedAtMs: number;
  /** Running tasks of the new deployment (ids or ARNs). */
  readonly expectedTaskIds: readonly string[];
  /** Result of `upByTask`. */
  readonly up: Measurement<readonly MetricSample[]>;
  /** Result of `seriesCountForService` now. */
  readonly seriesCount: Measurement<readonly MetricSample[]>;
  /**
   * The same count taken in preflight, before the service was touched: 0 when the service had no
   * series, null when preflight could not read it (allowed only when the plan opts out).
   */
  readonly baselineSeriesCount?: number | null | undefined;
  /** The plan's metrics.requireBaseline (default true): false accepts a baseline that was not read. */
  readonly requireBaseline?: boolean;
  /**
   * Why no series baseline applies to this check at all (a `verify` run audits tasks migrated long
   * ago: the count before their migration is gone). Set: continuity is skipped with this reason in
   * the message and the evidence, and only `up` and the series count are judged.
   */
  readonly noBaseline?: string;
  /** The plan's minSeriesRatio. */
  readonly minSeriesRatio: number;
  /**
   * When each new task started running: a task still without an `up` series more than the deadline
   * after its own start is `failed` (its metrics are not reaching AMP at all).
   */
  readonly taskStarts?: TaskStarts;
  /**
   * Names, label keys and scrape cadence against Register's baseline (core/verify/metric-continuity);
   * absent: only `up` and the series count are judged.
   */
  readonly continuity?: Omit<
    MetricContinuityInput,
    'service' | 'expectedTaskIds' | 'taskStarts' | 'evaluatedAtMs' | 'requireBaseline'
  >;
}

/**
 * The series count that `seriesCountForService` measured, or undefined when the result is empty.
 * Preflight records the baseline with this same reading, so baseline and current compare alike.
 * A non-finite sample makes the whole count NaN, so it can never be mistaken for a number.
 */
export function seriesCountOf(samples: readonly MetricSample[]): number | undefined {
  return samples.length > 0 ? samples.reduce((sum, s) => sum + s.value, 0) : undefined;
}

type Continuity = Record<string, unknown>;

/** The series-continuity part: current count against the preflight baseline. */
function assessContinuity(
  findings: Findings,
  input: MetricsInput,
  countSamples: readonly MetricSample[] | undefined,
): { continuity: Continuity; summary: string } {
  const baseline = input.baselineSeriesCount;
  const current = countSamples ? seriesCountOf(countSamples) : undefined;
  const measured = current !== undefined && Number.isFinite(current) ? current : undefined;
  if (input.noBaseline !== undefined) {
    findings.note(`series continuity not checked: ${input.noBaseline}`);
    // Still no data at all is never a pass: the service must export some series.
    if (countSamples && measured === undefined)
      findings.add('pending', `no series for ${input.service} in AMP`);
    return { continuity: { skipped: input.noBaseline, current: measured ?? null }, summary: '' };
  }
  if (baseline === null || baseline === undefined) {
    if (input.requireBaseline === false) {
      findings.note(
        'series continuity not checked: preflight could not read the baseline and the plan sets verification.metrics.requireBaseline: false',
      );
      return {
        continuity: {
          skipped: 'baseline not read; plan opts out (requireBaseline: false)',
          current: measured ?? null,
        },
        summary: '',
      };
    }
    // Preflight refuses the run when it cannot read a required baseline, so this is a state
    // document that lost it: continuity cannot be judged, and waiting will not bring it back.
    findings.add(
      'failed',
      `no series baseline was recorded for ${input.service} in preflight: series continuity cannot be judged`,
    );
    return { continuity: { baseline: null, current: measured ?? null }, summary: '' };
  }
  if (!Number.isFinite(baseline) || baseline < 0) {
    findings.add('error', `the recorded baseline series count is not a count: ${String(baseline)}`);
    return { continuity: { baseline: String(baseline), current: measured ?? null }, summary: '' };
  }
  if (baseline === 0) {
    findings.note('series continuity skipped: the service had no series before (baseline 0)');
    return {
      continuity: {
        skipped: 'baseline 0: nothing to be continuous with',
        baseline,
        current: measured ?? null,
      },
      summary: '',
    };
  }
  const required = Math.ceil(baseline * input.minSeriesRatio);
  if (countSamples && current === undefined) {
    findings.add('pending', `no series for ${input.service} yet (baseline ${baseline})`);
    return { continuity: { baseline, current: 0, required }, summary: '' };
  }
  if (measured === undefined) return { continuity: { baseline, current: null, required }, summary: '' };
  if (measured < required) {
    findings.add(
      'pending',
      `${measured} series, below ${required} (${input.minSeriesRatio} x baseline ${baseline})`,
    );
  }
  return {
    continuity: { baseline, current: measured, required, ratio: measured / baseline },
    summary: `${measured} series (baseline ${baseline}, required ${required})`,
  };
}

/**
 * `up` is 1 for every new task, and the service exports at least minSeriesRatio x its baseline
 * series count.
 *
 * Decisions:
 * - A task with `up` 0 or a count below the ratio is `pending`, not `failed`: scrapes and series
 *   converge over a few scrape intervals after the soak, and `settle` turns a value that is still
 *   short at the check's deadline into `failed` with the numbers in the evidence.
 * - A baseline of 0 or none at all skips the continuity part, with the reason in the message and
 *   the evidence: there is nothing to be continuous with (the service exported no series under
 *   its `service_name` before), and failing would block every such service for good. The `up`
 *   part still has to pass, so the check never passes on no data.
 */
export function assessMetrics(input: MetricsInput): Assessment {
  const findings = new Findings();
  const errors = recordMeasurementErrors(findings, [
    ['up', input.up],
    ['series count', input.seriesCount],
    ...(input.continuity
      ? ([
          ["the new tasks' series", input.continuity.series],
          ["the new tasks' up samples", input.continuity.up],
        ] as const)
      : []),
  ]);
  const unsound = recordSampleFaults(findings, input.evaluatedAtMs, [
    ['up', input.up],
    ['series count', input.seriesCount],
  ]);
  const expected = expectedTasks(findings, input.expectedTaskIds, 'new');

  // up == 1 for every sample of every expected task.
  const upSamples = measurementData(input.up);
  const upByTask = new Map<string, number[]>();
  for (const sample of upSamples ?? []) {
    const id = sample.labels[LABELS.task] ?? '';
    upByTask.set(id, [...(upByTask.get(id) ?? []), sample.value]);
  }
  const tasksWithoutUp = upSamples ? expected.filter((id) => !upByTask.has(id)) : [];
  const tasksDown = upSamples ? expected.filter((id) => (upByTask.get(id) ?? []).some((v) => v !== 1)) : [];
  const overdue = overdueTasks(tasksWithoutUp, input.taskStarts, input.evaluatedAtMs);
  if (overdue.length > 0 && input.taskStarts) {
    findings.add('failed', overdueMessage(overdue, 'an up series in AMP', input.taskStarts.deadlineMs));
  } else if (tasksWithoutUp.length > 0) {
    findings.add(
      'pending',
      `no up series yet for ${tasksWithoutUp.length} of ${expected.length} tasks: ${listForMessage(tasksWithoutUp)}`,
    );
  }
  if (tasksDown.length > 0) {
    findings.add('pending', `up is not 1 for ${listForMessage(tasksDown)}`);
  }

  // Series continuity against the baseline.
  const countSamples = measurementData(input.seriesCount);
  const { continuity, summary } = assessContinuity(findings, input, countSamples);
  const names = input.continuity
    ? assessMetricContinuity(findings, {
        ...input.continuity,
        service: input.service,
        expectedTaskIds: expected,
        taskStarts: input.taskStarts,
        evaluatedAtMs: input.evaluatedAtMs,
        requireBaseline: input.requireBaseline !== false,
      })
    : undefined;
  const absence = nextDeadlineField(tasksWithoutUp, input.taskStarts, input.evaluatedAtMs).nextDeadlineMs;
  const deadlines = [absence, names?.nextDeadlineMs].filter((d): d is number => d !== undefined);

  const verdict = findings.verdict;
  const shown = expectedTasksEvidence(expected);
  const message =
    verdict === 'passed'
      ? [`up is 1 for all ${expected.length} tasks of ${input.service}`, ...findings.problems].join('; ') +
        (summary ? `; ${summary}` : '') +
        (names?.summary ? `; ${names.summary}` : '')
      : findings.message;

  return {
    name: input.name ?? 'metrics',
    verdict,
    message,
    ...(deadlines.length > 0 ? { nextDeadlineMs: Math.min(...deadlines) } : {}),
    ...(verdict === 'passed' && findings.inconclusive ? { inconclusive: findings.inconclusive } : {}),
    evidence: {
      query: input.up.query,
      queries: {
        up: input.up.query,
        seriesCount: input.seriesCount.query,
        ...(input.continuity
          ? { series: input.continuity.series.query, upSamples: input.continuity.up.query }
          : {}),
      },
      ...(input.window ? { window: isoWindow(input.window) } : {}),
      evaluatedAt: new Date(input.evaluatedAtMs).toISOString(),
      values: {
        ...shown,
        upByTask: upSamples
          ? Object.fromEntries(shown.expectedTaskIds.map((id) => [id, upByTask.get(id) ?? null]))
          : null,
        tasksWithoutUp: capList(tasksWithoutUp).items,
        tasksDown: capList(tasksDown).items,
        ...(input.taskStarts
          ? { taskAgeSeconds: taskAgesSeconds(input.taskStarts, shown.expectedTaskIds, input.evaluatedAtMs) }
          : {}),
        seriesContinuity: continuity,
        ...(names ? { metricContinuity: names.evidence } : {}),
        errors,
        unsoundSamples: unsound,
      },
      threshold: { up: '== 1 for every task', minSeriesRatio: input.minSeriesRatio },
    },
  };
}

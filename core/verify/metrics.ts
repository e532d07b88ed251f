import { LABELS } from '../queries/labels';
import type { MetricSample } from '../queries/results';
import { capList, isoWindow, listForMessage, measurementData } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import type { Assessment, Measurement, TimeWindow } from './types';

export interface MetricsInput {
  /** Check name in the report; default "metrics". */
  readonly name?: string;
  readonly service: string;
  /** When the queries were evaluated (instant queries: start == end). */
  readonly window?: TimeWindow;
  /** Running tasks of the new deployment (ids or ARNs). */
  readonly expectedTaskIds: readonly string[];
  /** Result of `upByTask`. */
  readonly up: Measurement<readonly MetricSample[]>;
  /** Result of `seriesCountForService` now. */
  readonly seriesCount: Measurement<readonly MetricSample[]>;
  /** The same count taken in preflight, before the service was touched. */
  readonly baselineSeriesCount?: number | null | undefined;
  /** The plan's minSeriesRatio. */
  readonly minSeriesRatio: number;
}

/**
 * The series count that `seriesCountForService` measured, or undefined when the result is empty.
 * Preflight records the baseline with this same reading, so baseline and current compare alike.
 */
export function seriesCountOf(samples: readonly MetricSample[]): number | undefined {
  return samples.length > 0 ? samples.reduce((sum, s) => sum + s.value, 0) : undefined;
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
  if (tasksWithoutUp.length > 0) {
    findings.add(
      'pending',
      `no up series yet for ${tasksWithoutUp.length} of ${expected.length} tasks: ${listForMessage(tasksWithoutUp)}`,
    );
  }
  if (tasksDown.length > 0) {
    findings.add('pending', `up is not 1 for ${listForMessage(tasksDown)}`);
  }

  // Series continuity against the baseline.
  const baseline = input.baselineSeriesCount ?? 0;
  const countSamples = measurementData(input.seriesCount);
  const current = countSamples ? seriesCountOf(countSamples) : undefined;
  const required = Math.ceil(baseline * input.minSeriesRatio);
  let continuity: Record<string, unknown>;
  if (!(baseline > 0)) {
    continuity = {
      skipped: 'no baseline series count (0 or not recorded): nothing to compare with',
      current: current ?? null,
    };
    findings.note('series continuity skipped: no baseline');
  } else if (countSamples && current === undefined) {
    findings.add('pending', `no series for ${input.service} yet (baseline ${baseline})`);
    continuity = { baseline, current: 0, required };
  } else if (current !== undefined) {
    continuity = { baseline, current, required, ratio: current / baseline };
    if (current < required) {
      findings.add(
        'pending',
        `${current} series, below ${required} (${input.minSeriesRatio} x baseline ${baseline})`,
      );
    }
  } else {
    continuity = { baseline, current: null, required };
  }

  const verdict = findings.verdict;
  const shown = expectedTasksEvidence(expected);
  const message =
    verdict === 'passed'
      ? [`up is 1 for all ${expected.length} tasks of ${input.service}`, ...findings.problems].join('; ') +
        (baseline > 0 ? `; ${current} series (baseline ${baseline}, required ${required})` : '')
      : findings.message;

  return {
    name: input.name ?? 'metrics',
    verdict,
    message,
    evidence: {
      query: input.up.query,
      queries: { up: input.up.query, seriesCount: input.seriesCount.query },
      ...(input.window ? { window: isoWindow(input.window) } : {}),
      values: {
        ...shown,
        upByTask: upSamples
          ? Object.fromEntries(shown.expectedTaskIds.map((id) => [id, upByTask.get(id) ?? null]))
          : null,
        tasksWithoutUp: capList(tasksWithoutUp).items,
        tasksDown: capList(tasksDown).items,
        seriesContinuity: continuity,
        errors,
      },
      threshold: { up: '== 1 for every task', minSeriesRatio: input.minSeriesRatio },
    },
  };
}

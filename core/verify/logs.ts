import { formatDuration } from '../plan/duration';
import { LABELS } from '../queries/labels';
import type { Labels, MetricSample } from '../queries/results';
import { capList, isoWindow, listForMessage, measurementData } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import { recordSampleFaults } from './samples';
import {
  nextDeadlineField,
  overdueMessage,
  overdueTasks,
  taskAgesSeconds,
  type TaskStarts,
} from './task-clock';
import type { Assessment, Measurement, TimeWindow } from './types';

export interface LogsInput {
  /** Check name in the report; default "logs". */
  readonly name?: string;
  /** The service's `service_name`, for messages. */
  readonly service: string;
  /** The range the counts cover; the instant queries are evaluated at its end. */
  readonly window: TimeWindow;
  /** Running tasks of the new deployment (ids or ARNs). */
  readonly expectedTaskIds: readonly string[];
  readonly requiredLabels: readonly string[];
  /** Fraction of lines allowed to fail `| json` (the plan's maxJsonErrorRatio). */
  readonly maxJsonErrorRatio: number;
  /** Result of `logLinesByTask`: one sample per task_id. */
  readonly linesByTask: Measurement<readonly MetricSample[]>;
  /** Result of `jsonErrorsByTask`. An empty result is zero errors (Loki omits series with no lines). */
  readonly jsonErrorsByTask: Measurement<readonly MetricSample[]>;
  /** Label sets of the service's streams (series API on `streamLabelsSelector`). */
  readonly streams: Measurement<readonly Labels[]>;
  /**
   * When each new task started running: a task still without lines more than the deadline after
   * its own start is `failed` (not `pending` until the check's deadline).
   */
  readonly taskStarts?: TaskStarts;
  /** Lines per task over the last `windowMs` only: how a collector that stops mid-soak is seen. */
  readonly recent?: RecentLines;
}

/**
 * Lines per task over the last window and over the last two windows: the window before the last is
 * their difference. A task that shipped at least `minExpectedLines` in the window before and none
 * in the last one has stopped shipping: `failed` at once (the count over the whole 5-minute window
 * would hide it for minutes). Judged only for tasks older than three windows, so the window before
 * never holds a start-up burst (many lines at boot, then quiet, is normal); a task that logs less
 * than that is never judged by silence, so a service that logs rarely is not rolled back.
 */
export interface RecentLines {
  readonly windowMs: number;
  /** Lines per task over the last `windowMs`. */
  readonly linesByTask: Measurement<readonly MetricSample[]>;
  /** Lines per task over the last 2 x `windowMs`. */
  readonly linesByTaskTwoWindows: Measurement<readonly MetricSample[]>;
  readonly minExpectedLines: number;
}

function countsByTask(samples: readonly MetricSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const task = sample.labels[LABELS.task] ?? '';
    if (Number.isFinite(sample.value)) counts.set(task, (counts.get(task) ?? 0) + sample.value);
  }
  return counts;
}

function labelSetText(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/**
 * Every new task has at least one line under its own task_id, every stream of the service has
 * the required labels, and the JSON parse error ratio stays within the threshold. Missing data is
 * `pending`, never `passed`; an error body is `error`; bad labels or too many parse errors are
 * `failed` at once, because waiting does not fix a config.
 */
export function assessLogs(input: LogsInput): Assessment {
  const findings = new Findings();
  const errors = recordMeasurementErrors(findings, [
    ['lines', input.linesByTask],
    ['json errors', input.jsonErrorsByTask],
    ['streams', input.streams],
  ]);
  const unsound = recordSampleFaults(findings, input.window.endMs, [
    ['lines', input.linesByTask],
    ['json errors', input.jsonErrorsByTask],
    ...(input.recent
      ? ([
          ['recent lines', input.recent.linesByTask],
          ['lines of the last two windows', input.recent.linesByTaskTwoWindows],
        ] as const)
      : []),
  ]);
  if (input.recent)
    recordMeasurementErrors(findings, [
      ['recent lines', input.recent.linesByTask],
      ['lines of the last two windows', input.recent.linesByTaskTwoWindows],
    ]);
  const expected = expectedTasks(findings, input.expectedTaskIds, 'new');

  // Lines per expected task.
  const lineSamples = measurementData(input.linesByTask);
  const lines = lineSamples ? countsByTask(lineSamples) : undefined;
  const tasksWithoutLines = lines ? expected.filter((id) => (lines.get(id) ?? 0) < 1) : [];
  const overdue = overdueTasks(tasksWithoutLines, input.taskStarts, input.window.endMs);
  if (overdue.length > 0 && input.taskStarts) {
    findings.add('failed', overdueMessage(overdue, 'a line in Loki', input.taskStarts.deadlineMs));
  } else if (lines && tasksWithoutLines.length > 0) {
    findings.add(
      'pending',
      `${tasksWithoutLines.length} of ${expected.length} tasks have no lines in Loki yet: ${listForMessage(tasksWithoutLines)}`,
    );
  }
  const silent = silentTasks(input, expected);
  if (silent.length > 0 && input.recent) {
    const first = silent[0]!;
    const span = formatDuration(input.recent.windowMs);
    findings.add(
      'failed',
      `${silent.length} task(s) stopped shipping logs: none in the last ${span} after ${first.before} in the ${span} before, e.g. ${first.task}`,
    );
  }
  const otherTasks = lines ? [...lines.keys()].filter((id) => !expected.includes(id)) : [];

  // Required labels on every stream.
  const streams = measurementData(input.streams);
  const streamsMissingLabels = (streams ?? [])
    .map((labels) => ({
      stream: labelSetText(labels),
      missing: input.requiredLabels.filter((name) => (labels[name] ?? '') === ''),
    }))
    .filter((s) => s.missing.length > 0);
  if (streams && streams.length === 0) {
    findings.add('pending', `no streams for service ${input.service} in Loki yet`);
  } else if (streamsMissingLabels.length > 0) {
    const first = streamsMissingLabels[0]!;
    findings.add(
      'failed',
      `${streamsMissingLabels.length} stream(s) lack required labels, e.g. ${first.stream} has no ${first.missing.join(', ')}`,
    );
  }

  // JSON parse error ratio, over the new tasks only: the claim is about the new deployment.
  const errorSamples = measurementData(input.jsonErrorsByTask);
  const jsonErrors = errorSamples ? countsByTask(errorSamples) : undefined;
  let jsonErrorRatio: number | undefined;
  let errorLines = 0;
  let totalLines = 0;
  if (lines && jsonErrors) {
    for (const id of expected) {
      totalLines += lines.get(id) ?? 0;
      errorLines += jsonErrors.get(id) ?? 0;
    }
    if (totalLines > 0) {
      jsonErrorRatio = errorLines / totalLines;
      if (jsonErrorRatio > input.maxJsonErrorRatio) {
        findings.add(
          'failed',
          `${errorLines} of ${totalLines} lines are not valid JSON (ratio ${round(jsonErrorRatio)}, allowed ${input.maxJsonErrorRatio})`,
        );
      }
    }
  }

  const verdict = findings.verdict;
  const shown = expectedTasksEvidence(expected);
  const message =
    verdict === 'passed'
      ? `all ${expected.length} tasks of ${input.service} ship labelled, parseable logs to Loki (${totalLines} lines, ${errorLines} not JSON)`
      : findings.message;

  return {
    name: input.name ?? 'logs',
    verdict,
    message,
    ...nextDeadlineField(tasksWithoutLines, input.taskStarts, input.window.endMs),
    evidence: {
      query: input.linesByTask.query,
      queries: {
        linesByTask: input.linesByTask.query,
        jsonErrorsByTask: input.jsonErrorsByTask.query,
        streams: input.streams.query,
      },
      window: isoWindow(input.window),
      values: {
        ...shown,
        linesByTask: lines
          ? Object.fromEntries(shown.expectedTaskIds.map((id) => [id, lines.get(id) ?? 0]))
          : null,
        jsonErrorsByTask: jsonErrors
          ? Object.fromEntries(shown.expectedTaskIds.map((id) => [id, jsonErrors.get(id) ?? 0]))
          : null,
        jsonErrorRatio: jsonErrorRatio ?? null,
        tasksWithoutLines: capList(tasksWithoutLines).items,
        ...(input.taskStarts
          ? { taskAgeSeconds: taskAgesSeconds(input.taskStarts, shown.expectedTaskIds, input.window.endMs) }
          : {}),
        ...(input.recent ? { silentTasks: capList(silent).items } : {}),
        otherTaskIds: capList(otherTasks).items,
        streamCount: streams ? streams.length : null,
        streamsMissingLabels: capList(streamsMissingLabels).items,
        errors,
        unsoundSamples: unsound,
      },
      ...(input.recent
        ? { recentQueries: [input.recent.linesByTask.query, input.recent.linesByTaskTwoWindows.query] }
        : {}),
      threshold: {
        linesPerTask: '>= 1',
        ...(input.taskStarts ? { firstLineWithin: formatDuration(input.taskStarts.deadlineMs) } : {}),
        ...(input.recent
          ? {
              silence: `no task older than 3 x ${formatDuration(input.recent.windowMs)} with >= ${input.recent.minExpectedLines} lines in one ${formatDuration(input.recent.windowMs)} ships none in the next`,
            }
          : {}),
        requiredLabels: [...input.requiredLabels],
        maxJsonErrorRatio: input.maxJsonErrorRatio,
      },
    },
  };
}

interface SilentTask {
  readonly task: string;
  /** Lines in the window before the last. */
  readonly before: number;
}

/** Tasks old enough, with lines in the window before the last and none in the last. */
function silentTasks(input: LogsInput, expected: readonly string[]): SilentTask[] {
  const recent = input.recent;
  const last = recent ? measurementData(recent.linesByTask) : undefined;
  const two = recent ? measurementData(recent.linesByTaskTwoWindows) : undefined;
  if (!recent || !last || !two || !input.taskStarts) return [];
  const lastCounts = countsByTask(last);
  const twoCounts = countsByTask(two);
  const ages = taskAgesSeconds(input.taskStarts, expected, input.window.endMs) ?? {};
  const out: SilentTask[] = [];
  for (const task of expected) {
    const age = ages[task];
    if (age === undefined || age * 1000 < 3 * recent.windowMs) continue;
    const inLast = lastCounts.get(task) ?? 0;
    const before = (twoCounts.get(task) ?? 0) - inLast;
    if (inLast === 0 && before >= recent.minExpectedLines) out.push({ task, before });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

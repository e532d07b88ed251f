import { formatDuration } from '../plan/duration';
import type { Labels, MetricSample } from '../queries/results';
import { capList, isoWindow, listForMessage, measurementData } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import { judgeJsonShare, type JsonBaseline } from './json-share';
import {
  countOf,
  countsByUnit,
  logUnitsOf,
  tasksOfUnits,
  unexpectedOf,
  unitKey,
  unitsMessage,
  type LogUnit,
} from './log-units';
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
  /**
   * The containers of each new task whose logs Alloy collects (`$.register.logContainers`): each
   * must have lines of its own, counted by task_id and container_name, so a helper container's
   * lines do not stand for the application's. Absent: lines are counted per task, any container.
   */
  readonly containers?: readonly string[] | undefined;
  /**
   * Fraction of lines allowed to fail `| json` when there is no usable CloudWatch baseline (the
   * plan's maxJsonErrorRatio).
   */
  readonly maxJsonErrorRatio: number;
  /** The share of non-JSON lines before the switch and the margin above it (the differential rule). */
  readonly jsonBaseline?: {
    readonly baseline?: JsonBaseline | undefined;
    /** The plan's maxJsonErrorIncrease. */
    readonly maxIncrease: number;
  };
  /**
   * Lines over the window: one sample per task_id and container_name (`logLinesByContainer`), or
   * per task_id (`logLinesByTask`) when `containers` is absent.
   */
  readonly linesByTask: Measurement<readonly MetricSample[]>;
  /**
   * Lines `| json` could not parse, grouped like `linesByTask`. An empty result is zero errors
   * (Loki omits series with no lines).
   */
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
 * Lines per task (per task and container when the containers are known) over the last window and
 * over the last two windows: the window before the last is their difference. A task that shipped at least `minExpectedLines` in the window before and none
 * in the last one has stopped shipping: `failed` at once (the count over the whole 5-minute window
 * would hide it for minutes). Judged only for tasks older than three windows, so the window before
 * never holds a start-up burst (many lines at boot, then quiet, is normal); a task that logs less
 * than that is never judged by silence, so a service that logs rarely is not rolled back.
 */
export interface RecentLines {
  readonly windowMs: number;
  /** Lines per task (and container) over the last `windowMs`. */
  readonly linesByTask: Measurement<readonly MetricSample[]>;
  /** Lines per task (and container) over the last 2 x `windowMs`. */
  readonly linesByTaskTwoWindows: Measurement<readonly MetricSample[]>;
  readonly minExpectedLines: number;
}

function labelSetText(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/**
 * Every main container of every new task has at least one line under its own task_id and
 * container_name (every task, when the containers are not known), every stream of the service has
 * the required labels, and the share of lines that are not JSON stays within what the service had
 * in CloudWatch before the switch plus the plan's margin. Missing data is `pending`, never
 * `passed`; an error body is `error`; absence past a task's deadline, bad labels or JSON broken by
 * the pipeline are `failed` at once, because waiting does not fix a config. The JSON finding comes
 * before the label finding, so the cause of a broken pipeline names JSON.
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
  const containers = input.containers && input.containers.length > 0 ? input.containers : undefined;
  const perContainer = containers !== undefined;
  const units = logUnitsOf(expected, containers);

  // Lines per expected task, or per expected task and main container.
  const lineSamples = measurementData(input.linesByTask);
  const lines = lineSamples ? countsByUnit(lineSamples, perContainer) : undefined;
  const unitsWithoutLines = lines ? units.filter((u) => countOf(lines, u) < 1) : [];
  const tasksWithoutLines = tasksOfUnits(unitsWithoutLines);
  const overdueIds = new Set(overdueTasks(tasksWithoutLines, input.taskStarts, input.window.endMs));
  const overdue = unitsWithoutLines.filter((u) => overdueIds.has(u.task));
  if (overdue.length > 0 && input.taskStarts) {
    findings.add(
      'failed',
      perContainer
        ? unitsMessage(
            overdue,
            `has no lines in Loki ${formatDuration(input.taskStarts.deadlineMs)} after start`,
          )
        : overdueMessage(tasksOfUnits(overdue), 'a line in Loki', input.taskStarts.deadlineMs),
    );
  } else if (lines && unitsWithoutLines.length > 0) {
    findings.add(
      'pending',
      perContainer
        ? unitsMessage(unitsWithoutLines, 'has no lines in Loki yet')
        : `${tasksWithoutLines.length} of ${expected.length} tasks have no lines in Loki yet: ${listForMessage(tasksWithoutLines)}`,
    );
  }
  const silent = silentUnits(input, units, perContainer);
  if (silent.length > 0 && input.recent) {
    const first = silent[0]!;
    const span = formatDuration(input.recent.windowMs);
    const example = first.unit.container
      ? `container ${first.unit.container} of ${first.unit.task}`
      : first.unit.task;
    findings.add(
      'failed',
      `${silent.length} ${perContainer ? 'stream(s)' : 'task(s)'} stopped shipping logs: none in the last ${span} after ${first.before} in the ${span} before, e.g. ${example}`,
    );
  }
  const other = lineSamples ? unexpectedOf(lineSamples, expected, containers) : undefined;

  // The share of lines that are not JSON, over the new tasks' main containers only: the claim is
  // about the pipeline of the new deployment. Judged before the labels, so that its message leads.
  const errorSamples = measurementData(input.jsonErrorsByTask);
  const jsonErrors = errorSamples ? countsByUnit(errorSamples, perContainer) : undefined;
  let totalLines = 0;
  let errorLines = 0;
  let json: ReturnType<typeof judgeJsonShare> | undefined;
  if (lines && jsonErrors) {
    for (const u of units) {
      totalLines += countOf(lines, u);
      errorLines += countOf(jsonErrors, u);
    }
    json = judgeJsonShare(
      { lines: totalLines, nonJsonLines: errorLines },
      {
        baseline: input.jsonBaseline?.baseline,
        maxIncrease: input.jsonBaseline?.maxIncrease ?? 0,
        maxRatioWithoutBaseline: input.maxJsonErrorRatio,
      },
    );
    if (json.outcome === 'failed') findings.add('failed', json.message);
  }

  // Required labels on every stream. `level` is never among them (the plan refuses it): it comes
  // from parsing the line as JSON, so its absence is a JSON matter, judged above.
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

  const verdict = findings.verdict;
  const shown = expectedTasksEvidence(expected);
  const what = perContainer
    ? `containers ${containers.join(', ')} of all ${expected.length} tasks`
    : `all ${expected.length} tasks`;
  // A share not judged yet is said in a passing message only: it is no cause of anything.
  const notJudged = json?.outcome === 'not-judged' && units.length > 0 ? `; ${json.message}` : '';
  const message =
    verdict === 'passed'
      ? `${what} of ${input.service} ship labelled, parseable logs to Loki (${totalLines} lines, ${errorLines} not JSON)${notJudged}`
      : findings.message;
  const jsonErrorRatio = lines && jsonErrors && totalLines > 0 ? round(errorLines / totalLines) : null;

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
        ...(containers ? { containers: [...containers] } : {}),
        linesByTask: lines ? perTaskEvidence(shown.expectedTaskIds, containers, lines) : null,
        jsonErrorsByTask: jsonErrors ? perTaskEvidence(shown.expectedTaskIds, containers, jsonErrors) : null,
        jsonErrorRatio,
        ...(json ? { json: json.evidence } : {}),
        tasksWithoutLines: capList(tasksWithoutLines).items,
        ...(perContainer ? { streamsWithoutLines: capList(unitsWithoutLines).items } : {}),
        ...(input.taskStarts
          ? { taskAgeSeconds: taskAgesSeconds(input.taskStarts, shown.expectedTaskIds, input.window.endMs) }
          : {}),
        ...(input.recent
          ? { silentTasks: capList(silent.map((s) => ({ ...s.unit, before: s.before }))).items }
          : {}),
        otherTaskIds: capList(other?.otherTasks ?? []).items,
        ...(perContainer ? { otherContainers: capList(other?.otherContainers ?? []).items } : {}),
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
        ...(perContainer ? { linesPerContainer: '>= 1 for each of the containers, in each task' } : {}),
        ...(input.taskStarts ? { firstLineWithin: formatDuration(input.taskStarts.deadlineMs) } : {}),
        ...(input.recent
          ? {
              silence: `no ${perContainer ? 'container of a task' : 'task'} older than 3 x ${formatDuration(input.recent.windowMs)} with >= ${input.recent.minExpectedLines} lines in one ${formatDuration(input.recent.windowMs)} ships none in the next`,
            }
          : {}),
        requiredLabels: [...input.requiredLabels],
        ...(input.jsonBaseline?.baseline?.kind === 'measured'
          ? { maxJsonErrorIncrease: input.jsonBaseline.maxIncrease }
          : { maxJsonErrorRatio: input.maxJsonErrorRatio }),
      },
    },
  };
}

/** Counts per shown task: a number per task, or per task a number per container. */
function perTaskEvidence(
  tasks: readonly string[],
  containers: readonly string[] | undefined,
  counts: ReadonlyMap<string, number>,
): Record<string, number | Record<string, number>> {
  return Object.fromEntries(
    tasks.map((task) => [
      task,
      containers
        ? Object.fromEntries(containers.map((c) => [c, counts.get(unitKey(task, c)) ?? 0]))
        : (counts.get(task) ?? 0),
    ]),
  );
}

interface SilentUnit {
  readonly unit: LogUnit;
  /** Lines in the window before the last. */
  readonly before: number;
}

/** Units (tasks, or task containers) old enough, with lines in the window before the last and none in the last. */
function silentUnits(input: LogsInput, units: readonly LogUnit[], perContainer: boolean): SilentUnit[] {
  const recent = input.recent;
  const last = recent ? measurementData(recent.linesByTask) : undefined;
  const two = recent ? measurementData(recent.linesByTaskTwoWindows) : undefined;
  if (!recent || !last || !two || !input.taskStarts) return [];
  const lastCounts = countsByUnit(last, perContainer);
  const twoCounts = countsByUnit(two, perContainer);
  const ages = taskAgesSeconds(input.taskStarts, tasksOfUnits(units), input.window.endMs) ?? {};
  const out: SilentUnit[] = [];
  for (const unit of units) {
    const age = ages[unit.task];
    if (age === undefined || age * 1000 < 3 * recent.windowMs) continue;
    const inLast = countOf(lastCounts, unit);
    const before = countOf(twoCounts, unit) - inLast;
    if (inLast === 0 && before >= recent.minExpectedLines) out.push({ unit, before });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

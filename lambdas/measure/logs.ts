import { jsonErrorsByTask, latestSamples, logLinesByTask, streamLabelsSelector } from '../../core/queries';
import type { Plan } from '../../core/plan/schema';
import { assessLogs, type Assessment } from '../../core/verify';
import type { TaskStarts } from '../../core/verify/task-clock';
import { lokiClientFor } from '../adapters/loki-client';
import { measure } from '../adapters/observability';

/** A task that shipped at least this many lines in one silence window is expected to ship in the next. */
export const MIN_EXPECTED_LINES = 5;

/**
 * The span over which a silent task counts as stopped: a line must reach Loki within the plan's
 * logs deadline, and polls come every interval, so a silence of (deadline - interval) is seen by
 * a poll no later than the deadline after the last line (at least one interval). Lines per task
 * over it and over twice it are asked for, the window before the last being their difference.
 */
export function silenceWindowMs(plan: Plan): number {
  const { pollInterval } = plan.verification;
  return Math.max(pollInterval, plan.verification.logs.deadline - pollInterval);
}

/**
 * The logs check at `atMs`: lines per task, JSON parse errors and stream labels over the plan's
 * window, and lines per task over the silence window.
 */
export async function measureLogs(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly taskArns: readonly string[];
  readonly taskStarts: TaskStarts;
  readonly atMs: number;
}): Promise<Assessment> {
  const { plan, atMs } = input;
  const loki = await lokiClientFor(plan);
  const windowMs = plan.verification.logs.window;
  const scope = { cluster: plan.cluster, service: input.service };
  const linesQuery = logLinesByTask(scope, windowMs);
  const errorsQuery = jsonErrorsByTask(scope, windowMs);
  const recentMs = silenceWindowMs(plan);
  const recentQuery = logLinesByTask(scope, recentMs);
  const twoWindowsQuery = logLinesByTask(scope, 2 * recentMs);
  const selector = streamLabelsSelector(scope);
  const instant = (query: string) => measure(query, async () => latestSamples(await loki.query(query, atMs)));
  const [lines, jsonErrors, recent, twoWindows, streams] = await Promise.all([
    instant(linesQuery),
    instant(errorsQuery),
    instant(recentQuery),
    instant(twoWindowsQuery),
    measure(selector, () => loki.series([selector], atMs - windowMs, atMs)),
  ]);
  return assessLogs({
    name: 'logs',
    service: input.service,
    window: { startMs: atMs - windowMs, endMs: atMs },
    expectedTaskIds: input.taskArns,
    requiredLabels: plan.verification.logs.requiredLabels,
    maxJsonErrorRatio: plan.verification.logs.maxJsonErrorRatio,
    linesByTask: lines,
    jsonErrorsByTask: jsonErrors,
    streams,
    taskStarts: input.taskStarts,
    recent: {
      windowMs: recentMs,
      linesByTask: recent,
      linesByTaskTwoWindows: twoWindows,
      minExpectedLines: MIN_EXPECTED_LINES,
    },
  });
}

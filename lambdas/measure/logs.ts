import { jsonErrorsByTask, latestSamples, logLinesByTask, streamLabelsSelector } from '../../core/queries';
import { jsonErrorsByContainer, logLinesByContainer } from '../../core/queries/logql';
import type { Plan } from '../../core/plan/schema';
import { assessLogs, type Assessment } from '../../core/verify';
import type { JsonBaseline } from '../../core/verify/json-share';
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
 * The logs check at `atMs`: lines per task and container (per task when the containers are not
 * known), JSON parse errors and stream labels over the plan's window, and lines over the silence
 * window; the JSON share is judged against the CloudWatch baseline Register measured.
 */
export async function measureLogs(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly taskArns: readonly string[];
  readonly taskStarts: TaskStarts;
  readonly atMs: number;
  /** `$.register.logContainers`: the containers whose logs Alloy collects. */
  readonly logContainers?: readonly string[] | undefined;
  /** `$.register.baseline.logs`. */
  readonly jsonBaseline?: JsonBaseline | undefined;
}): Promise<Assessment> {
  const { plan, atMs } = input;
  const loki = await lokiClientFor(plan);
  const windowMs = plan.verification.logs.window;
  const scope = { cluster: plan.cluster, service: input.service };
  const perContainer = (input.logContainers?.length ?? 0) > 0;
  const lines = perContainer ? logLinesByContainer : logLinesByTask;
  const linesQuery = lines(scope, windowMs);
  const errorsQuery = (perContainer ? jsonErrorsByContainer : jsonErrorsByTask)(scope, windowMs);
  const recentMs = silenceWindowMs(plan);
  const recentQuery = lines(scope, recentMs);
  const twoWindowsQuery = lines(scope, 2 * recentMs);
  const selector = streamLabelsSelector(scope);
  const instant = (query: string) => measure(query, async () => latestSamples(await loki.query(query, atMs)));
  const [lineCounts, jsonErrors, recent, twoWindows, streams] = await Promise.all([
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
    containers: input.logContainers,
    maxJsonErrorRatio: plan.verification.logs.maxJsonErrorRatio,
    jsonBaseline: { baseline: input.jsonBaseline, maxIncrease: plan.verification.logs.maxJsonErrorIncrease },
    linesByTask: lineCounts,
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

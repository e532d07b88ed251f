import type { Plan } from '../../core/plan/schema';
import { alloySelfMetrics, latestSamples } from '../../core/queries';
import { ALLOY_CONTAINER } from '../../core/taskdef/names';
import { assessAlloyHealth, type Assessment, type SidecarState } from '../../core/verify';
import type { TaskStarts } from '../../core/verify/task-clock';
import type { RunningTask } from '../adapters/ecs';
import { ampClientFor, measure } from '../adapters/observability';

/**
 * The Alloy sidecar's container of each task, as DescribeTasks showed it (by task ARN); a task
 * without a container of that name (not on Alloy, or described without containers) is left out.
 */
export function alloySidecarStates(
  tasks: readonly RunningTask[],
  containerName: string = ALLOY_CONTAINER,
): Record<string, SidecarState> {
  return Object.fromEntries(
    tasks.flatMap((t) => {
      const c = t.containers?.find((x) => x.name === containerName);
      return c ? [[t.taskArn, c]] : [];
    }),
  );
}

/**
 * Alloy's own health in the given running tasks of a service, at `atMs`: its self-metrics in AMP
 * (one instant query) judged with the sidecar containers' ECS state. Read-only, so an audit of a
 * service migrated long ago can call it as Verify does after an update.
 */
export async function measureAlloyHealth(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly taskArns: readonly string[];
  /** Task starts, and the deadline past which a task without self-metrics fails (the metrics deadline). */
  readonly taskStarts: TaskStarts;
  readonly atMs: number;
  /** The Alloy container of each task (alloySidecarStates); absent: judged on its metrics alone. */
  readonly sidecars?: Readonly<Record<string, SidecarState>>;
  /**
   * Tasks that ran long before (a verify run): judge counters by their increase since this time,
   * and restarts inside [sinceMs, atMs] only. The same query is read at both ends.
   */
  readonly sinceMs?: number;
}): Promise<Assessment> {
  const amp = ampClientFor(input.plan);
  const query = alloySelfMetrics(input.service);
  const at = (ms: number) => measure(query, async () => latestSamples(await amp.query(query, ms)));
  const sinceMs = input.sinceMs;
  const [selfMetrics, before] = await Promise.all([
    at(input.atMs),
    sinceMs === undefined ? undefined : at(sinceMs),
  ]);
  return assessAlloyHealth({
    ...(sinceMs !== undefined && before ? { since: { atMs: sinceMs, selfMetrics: before } } : {}),
    service: input.service,
    evaluatedAtMs: input.atMs,
    expectedTaskIds: input.taskArns,
    selfMetrics,
    taskStarts: input.taskStarts,
    ...(input.sidecars ? { sidecars: input.sidecars } : {}),
  });
}

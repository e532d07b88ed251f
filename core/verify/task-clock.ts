import { formatDuration } from '../plan/duration';
import { listForMessage, taskIdOf } from './evidence';

/**
 * When each task of the new deployment started running, so absence is judged per task: seed 003's
 * Property 1 ("every line reaches Loki within 30 s") holds from each task's own start, not from
 * the end of the deployment. Keys are task ids or ARNs.
 */
export interface TaskStarts {
  readonly startedAtMs: Readonly<Record<string, number>>;
  /** How long a task may run before missing evidence counts as absent (the check's deadline). */
  readonly deadlineMs: number;
}

/** Start times by task id (the plan's keys may be ids or ARNs). */
function startsById(starts: TaskStarts): Map<string, number> {
  return new Map(Object.entries(starts.startedAtMs).map(([k, v]) => [taskIdOf(k), v]));
}

/** The tasks among `missing` that have been running for longer than the deadline at `atMs`. */
export function overdueTasks(
  missing: readonly string[],
  starts: TaskStarts | undefined,
  atMs: number,
): string[] {
  if (!starts) return [];
  const byId = startsById(starts);
  return missing.filter((id) => {
    const startedAtMs = byId.get(taskIdOf(id));
    return startedAtMs !== undefined && atMs - startedAtMs >= starts.deadlineMs;
  });
}

/** "1 task(s) running for 30s or more without a line in Loki: a". */
export function overdueMessage(overdue: readonly string[], what: string, deadlineMs: number): string {
  return `${overdue.length} task(s) running for ${formatDuration(deadlineMs)} or more without ${what}: ${listForMessage(overdue)}`;
}

/** Seconds each task had been running at `atMs`, for the evidence. */
export function taskAgesSeconds(
  starts: TaskStarts | undefined,
  ids: readonly string[],
  atMs: number,
): Record<string, number> | null {
  if (!starts) return null;
  const byId = startsById(starts);
  return Object.fromEntries(
    ids.flatMap((id) => {
      const at = byId.get(taskIdOf(id));
      return at === undefined ? [] : [[id, Math.round((atMs - at) / 1000)]];
    }),
  );
}

/** The earliest deadline among `missing` tasks that is still ahead of `atMs` (epoch ms), if any. */
export function nextAbsenceDeadline(
  missing: readonly string[],
  starts: TaskStarts | undefined,
  atMs: number,
): number | undefined {
  if (!starts) return undefined;
  const byId = startsById(starts);
  const ahead = missing
    .map((id) => byId.get(taskIdOf(id)))
    .filter((at): at is number => at !== undefined)
    .map((at) => at + starts.deadlineMs)
    .filter((deadline) => deadline >= atMs);
  return ahead.length > 0 ? Math.min(...ahead) : undefined;
}

/** `{ nextDeadlineMs }` for an Assessment, when a missing task's deadline is still ahead. */
export function nextDeadlineField(
  missing: readonly string[],
  starts: TaskStarts | undefined,
  atMs: number,
): { nextDeadlineMs?: number } {
  const at = nextAbsenceDeadline(missing, starts, atMs);
  return at === undefined ? {} : { nextDeadlineMs: at };
}

import { LABELS } from '../queries/labels';
import type { MetricSample } from '../queries/results';
import { listForMessage } from './evidence';

/**
 * What the logs check requires lines from: each main container of each new task when the
 * containers Alloy collects are known (a helper's lines then no longer stand for the
 * application's), else each task as a whole.
 */
export interface LogUnit {
  readonly task: string;
  /** Absent when the check runs per task (no container list was given). */
  readonly container?: string;
}

const SEP = '\u0000';

export function unitKey(task: string, container: string | undefined): string {
  return container === undefined ? task : `${task}${SEP}${container}`;
}

/** Every (task, container) pair, or every task when `containers` is undefined. */
export function logUnitsOf(tasks: readonly string[], containers: readonly string[] | undefined): LogUnit[] {
  if (!containers) return tasks.map((task) => ({ task }));
  return tasks.flatMap((task) => containers.map((container) => ({ task, container })));
}

/**
 * Sums samples per unit: by task_id and container_name when `perContainer`, else by task_id
 * alone (a per-container answer summed over its containers).
 */
export function countsByUnit(samples: readonly MetricSample[], perContainer: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    if (!Number.isFinite(sample.value)) continue;
    const task = sample.labels[LABELS.task] ?? '';
    const key = unitKey(task, perContainer ? (sample.labels[LABELS.container] ?? '') : undefined);
    counts.set(key, (counts.get(key) ?? 0) + sample.value);
  }
  return counts;
}

/** The value a unit has in a count map (0 when absent: Loki omits series without lines). */
export function countOf(counts: ReadonlyMap<string, number>, unit: LogUnit): number {
  return counts.get(unitKey(unit.task, unit.container)) ?? 0;
}

/** The distinct tasks among units, in order. */
export function tasksOfUnits(units: readonly LogUnit[]): string[] {
  return [...new Set(units.map((u) => u.task))];
}

/**
 * Units grouped for a message: per container, "container temporal-history of 2 task(s) <what>:
 * a, b"; per task, "2 task(s) <what>: a, b". Groups are joined with "; ".
 */
export function unitsMessage(units: readonly LogUnit[], what: string): string {
  const byContainer = new Map<string | undefined, string[]>();
  for (const u of units) byContainer.set(u.container, [...(byContainer.get(u.container) ?? []), u.task]);
  return [...byContainer.entries()]
    .map(([container, tasks]) =>
      container === undefined
        ? `${tasks.length} task(s) ${what}: ${listForMessage(tasks)}`
        : `container ${container} of ${tasks.length} task(s) ${what}: ${listForMessage(tasks)}`,
    )
    .join('; ');
}

/** Distinct `task_id`/`container_name` values in samples outside the expected ones, for the evidence. */
export function unexpectedOf(
  samples: readonly MetricSample[],
  tasks: readonly string[],
  containers: readonly string[] | undefined,
): { otherTasks: string[]; otherContainers: string[] } {
  const otherTasks = new Set<string>();
  const otherContainers = new Set<string>();
  for (const s of samples) {
    const task = s.labels[LABELS.task] ?? '';
    if (!tasks.includes(task)) otherTasks.add(task);
    else if (containers) {
      const c = s.labels[LABELS.container] ?? '';
      if (!containers.includes(c)) otherContainers.add(c);
    }
  }
  return { otherTasks: [...otherTasks], otherContainers: [...otherContainers] };
}

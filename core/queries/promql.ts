import { InputInvalidError } from '../errors';
import { quoteString, rangeOf, selector } from './escape';
import { LABELS } from './labels';

/** How many series the service exports now: the continuity check compares it with the baseline. */
export function seriesCountForService(service: string): string {
  return `count(${selector({ [LABELS.service]: service })})`;
}

/** `up` of every scrape target of the service; each sample carries its task's `task_id`. */
export function upByTask(service: string): string {
  return `up${selector({ [LABELS.service]: service })}`;
}

/** Task ids in a regex matcher: ECS ids are hex, but any regex character is escaped all the same. */
function taskIdAlternation(taskIds: readonly string[]): string {
  if (taskIds.length === 0) throw new InputInvalidError('expected at least one task id for a task matcher');
  return taskIds.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * The series API selector of a service's series (`{service_name="x"}`), or of the given tasks'
 * series only: after the switch the names must come from the new tasks, not the old ones' leftovers.
 */
export function serviceSeriesSelector(service: string, taskIds?: readonly string[]): string {
  const base = selector({ [LABELS.service]: service });
  if (taskIds === undefined) return base;
  return `${base.slice(0, -1)},${LABELS.task}=~${quoteString(taskIdAlternation(taskIds))}}`;
}

/**
 * The raw `up` samples of each scrape target of the service over the window (a range selector
 * asked as an instant query answers with every sample and its timestamp): the scrape cadence is
 * read from their spacing.
 */
export function upSamplesOverWindow(service: string, windowMs: number, taskIds?: readonly string[]): string {
  return `up${serviceSeriesSelector(service, taskIds)}${rangeOf(windowMs)}`;
}

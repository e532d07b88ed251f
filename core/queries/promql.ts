import { ALLOY_SELF_JOB } from '../alloy/render/names';
import { InputInvalidError } from '../errors';
import { quoteString, rangeOf, selector } from './escape';
import { LABELS } from './labels';

/**
 * The service's application series: every series with its service_name except Alloy's own
 * (prometheus.exporter.self, job ALLOY_SELF_JOB), which the sidecar exports with the same labels.
 * Without the exclusion a task whose application is not scraped at all would still show an `up`
 * of 1 (the self scrape) and a series count made of Alloy's metrics.
 */
function applicationSelector(service: string): string {
  return `${selector({ [LABELS.service]: service }).slice(0, -1)},job!=${quoteString(ALLOY_SELF_JOB)}}`;
}

/** How many series the service exports now: the continuity check compares it with the baseline. */
export function seriesCountForService(service: string): string {
  return `count(${applicationSelector(service)})`;
}

/** `up` of every scrape target of the service; each sample carries its task's `task_id`. */
export function upByTask(service: string): string {
  return `up${applicationSelector(service)}`;
}

/** Task ids in a regex matcher: ECS ids are hex, but any regex character is escaped all the same. */
function taskIdAlternation(taskIds: readonly string[]): string {
  if (taskIds.length === 0) throw new InputInvalidError('expected at least one task id for a task matcher');
  return taskIds.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * The series API selector of a service's series (`{service_name="x",job!="integrations/self"}`), or of the given tasks'
 * series only: after the switch the names must come from the new tasks, not the old ones' leftovers.
 */
export function serviceSeriesSelector(service: string, taskIds?: readonly string[]): string {
  const base = applicationSelector(service);
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

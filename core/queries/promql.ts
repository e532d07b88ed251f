import { selector } from './escape';
import { LABELS } from './labels';

/** How many series the service exports now: the continuity check compares it with the baseline. */
export function seriesCountForService(service: string): string {
  return `count(${selector({ [LABELS.service]: service })})`;
}

/** `up` of every scrape target of the service; each sample carries its task's `task_id`. */
export function upByTask(service: string): string {
  return `up${selector({ [LABELS.service]: service })}`;
}

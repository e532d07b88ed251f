import type { Measurement, TimeWindow } from './types';
import type { Verdict } from '../report/types';

/** Lists in evidence are capped: the report travels through Step Functions (256 KiB per payload). */
export const EVIDENCE_LIST_LIMIT = 20;

export function capList<T>(items: readonly T[]): { items: T[]; more: number } {
  return {
    items: items.slice(0, EVIDENCE_LIST_LIMIT),
    more: Math.max(0, items.length - EVIDENCE_LIST_LIMIT),
  };
}

/** `a, b, c (+4 more)` for messages. */
export function listForMessage(items: readonly string[]): string {
  const { items: shown, more } = capList(items);
  return shown.join(', ') + (more > 0 ? ` (+${more} more)` : '');
}

export function isoWindow(window: TimeWindow): { start: string; end: string } {
  return { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() };
}

export function measurementError<T>(measurement: Measurement<T>): string | undefined {
  return 'error' in measurement ? measurement.error : undefined;
}

export function measurementData<T>(measurement: Measurement<T>): T | undefined {
  return 'data' in measurement ? measurement.data : undefined;
}

/** failed (the evidence is bad) outranks error (could not measure), which outranks pending. */
const RANK: Record<Verdict, number> = { skipped: 0, passed: 0, pending: 1, error: 2, failed: 3 };

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (RANK[v] > RANK[worst] ? v : worst), 'passed');
}

/**
 * ECS task ids are the last segment of the task ARN; the Alloy config labels streams and series
 * with the id, while ECS APIs hand out ARNs. Accept either.
 */
export function taskIdOf(taskArnOrId: string): string {
  const slash = taskArnOrId.lastIndexOf('/');
  return slash >= 0 ? taskArnOrId.slice(slash + 1) : taskArnOrId;
}

import type { Conclusion } from './outcome';

/**
 * Backoff between starts while another execution holds the cluster lock (wait-for-lock). A
 * rollout holds the lock for minutes to hours: the first retry comes soon (a rollout that was
 * about to end), later ones every few minutes, which keeps the requests per hour small.
 */
export const LOCK_WAIT_BACKOFF = { firstMs: 30_000, factor: 2, maxMs: 5 * 60_000 } as const;

/**
 * The execution was refused because the cluster lock is not free (the Lock step's refusal: its
 * cause's check is "lock"), as opposed to a refusal that waiting cannot cure (a bad plan, Fargate).
 */
export function refusedByLock(conclusion: Pick<Conclusion, 'status' | 'cause'>): boolean {
  return conclusion.status === 'REFUSED' && conclusion.cause?.check === 'lock';
}

/**
 * How long to wait before start number `round` + 1, or undefined when `until` has passed. The
 * last wait is cut to end at `until`, so one more start is made right at the limit.
 */
export function nextLockWaitMs(round: number, nowMs: number, untilMs: number): number | undefined {
  const remaining = untilMs - nowMs;
  if (remaining <= 0) return undefined;
  const backoff = Math.min(
    LOCK_WAIT_BACKOFF.maxMs,
    LOCK_WAIT_BACKOFF.firstMs * LOCK_WAIT_BACKOFF.factor ** round,
  );
  return Math.min(remaining, backoff);
}

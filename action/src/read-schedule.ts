/**
 * When to read an execution's history next. The promise kept: a step line is printed at most
 * `pollIntervalMs` plus one sweep (the requests of that read and pacing, well under a second)
 * after the event behind it. Reads are skipped only over time in which the execution provably
 * cannot record an event: the rest of a Wait state, or a parent blocked on a child that is still
 * running (whose own end is followed).
 */
export interface ScheduleOptions {
  /** Longest gap between two reads of an execution that may change at any moment. */
  readonly pollIntervalMs: number;
  /**
   * Longest gap between two reads of any running execution, quiet or not. Only a stop from outside
   * (StopExecution, an execution timeout) can end a quiet stretch early; it prints no step line,
   * and this bounds how late the follower notices it.
   */
  readonly recheckMs: number;
  /** Slack for the service recording an event a little after its timestamp, and for rounding. */
  readonly toleranceMs: number;
}

export const DEFAULT_SCHEDULE: ScheduleOptions = {
  pollIntervalMs: 4000,
  recheckMs: 60_000,
  toleranceMs: 1000,
};

/**
 * A lower bound, on the follower's clock, of when the service stamped an event. Clocks are never
 * compared directly (a runner's clock may be off, and the sandbox's benchmark runs the follower's
 * clock faster than the service's): an event first returned by a read was not there when the read
 * before it was sent, so it happened after that send. Later events are later by at least the
 * difference of their timestamps, as long as the follower's clock runs no slower than the
 * service's; so this holds for an execution's newest event, whose timestamp is the largest yet.
 */
export class ServiceClockBound {
  private offset = -Infinity;

  /** An event stamped `stampedAt` (service ms) happened after `notBefore` (follower ms). */
  observe(stampedAt: number, notBefore: number): void {
    this.offset = Math.max(this.offset, notBefore - stampedAt);
  }

  /** The earliest follower time of an event stamped at or after every event observed so far. */
  earliest(stampedAt: number): number | undefined {
    return Number.isFinite(this.offset) ? stampedAt + this.offset : undefined;
  }
}

/** What is known about when an execution can next record an event. */
export type Quiet =
  | { readonly kind: 'none' }
  /** Nothing can happen before `until` (follower ms): the rest of a Wait, or a task timeout. */
  | { readonly kind: 'until'; readonly until: number }
  /** Blocked until a followed child ends; its end brings the parent back to `none`. */
  | { readonly kind: 'blocked'; readonly until?: number };

/**
 * The follower time to read an execution again, given when its latest read went out. An event
 * can happen right after the read (or right after a quiet stretch ends), so the next read comes
 * one poll interval after the later of the two.
 */
export function nextReadAt(readAt: number, quiet: Quiet, options: ScheduleOptions): number {
  const recheck = readAt + options.recheckMs;
  if (quiet.kind === 'none') return readAt + options.pollIntervalMs;
  const quietEnd =
    quiet.until === undefined ? Infinity : Math.max(readAt, quiet.until) + options.pollIntervalMs;
  return Math.min(recheck, quietEnd);
}

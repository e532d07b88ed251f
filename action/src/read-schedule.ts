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
  /** Slack for an event becoming readable a little after it happened, and for rounding. */
  readonly toleranceMs: number;
  /** Added to the busy span learned after a Wait before the first read after it. */
  readonly busyMarginMs: number;
}

export const DEFAULT_SCHEDULE: ScheduleOptions = {
  pollIntervalMs: 4000,
  recheckMs: 60_000,
  toleranceMs: 500,
  busyMarginMs: 1000,
};

/**
 * Lower bounds, on the follower's clock, of when an execution's events happened, placed event by
 * event in history order. The follower's clock is never compared with the service's timestamps
 * (a runner's clock may be off by seconds, either way), so a bound comes from:
 * - causality: an event first returned by a read was not there when the read before it was sent;
 * - order: an event is no earlier than the one before it, plus the difference of their timestamps
 *   (true while the follower's clock runs no slower than the service's, as real clocks do);
 * - a Wait: the event after a Wait's entry comes no earlier than the Wait's length after it.
 */
export class EventTimeBound {
  private last: { readonly stampedAt: number; readonly earliest: number } | undefined;
  private floor: number | undefined;

  /** Places the next event of the history; `notBefore` = when the read before this one was sent. */
  place(stampedAt: number | undefined, notBefore: number | undefined): number | undefined {
    const bounds = [
      notBefore,
      this.floor,
      this.last && stampedAt !== undefined
        ? this.last.earliest + Math.max(0, stampedAt - this.last.stampedAt)
        : undefined,
    ].filter((b): b is number => b !== undefined);
    this.floor = undefined;
    const earliest = bounds.length > 0 ? Math.max(...bounds) : undefined;
    if (earliest !== undefined && stampedAt !== undefined) this.last = { stampedAt, earliest };
    return earliest;
  }

  /** The next event cannot come before `at` (the end of the Wait the latest event entered). */
  nextNotBefore(at: number): void {
    this.floor = at;
  }
}

/**
 * How long, after each Wait state ends, an execution stays busy before it is quiet again (the
 * Lambda that polls, the Choice, the next Wait's entry), learned from the history's own stamps
 * and shared by the executions that run the same states. Reading that long after a Wait ends
 * usually finds the whole step in one read, and prints it sooner than a full poll interval would.
 */
export class BusySpans {
  private readonly spans = new Map<string, number[]>();

  constructor(private readonly keep = 3) {}

  record(waitState: string, ms: number): void {
    if (!(ms >= 0)) return;
    const recent = [...(this.spans.get(waitState) ?? []), ms].slice(-this.keep);
    this.spans.set(waitState, recent);
  }

  /** The longest recent busy span after this Wait, or nothing when it was never seen to end. */
  after(waitState: string): number | undefined {
    const recent = this.spans.get(waitState);
    return recent && recent.length > 0 ? Math.max(...recent) : undefined;
  }
}

/** What is known about when an execution can next record an event. */
export type Quiet =
  | { readonly kind: 'none' }
  /**
   * Nothing can happen before `until` (follower ms): the rest of a Wait, or a task timeout. The
   * first read after it comes `lead` later (at most one poll interval: a step is printed no later).
   */
  | { readonly kind: 'until'; readonly until: number; readonly lead?: number }
  /** Blocked until a followed child ends; its end brings the parent back to `none`. */
  | { readonly kind: 'blocked'; readonly until?: number };

/**
 * The follower time to read an execution again, given when its latest read went out. An event
 * can happen right after the read (or right after a quiet stretch ends), so the next read comes
 * one poll interval after the later of the two.
 */
export function nextReadAt(readAt: number, quiet: Quiet, options: ScheduleOptions): number {
  const recheck = readAt + options.recheckMs;
  const poll = options.pollIntervalMs;
  if (quiet.kind === 'none') return readAt + poll;
  if (quiet.until === undefined) return recheck;
  if (quiet.until <= readAt) return Math.min(recheck, readAt + poll);
  const lead = quiet.kind === 'until' && quiet.lead !== undefined ? Math.min(poll, quiet.lead) : poll;
  return Math.min(recheck, quiet.until + lead);
}

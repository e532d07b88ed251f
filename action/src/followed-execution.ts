import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { HistoryInterpreter } from './history-events';
import { HistoryReader } from './history-reader';
import type { RequestPacer } from './pacer';
import { QuietTracker } from './quiet';
import {
  EventTimeBound,
  nextReadAt,
  type BusySpans,
  type Quiet,
  type ScheduleOptions,
} from './read-schedule';
import { waitSecondsAtLeast } from './wait-length';

const NONE: Quiet = { kind: 'none' };

/** One execution being followed: its history so far, what it is doing, and when to read it next. */
export class FollowedExecution {
  readonly reader: HistoryReader;
  readonly interpreter: HistoryInterpreter;
  private readonly tracker: QuietTracker;
  private readonly bound = new EventTimeBound();
  /** End of the Wait the execution is in (follower ms), when its length and start could be bounded. */
  private waitEndsAfter: number | undefined;
  /** Earliest follower time of the `startExecution.sync` task the execution is blocked in. */
  private scheduledAt: number | undefined;
  /** The Wait that ended last and when (service stamp), until the next Wait is entered. */
  private exited: { readonly state: string; readonly stampedAt: number } | undefined;
  ended = false;
  /** Follower time of the next read; a new execution is read at once. */
  nextReadAt = -Infinity;

  constructor(
    deps: { readonly sfn: Pick<SFNClient, 'send'>; readonly pacer: RequestPacer },
    readonly executionArn: string,
  ) {
    this.reader = new HistoryReader(deps.sfn, executionArn, deps.pacer);
    this.interpreter = new HistoryInterpreter(executionArn);
    this.tracker = new QuietTracker(executionArn);
  }

  async read(busy: BusySpans, toleranceMs: number): Promise<HistoryEvent[]> {
    const events = await this.reader.readNew();
    const before = this.reader.previousReadAt;
    const notBefore = before === undefined ? undefined : before - toleranceMs;
    for (const event of events) {
      const stampedAt = event.timestamp?.getTime();
      const earliest = this.bound.place(stampedAt, notBefore);
      this.tracker.observe(event);
      this.learnBusySpan(event, stampedAt, busy);
      const hint = this.tracker.current;
      if (event.type === 'TaskScheduled') this.scheduledAt = earliest;
      this.waitEndsAfter = undefined;
      if (hint?.kind !== 'wait' || earliest === undefined) continue;
      const seconds = waitSecondsAtLeast(hint.input);
      if (seconds === undefined) continue;
      this.waitEndsAfter = earliest + seconds * 1000;
      this.bound.nextNotBefore(this.waitEndsAfter);
    }
    return events;
  }

  /** Sets `nextReadAt` from the latest read and what the newest event says. */
  schedule(isRunning: (executionArn: string) => boolean, busy: BusySpans, options: ScheduleOptions): void {
    const readAt = this.reader.readAt;
    this.nextReadAt =
      readAt === undefined ? -Infinity : nextReadAt(readAt, this.quiet(isRunning, busy, options), options);
  }

  private learnBusySpan(event: HistoryEvent, stampedAt: number | undefined, busy: BusySpans): void {
    if (stampedAt === undefined) return;
    if (event.type === 'WaitStateExited') {
      const state = event.stateExitedEventDetails?.name;
      this.exited = state === undefined ? undefined : { state, stampedAt };
    } else if (event.type === 'WaitStateEntered' && this.exited) {
      busy.record(this.exited.state, stampedAt - this.exited.stampedAt);
      this.exited = undefined;
    }
  }

  private quiet(
    isRunning: (executionArn: string) => boolean,
    busy: BusySpans,
    options: ScheduleOptions,
  ): Quiet {
    const hint = this.tracker.current;
    if (hint?.kind === 'wait') {
      if (this.waitEndsAfter === undefined) return NONE;
      const span = busy.after(hint.state);
      return {
        kind: 'until',
        until: this.waitEndsAfter,
        ...(span !== undefined ? { lead: span + options.busyMarginMs } : {}),
      };
    }
    if (hint?.kind !== 'child' || !isRunning(hint.executionArn)) return NONE;
    if (hint.timeoutSeconds === undefined) return { kind: 'blocked' };
    // The task may time out before its child ends: quiet only until the earliest that can happen.
    return this.scheduledAt === undefined
      ? NONE
      : { kind: 'blocked', until: this.scheduledAt + hint.timeoutSeconds * 1000 };
  }
}

import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { HistoryInterpreter } from './history-events';
import { HistoryReader } from './history-reader';
import type { RequestPacer } from './pacer';
import { QuietTracker } from './quiet';
import { nextReadAt, ServiceClockBound, type Quiet, type ScheduleOptions } from './read-schedule';
import type { WaitLengths } from './wait-length';

const NONE: Quiet = { kind: 'none' };

/** One execution being followed: its history so far, what it is doing, and when to read it next. */
export class FollowedExecution {
  readonly reader: HistoryReader;
  readonly interpreter: HistoryInterpreter;
  private readonly tracker: QuietTracker;
  private readonly bound = new ServiceClockBound();
  /** End of the Wait the execution is in (follower ms), when its length and start could be bounded. */
  private waitEndsAfter: number | undefined;
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

  async read(waits: WaitLengths, toleranceMs: number): Promise<HistoryEvent[]> {
    const events = await this.reader.readNew();
    const before = this.reader.previousReadAt;
    // The oldest new event bounds the service clock best: it is the one that came right after that read.
    const oldest = events[0]?.timestamp;
    if (before !== undefined && oldest) this.bound.observe(oldest.getTime(), before - toleranceMs);
    for (const event of events) this.tracker.observe(event);
    if (events.length > 0) this.waitEndsAfter = await this.waitEnd(waits);
    return events;
  }

  /** Sets `nextReadAt` from the latest read and what the newest event says. */
  schedule(isRunning: (executionArn: string) => boolean, options: ScheduleOptions): void {
    const readAt = this.reader.readAt;
    this.nextReadAt = readAt === undefined ? -Infinity : nextReadAt(readAt, this.quiet(isRunning), options);
  }

  private quiet(isRunning: (executionArn: string) => boolean): Quiet {
    const hint = this.tracker.current;
    if (hint?.kind === 'wait')
      return this.waitEndsAfter === undefined ? NONE : { kind: 'until', until: this.waitEndsAfter };
    if (hint?.kind !== 'child' || !isRunning(hint.executionArn)) return NONE;
    if (hint.timeoutSeconds === undefined) return { kind: 'blocked' };
    // The task may time out before its child ends: quiet only until the earliest that can happen.
    const scheduled = hint.scheduledAt === undefined ? undefined : this.bound.earliest(hint.scheduledAt);
    return scheduled === undefined
      ? NONE
      : { kind: 'blocked', until: scheduled + hint.timeoutSeconds * 1000 };
  }

  private async waitEnd(waits: WaitLengths): Promise<number | undefined> {
    const hint = this.tracker.current;
    if (hint?.kind !== 'wait') return undefined;
    const entered = this.bound.earliest(hint.enteredAt);
    if (entered === undefined) return undefined;
    const seconds = await waits.seconds(this.executionArn, hint.state, hint.input);
    return seconds === undefined ? undefined : entered + seconds * 1000;
  }
}

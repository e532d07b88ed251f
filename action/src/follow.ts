import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Report } from '../../core/report/types';
import { FollowedExecution } from './followed-execution';
import type { ExecutionEnd, HistoryUpdate } from './history-events';
import type { Clock, RequestPacer } from './pacer';
import { ProgressPrinter } from './progress-printer';
import { BusySpans, DEFAULT_SCHEDULE, type ScheduleOptions } from './read-schedule';
import type { ActionIO } from './types';

/**
 * A step line trails its event by at most this plus one sweep (pacing and the requests of one
 * read, under a second): within 5 s.
 */
export const DEFAULT_POLL_INTERVAL_MS = DEFAULT_SCHEDULE.pollIntervalMs;

export interface FollowOptions {
  /** Longest gap between two reads of an execution that may change at any moment. */
  readonly pollIntervalMs: number;
  /** Longest gap between two reads of a running execution, however quiet. */
  readonly recheckMs?: number;
  /** Stop following (not the execution) at this time (clock ms). */
  readonly deadline?: number;
}

export interface FollowOutcome {
  /** How the execution ended; absent when following stopped at the deadline. */
  readonly end?: ExecutionEnd;
  /** The full report, from the Finalize state's output. */
  readonly report?: Report;
  /** Why following stopped early (the execution's history could not be read any more). */
  readonly lost?: Error;
  readonly childExecutions: readonly string[];
}

export interface FollowDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly io: ActionIO;
  readonly clock: Clock;
  readonly pacer: RequestPacer;
  /** Called as each step line is printed, with the time (ms) of the event it reports. */
  readonly onStepPrinted?: (eventAt: number) => void;
}

interface Printable {
  readonly at: number;
  readonly order: number;
  readonly item: FollowedExecution;
  readonly update: HistoryUpdate;
}

/**
 * Follows an execution and the per-service child executions it starts, printing each step as it
 * happens, until the execution ends or the deadline passes. Each execution is read on its own
 * schedule (read-schedule.ts): every few seconds while it may change, not at all while it
 * provably cannot (the rest of a Wait; a parent blocked on its running child).
 */
export async function followExecution(
  deps: FollowDeps,
  executionArn: string,
  options: FollowOptions,
): Promise<FollowOutcome> {
  const schedule: ScheduleOptions = {
    ...DEFAULT_SCHEDULE,
    pollIntervalMs: options.pollIntervalMs,
    ...(options.recheckMs !== undefined ? { recheckMs: options.recheckMs } : {}),
  };
  const printer = new ProgressPrinter(deps.io);
  const busy = new BusySpans();
  const parent = new FollowedExecution(deps, executionArn);
  const followed: FollowedExecution[] = [parent];
  const isRunning = (arn: string) => followed.some((f) => f.executionArn === arn && !f.ended);
  let end: ExecutionEnd | undefined;
  let report: Report | undefined;

  const apply = ({ item, update, at }: Printable) => {
    if (update.kind === 'progress') {
      if (printer.progress(update.progress)) deps.onStepPrinted?.(at);
    } else if (update.kind === 'task-failed') {
      printer.taskFailed(update.state, update.error, update.cause);
      deps.onStepPrinted?.(at);
    } else if (update.kind === 'report') report = update.report;
    else if (update.kind === 'end' && item === parent) end = update.end;
  };

  const readOne = async (item: FollowedExecution, printable: Printable[]) => {
    let events;
    try {
      events = await item.read(busy, schedule.toleranceMs);
    } catch (error) {
      if (item === parent) throw error;
      // A child that cannot be read is not worth losing the rollout over: the report still has it.
      item.ended = true;
      deps.io.warning(
        `Cannot read ${item.executionArn}: ${(error as Error).message}; its steps will only show in the report.`,
      );
      return;
    }
    for (const event of events) {
      for (const update of item.interpreter.interpret([event])) {
        if (update.kind === 'child') {
          if (!followed.some((f) => f.executionArn === update.executionArn))
            followed.push(new FollowedExecution(deps, update.executionArn));
          continue;
        }
        if (update.kind === 'end') item.ended = true;
        printable.push({ at: event.timestamp?.getTime() ?? 0, order: printable.length, item, update });
      }
    }
  };

  /** Reads every execution that is due (all of them with `everyone`), then prints what they did. */
  const sweep = async (everyone: boolean) => {
    const printable: Printable[] = [];
    const read = new Set<FollowedExecution>();
    for (;;) {
      const now = deps.clock.now();
      const item = followed.find((f) => !f.ended && !read.has(f) && (everyone || f.nextReadAt <= now));
      if (!item) break;
      read.add(item);
      await readOne(item, printable);
      // A child that appeared is due at once; one that ended brings its parent back to polling.
      for (const f of followed) if (!f.ended) f.schedule(isRunning, busy, schedule);
    }
    // Parent and children were read one after another: print what they did in the order it happened.
    printable.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const item of printable) apply(item);
  };

  let lost: Error | undefined;
  try {
    for (;;) {
      await sweep(false);
      if (end) {
        // The parent ends after its children; one more sweep prints what they said last.
        if (followed.some((f) => !f.ended)) await sweep(true);
        break;
      }
      const now = deps.clock.now();
      if (options.deadline !== undefined && now >= options.deadline) break;
      const due = Math.min(...followed.filter((f) => !f.ended).map((f) => f.nextReadAt));
      if (due === Infinity) break;
      const wait = Math.min(due, options.deadline ?? Infinity) - now;
      if (wait > 0) await deps.clock.sleep(wait);
    }
  } catch (error) {
    lost = error as Error;
  } finally {
    printer.close();
  }
  return {
    ...(end ? { end } : {}),
    ...(report ? { report } : {}),
    ...(lost ? { lost } : {}),
    childExecutions: followed.slice(1).map((f) => f.executionArn),
  };
}

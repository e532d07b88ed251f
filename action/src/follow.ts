import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Report } from '../../core/report/types';
import { HistoryInterpreter, type ExecutionEnd, type HistoryUpdate } from './history-events';
import { HistoryReader } from './history-reader';
import type { Clock, RequestPacer } from './pacer';
import { ProgressPrinter } from './progress-printer';
import type { ActionIO } from './types';

export const DEFAULT_POLL_INTERVAL_MS = 5000;

export interface FollowOptions {
  readonly pollIntervalMs: number;
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

interface Followed {
  readonly reader: HistoryReader;
  readonly interpreter: HistoryInterpreter;
  ended: boolean;
}

/**
 * Follows an execution and the per-service child executions it starts, printing each step as it
 * happens, until the execution ends or the deadline passes.
 */
export async function followExecution(
  deps: {
    readonly sfn: Pick<SFNClient, 'send'>;
    readonly io: ActionIO;
    readonly clock: Clock;
    readonly pacer: RequestPacer;
  },
  executionArn: string,
  options: FollowOptions,
): Promise<FollowOutcome> {
  const printer = new ProgressPrinter(deps.io);
  const watch = (arn: string): Followed => ({
    reader: new HistoryReader(deps.sfn, arn, deps.pacer),
    interpreter: new HistoryInterpreter(arn),
    ended: false,
  });
  const followed: Followed[] = [watch(executionArn)];
  let end: ExecutionEnd | undefined;
  let report: Report | undefined;

  const apply = (item: Followed, isParent: boolean, update: HistoryUpdate) => {
    if (update.kind === 'progress') printer.progress(update.progress);
    else if (update.kind === 'task-failed') printer.taskFailed(update.state, update.error, update.cause);
    else if (update.kind === 'child') followed.push(watch(update.executionArn));
    else if (update.kind === 'report') report = update.report;
    else {
      item.ended = true;
      if (isParent) end = update.end;
    }
  };

  const sweep = async () => {
    const printable: {
      at: number;
      order: number;
      item: Followed;
      isParent: boolean;
      update: HistoryUpdate;
    }[] = [];
    // Children found during the sweep are read in the same sweep (the array grows as we go).
    for (let i = 0; i < followed.length; i++) {
      const item = followed[i];
      if (!item || item.ended) continue;
      let events;
      try {
        events = await item.reader.readNew();
      } catch (error) {
        if (i === 0) throw error;
        // A child that cannot be read is not worth losing the rollout over: the report still has it.
        item.ended = true;
        deps.io.warning(
          `Cannot read ${item.reader.executionArn}: ${(error as Error).message}; its steps will only show in the report.`,
        );
        continue;
      }
      for (const event of events) {
        for (const update of item.interpreter.interpret([event])) {
          if (update.kind === 'child') apply(item, i === 0, update);
          else
            printable.push({
              at: event.timestamp?.getTime() ?? 0,
              order: printable.length,
              item,
              isParent: i === 0,
              update,
            });
        }
      }
    }
    // Parent and children were read one after another: print what they did in the order it happened.
    printable.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const { item, isParent, update } of printable) apply(item, isParent, update);
  };

  let lost: Error | undefined;
  try {
    for (;;) {
      await sweep();
      if (end) {
        // The parent ends after its children; one more sweep prints what they said last.
        if (followed.some((f) => !f.ended)) await sweep();
        break;
      }
      const now = deps.clock.now();
      if (options.deadline !== undefined && now >= options.deadline) break;
      const untilDeadline = options.deadline === undefined ? Infinity : options.deadline - now;
      await deps.clock.sleep(Math.min(options.pollIntervalMs, untilDeadline));
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
    childExecutions: followed.slice(1).map((f) => f.reader.executionArn),
  };
}

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { childArnOf } from './history-events';

/**
 * What the newest event of a running execution says about when it can next change:
 * - `wait`: it entered a Wait state, and nothing happens until that Wait ends;
 * - `child`: it is blocked in a `startExecution.sync` task until that child execution ends
 *   (or the task's own timeout, when it has one).
 */
export type QuietHint =
  | {
      readonly kind: 'wait';
      readonly state: string;
      readonly input: string | undefined;
      /** Service clock, epoch ms. */
      readonly enteredAt: number;
    }
  | {
      readonly kind: 'child';
      readonly executionArn: string;
      /** The task's timeout, if it has one. */
      readonly timeoutSeconds?: number;
    };

const OPENS = new Set(['ParallelStateEntered', 'MapStateEntered']);
const CLOSES = new Set([
  'ParallelStateExited',
  'ParallelStateFailed',
  'ParallelStateAborted',
  'MapStateExited',
  'MapStateFailed',
  'MapStateAborted',
]);

const isSyncStart = (resourceType: string | undefined, resource: string | undefined) =>
  resourceType === 'states' && (resource ?? '').startsWith('startExecution.sync');

/**
 * Follows one execution's events and keeps the hint its newest event gives. Inside a Parallel or
 * Map state other branches may be running, so no hint is given there: the newest event speaks for
 * one branch only.
 */
export class QuietTracker {
  private openBranches = 0;
  private hint: QuietHint | undefined;
  private scheduled: { timeoutSeconds?: number } | undefined;

  constructor(private readonly executionArn: string) {}

  get current(): QuietHint | undefined {
    return this.hint;
  }

  observe(event: HistoryEvent): void {
    const type = event.type ?? '';
    const at = event.timestamp?.getTime();
    this.hint = undefined;
    if (OPENS.has(type)) this.openBranches += 1;
    else if (CLOSES.has(type)) this.openBranches = Math.max(0, this.openBranches - 1);
    if (this.openBranches > 0 || at === undefined) return;
    if (type === 'WaitStateEntered') {
      const details = event.stateEnteredEventDetails;
      this.hint = { kind: 'wait', state: details?.name ?? '', input: details?.input, enteredAt: at };
    } else if (type === 'TaskScheduled') {
      const details = event.taskScheduledEventDetails;
      this.scheduled = isSyncStart(details?.resourceType, details?.resource)
        ? { ...(details?.timeoutInSeconds !== undefined ? { timeoutSeconds: details.timeoutInSeconds } : {}) }
        : undefined;
    } else if (type === 'TaskSubmitted') {
      const details = event.taskSubmittedEventDetails;
      const child = isSyncStart(details?.resourceType, details?.resource)
        ? childArnOf(details?.output, this.executionArn)
        : undefined;
      if (child)
        this.hint = {
          kind: 'child',
          executionArn: child,
          ...(this.scheduled?.timeoutSeconds !== undefined
            ? { timeoutSeconds: this.scheduled.timeoutSeconds }
            : {}),
        };
    }
  }
}

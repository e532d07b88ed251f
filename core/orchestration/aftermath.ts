import { createHash } from 'node:crypto';
import type { EndedStatus } from './execution-ended-event';

/**
 * What an execution that ended without succeeding (stopped, timed out, failed) leaves to clean up.
 *
 * A parent run (migrate | rollback) that ends through Finalize has released the cluster lock and
 * put its services back itself. One that ended another way (StopExecution, the state machine's
 * timeout, a States.Runtime error, Finalize failing) still holds the lock and may have services
 * half migrated. Step Functions stops a parent's running `.sync` child along with it, so the
 * children need nothing of their own; the parent's history says which services it touched.
 */

/** One child execution the parent started, as its history shows it (last attempt wins). */
export interface ChildRun {
  readonly service: string;
  readonly mode: 'service-migrate' | 'service-rollback';
  readonly outcome: 'succeeded' | 'failed' | 'running';
}

/** The fields of a GetExecutionHistory event this reads (SDK shape, camelCase). */
export interface HistoryEventLike {
  readonly type?: string;
  readonly taskScheduledEventDetails?: {
    readonly resourceType?: string;
    readonly resource?: string;
    readonly parameters?: string;
  };
  readonly taskSucceededEventDetails?: { readonly resourceType?: string; readonly resource?: string };
  readonly taskFailedEventDetails?: { readonly resourceType?: string; readonly resource?: string };
  readonly taskTimedOutEventDetails?: { readonly resourceType?: string; readonly resource?: string };
}

/** The child-starting integration of the definition (statemachine/rollout.asl.json). */
const CHILD_RESOURCE = 'startExecution.sync:2';

const isChildTask = (d: { resourceType?: string; resource?: string } | undefined) =>
  d?.resourceType === 'states' && d.resource === CHILD_RESOURCE;

/** The service and mode a TaskScheduled of a child start names (its parameters' Input). */
function childOf(parameters: string | undefined): Pick<ChildRun, 'service' | 'mode'> | undefined {
  if (!parameters) return undefined;
  let params: { Input?: unknown };
  try {
    params = JSON.parse(parameters) as { Input?: unknown };
  } catch {
    return undefined;
  }
  // `Input` is an object in this definition; a string Input (JSON text) is read the same way.
  let input = params.Input;
  if (typeof input === 'string')
    try {
      input = JSON.parse(input) as unknown;
    } catch {
      return undefined;
    }
  const i = input as { mode?: unknown; service?: { name?: unknown } } | undefined;
  const name = i?.service?.name;
  if (typeof name !== 'string' || (i?.mode !== 'service-migrate' && i?.mode !== 'service-rollback'))
    return undefined;
  return { service: name, mode: i.mode };
}

/**
 * The child runs in a parent's history, in the order they were first started. The parent starts
 * one child at a time, so a TaskSucceeded / TaskFailed / TaskTimedOut of the child integration
 * closes the last TaskScheduled; a retried start (Retry on the Task) re-opens the same service.
 * Pass every page of the history in order (events are read oldest first).
 */
export function childRunsFromHistory(events: Iterable<HistoryEventLike>): ChildRun[] {
  const runs = new Map<string, { service: string; mode: ChildRun['mode']; outcome: ChildRun['outcome'] }>();
  let open: string | undefined;
  for (const e of events) {
    if (e.type === 'TaskScheduled' && isChildTask(e.taskScheduledEventDetails)) {
      const child = childOf(e.taskScheduledEventDetails?.parameters);
      if (!child) continue;
      const key = `${child.mode}\u0000${child.service}`;
      const existing = runs.get(key);
      if (existing) existing.outcome = 'running';
      else runs.set(key, { ...child, outcome: 'running' });
      open = key;
    } else if (open !== undefined) {
      const run = runs.get(open);
      if (!run) continue;
      if (e.type === 'TaskSucceeded' && isChildTask(e.taskSucceededEventDetails)) {
        run.outcome = 'succeeded';
        open = undefined;
      } else if (
        (e.type === 'TaskFailed' && isChildTask(e.taskFailedEventDetails)) ||
        (e.type === 'TaskTimedOut' && isChildTask(e.taskTimedOutEventDetails))
      ) {
        run.outcome = 'failed';
        open = undefined;
      }
    }
  }
  return [...runs.values()];
}

/** What the stopped execution was, as far as the cleanup needs it (from its input). */
export type EndedRun =
  | { readonly level: 'child' }
  | {
      readonly level: 'parent';
      readonly mode: 'migrate' | 'rollback' | 'plan' | 'verify';
      /** The services the run was asked for (input `services`); all of the plan's when absent. */
      readonly requested: readonly string[];
      /** Set when the run was itself a recovery started by this cleanup. */
      readonly recovers?: string;
    };

export interface AftermathFacts {
  readonly executionArn: string;
  readonly status: EndedStatus;
  readonly run: EndedRun;
  /** The plan's `rollback.scope`. */
  readonly scope: 'all' | 'service';
  /** The owner of the cluster's lock item now; undefined when there is none. */
  readonly lockOwner: string | undefined;
  /** From the history; read only when the run still holds the lock. */
  readonly children: readonly ChildRun[];
}

export type Aftermath =
  | {
      readonly action: 'none';
      /** Why nothing is cleaned up. */
      readonly reason: string;
      /** Parent runs are reported to people; child runs are their parent's business. */
      readonly notify: boolean;
    }
  | {
      readonly action: 'release-lock';
      readonly reason: string;
      readonly notify: true;
      readonly needsPeople: boolean;
      readonly leftAsIs: readonly string[];
    }
  | {
      readonly action: 'recover';
      readonly services: readonly string[];
      readonly reason: string;
      readonly notify: true;
    };

/**
 * The services to put back after a parent run ended holding the lock, per the plan's rollback scope:
 * - `all`: every service the run started a migrate child for, and any whose rollback child did not
 *   succeed (a manual rollback: also the requested services it had not reached yet);
 * - `service`: only services whose migrate child or rollback child had not succeeded.
 * A service whose rollback child succeeded is back already and is left out.
 */
export function servicesToPutBack(
  run: Extract<EndedRun, { level: 'parent' }>,
  scope: 'all' | 'service',
  children: readonly ChildRun[],
): string[] {
  const of = (mode: ChildRun['mode']) =>
    new Map(children.filter((c) => c.mode === mode).map((c) => [c.service, c.outcome]));
  const migrated = of('service-migrate');
  const rolledBack = of('service-rollback');
  const wanted = new Set<string>();
  for (const [service, outcome] of migrated)
    if (scope === 'all' || outcome !== 'succeeded') wanted.add(service);
  for (const [service, outcome] of rolledBack) if (outcome !== 'succeeded') wanted.add(service);
  // A manual rollback stopped half way: what it was asked to put back and has not reached yet.
  if (run.mode === 'rollback')
    for (const service of run.requested) if (!rolledBack.has(service)) wanted.add(service);
  // In the plan's order (requested services are listed in plan order), then any other child.
  const order = [...new Set([...run.requested, ...children.map((c) => c.service)])];
  return order.filter((s) => wanted.has(s) && rolledBack.get(s) !== 'succeeded');
}

/** The pure decision: nothing, release the lock, or start one recovery rollback. */
export function decideAftermath(f: AftermathFacts): Aftermath {
  if (f.run.level === 'child')
    return {
      action: 'none',
      reason: 'a child execution: its parent rolls its service back, or was stopped with it',
      notify: false,
    };
  const run = f.run;
  if (run.mode === 'plan' || run.mode === 'verify')
    return { action: 'none', reason: `a ${run.mode} run changes nothing and takes no lock`, notify: true };
  if (f.lockOwner !== f.executionArn) {
    const reason =
      f.lockOwner === recoveryExecutionName(f.executionArn, true)
        ? 'its recovery already holds the lock'
        : f.lockOwner === undefined
          ? 'the run released the cluster lock itself (it ended through Finalize)'
          : `the cluster lock belongs to ${f.lockOwner}, not to this run`;
    return { action: 'none', reason, notify: true };
  }
  const services = servicesToPutBack(run, f.scope, f.children);
  if (services.length === 0)
    return {
      action: 'release-lock',
      reason: `ended ${f.status} holding the lock with no service to put back (rollback scope ${f.scope})`,
      notify: true,
      needsPeople: false,
      leftAsIs: [],
    };
  if (run.recovers !== undefined)
    // A recovery that itself ended without finishing is not recovered again (no loop of
    // recoveries): the lock is released so people can run a rollback themselves.
    return {
      action: 'release-lock',
      reason: `a recovery (of ${run.recovers}) ended ${f.status} before putting back ${services.join(', ')}: people must look; the lock is released so a rollback can run`,
      notify: true,
      needsPeople: true,
      leftAsIs: services,
    };
  return {
    action: 'recover',
    services,
    reason: `ended ${f.status} holding the lock; rollback scope ${f.scope}: ${services.join(', ')} to put back`,
    notify: true,
  };
}

/**
 * The recovery execution's name, derived from the stopped execution so a second delivery of the
 * same event attaches to (or is refused by) the first recovery instead of starting another.
 * `asArn` gives the recovery's full ARN on the same state machine.
 */
export function recoveryExecutionName(stoppedExecutionArn: string, asArn = false): string {
  const name = `recover-${createHash('sha256').update(stoppedExecutionArn).digest('hex').slice(0, 24)}`;
  if (!asArn) return name;
  // arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:<executionName>
  const parts = stoppedExecutionArn.split(':');
  return [...parts.slice(0, 7), name].join(':');
}

/** The recovery's execution input: a manual rollback of those services that takes over the lock. */
export function recoveryInput(input: {
  readonly plan: Record<string, unknown>;
  readonly services: readonly string[];
  readonly stoppedExecutionArn: string;
  readonly status: EndedStatus;
}): {
  mode: 'rollback';
  plan: Record<string, unknown>;
  services: string[];
  requestedBy: string;
  recovers: string;
} {
  return {
    mode: 'rollback',
    plan: input.plan,
    services: [...input.services],
    requestedBy: `alloy-rollout: recovers ${input.stoppedExecutionArn} (${input.status})`.slice(0, 512),
    recovers: input.stoppedExecutionArn,
  };
}

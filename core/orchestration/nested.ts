import { createHash } from 'node:crypto';

/**
 * The parent loop appends with `States.Array($.run.done, $.last)`, since ASL has no append: the
 * list arrives nested as [[[], a], b]. This gives back [a, b], in order.
 */
export function flattenDone(nested: unknown): unknown[] {
  const out: unknown[] = [];
  let node: unknown = nested;
  const reversed: unknown[] = [];
  while (Array.isArray(node) && node.length === 2 && Array.isArray(node[0])) {
    reversed.push(node[1]);
    node = node[0];
  }
  // The innermost array is the initial [] (or a flat list written by hand).
  if (Array.isArray(node)) out.push(...node);
  out.push(...reversed.reverse());
  return out;
}

/**
 * Child execution names, derived from the parent so that a retried `startExecution.sync` finds
 * the child it already started. StartExecution API reference, `name`: when the original execution
 * is open and the input of the new call is identical, Success is returned (the same execution);
 * with a different input, or once the original closed, ExecutionAlreadyExists. A retry comes
 * seconds after a lost answer and a child runs for minutes, so it finds its child running.
 * The ASL appends `-m<position>` or `-r<position>` to this prefix. Names are 1-80 characters of
 * [A-Za-z0-9_-]; the parent's name (a UUID or the Action's name) is cut to 40 so the hash and the
 * suffix always fit, and the hash of the whole ARN keeps two parents with the same first 40
 * characters (or the same name on two state machines) apart.
 */
export function childNamePrefix(parentExecutionArn: string): string {
  const parentName = parentExecutionArn.split(':').pop() ?? '';
  const readable = parentName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, CHILD_PREFIX_NAME_CHARS) || 'run';
  const hash = createHash('sha256').update(parentExecutionArn).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}

/** Room left in an 80-character name for `-<8 hex>-m<index up to 6 digits>`. */
export const CHILD_PREFIX_NAME_CHARS = 40;

/** `arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:<name>` → the machine's ARN. */
export function stateMachineOfExecution(executionArn: string): string | undefined {
  const parts = executionArn.split(':');
  if (parts.length !== 8 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'execution')
    return undefined;
  return [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':');
}

/** Which of the child gate's conditions failed (the error names it). */
export type ParentGateCondition =
  'started-by-parent' | 'same-state-machine' | 'parent-running' | 'parent-holds-lock';

export type ParentGateVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly condition: ParentGateCondition; readonly message: string };

const CHILD_ONLY =
  'child modes (service-migrate, service-rollback) are started by a parent execution of this state machine (migrate or rollback mode)';

/**
 * First half of the child gate, from the child's own input and ARN: it names a parent, Step
 * Functions' parent link (`AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`) names the same one, and that
 * parent runs on the same state machine as the child. Anyone allowed to StartExecution can write
 * these fields, so `assessParentLive` checks the parent's real state next.
 */
export function assessParentIdentity(input: {
  readonly childExecutionArn: string;
  readonly parentExecutionArn: string | undefined;
  readonly startedBy: string | undefined;
}): ParentGateVerdict {
  const { childExecutionArn, parentExecutionArn, startedBy } = input;
  if (!parentExecutionArn || !startedBy || startedBy !== parentExecutionArn)
    return {
      ok: false,
      condition: 'started-by-parent',
      message: `${CHILD_ONLY}: AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID (${startedBy ?? 'absent'}) must equal parentExecutionArn (${parentExecutionArn ?? 'absent'})`,
    };
  const child = stateMachineOfExecution(childExecutionArn);
  const parent = stateMachineOfExecution(parentExecutionArn);
  if (!child || !parent || child !== parent)
    return {
      ok: false,
      condition: 'same-state-machine',
      message: `${CHILD_ONLY}: the parent ${parentExecutionArn} is not an execution of ${child ?? childExecutionArn}`,
    };
  return { ok: true };
}

/**
 * Second half: the parent is RUNNING (DescribeExecution) and holds the cluster's lock (its owner
 * attribute), so a child runs only inside a live rollout that took the lock. A parent's manual
 * rollback and its rollback after a failure run while it still holds the lock: Finalize, which
 * releases it, comes after every child.
 */
export function assessParentLive(input: {
  readonly parentExecutionArn: string;
  readonly parentStatus: string;
  readonly cluster: string;
  readonly lockOwner: string | undefined;
}): ParentGateVerdict {
  if (input.parentStatus !== 'RUNNING')
    return {
      ok: false,
      condition: 'parent-running',
      message: `${CHILD_ONLY}: the parent ${input.parentExecutionArn} is ${input.parentStatus}, expected RUNNING`,
    };
  if (input.lockOwner !== input.parentExecutionArn)
    return {
      ok: false,
      condition: 'parent-holds-lock',
      message: `${CHILD_ONLY}: the lock of cluster ${input.cluster} is held by ${input.lockOwner ?? 'nobody'}, not by the parent ${input.parentExecutionArn}`,
    };
  return { ok: true };
}

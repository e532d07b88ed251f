/**
 * The keys every line of one invocation carries, read from the event without parsing it (a bad
 * event must still log who it was for): the execution ARN ($$.Execution.Id, which every Task
 * state passes as `executionArn`, lambdas/event.ts; `detail.executionArn` in a status-change event), the execution's mode, the plan's cluster, and
 * in a child execution the plan service it works on (`state.service.name`). Only these scalar
 * fields are read: the plan and evidence are never copied into lines.
 */
export interface InvocationKeys {
  readonly lambdaId: string;
  readonly executionArn?: string;
  readonly mode?: string;
  readonly cluster?: string;
  /**
   * The plan service a child execution works on. Not `service`: Powertools reserves that key for
   * the service name of every line ("alloy-rollout") and drops a key of that name.
   */
  readonly rolloutService?: string;
}

// Bounds a field read from an event that could have been edited by hand.
const MAX_KEY_LENGTH = 512;

function field(record: unknown, key: string): unknown {
  return record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_KEY_LENGTH) : undefined;
}

export function invocationKeys(lambdaId: string, event: unknown): InvocationKeys {
  const state = field(event, 'state');
  // An EventBridge event (ExecutionEnded) carries it in `detail`, as Step Functions' status-change event.
  const executionArn =
    text(field(event, 'executionArn')) ?? text(field(field(event, 'detail'), 'executionArn'));
  const mode = text(field(state, 'mode'));
  const cluster = text(field(field(state, 'plan'), 'cluster'));
  const rolloutService = text(field(field(state, 'service'), 'name'));
  return {
    lambdaId,
    ...(executionArn ? { executionArn } : {}),
    ...(mode ? { mode } : {}),
    ...(cluster ? { cluster } : {}),
    ...(rolloutService ? { rolloutService } : {}),
  };
}

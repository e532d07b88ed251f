import type { Sandbox } from '../sandbox';

/** A child execution of the observed run, as ListExecutions and its history show it. */
export interface ChildObservation {
  readonly name: string;
  readonly status: string;
  /** service-migrate or service-rollback, from its input. */
  readonly mode: string;
  /** The plan service it worked on, from its input. */
  readonly service: string;
}

export interface ChildrenObservation {
  readonly children: ChildObservation[];
  /**
   * Child starts the parent's history shows failing with StepFunctions.SdkClientException (an
   * answer lost on the way back, sfn:child-start-lost): each was retried by the state's Retry.
   */
  readonly lostStarts: number;
}

interface Input {
  readonly mode?: string;
  readonly service?: { readonly name?: string };
}

/**
 * The executions the run started as its children (ExecutionStarted names it as their parent), read
 * the way an operator would: every execution of the state machine, then each one's first event.
 */
export function observeChildren(sandbox: Sandbox, parentArn: string): ChildrenObservation {
  let parent: ReturnType<Sandbox['sfn']['execution']>;
  try {
    parent = sandbox.sfn.execution(parentArn);
  } catch {
    // The Action never started it (refused before StartExecution): no children.
    return { children: [], lostStarts: 0 };
  }
  const listed = sandbox.sfn.api().operations['ListExecutions']?.({
    stateMachineArn: parent.machine.arn,
    maxResults: 1000,
  }) as { executions?: { executionArn: string; name: string; status: string }[] } | undefined;
  const children: ChildObservation[] = [];
  for (const e of listed?.executions ?? []) {
    const execution = sandbox.sfn.execution(e.executionArn);
    const started = execution.history.events.find((ev) => ev['type'] === 'ExecutionStarted');
    const details = started?.['executionStartedEventDetails'] as { parentExecutionArn?: string } | undefined;
    if (details?.parentExecutionArn !== parentArn) continue;
    const input = JSON.parse(execution.input) as Input;
    children.push({
      name: e.name,
      status: e.status,
      mode: input.mode ?? '',
      service: input.service?.name ?? '',
    });
  }
  const lostStarts = parent.history.events.filter(
    (ev) =>
      ev['type'] === 'TaskFailed' &&
      (ev['taskFailedEventDetails'] as { error?: string } | undefined)?.error ===
        'StepFunctions.SdkClientException',
  ).length;
  // Oldest first: ListExecutions answers newest first.
  return { children: children.reverse(), lostStarts };
}

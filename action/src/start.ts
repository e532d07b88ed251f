import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InputInvalidError } from '../../core/errors';
import { executionInputSchema, type ExecutionInput } from '../../core/execution';
import { executionArnFor, executionName } from './execution-name';
import type { RequestPacer } from './pacer';
import { errorName } from './sfn-errors';
import type { ActionInputs } from './types';

/** How many earlier attempts of the same run are looked at before starting a new rollout. */
const EARLIER_ATTEMPTS_CHECKED = 10;

export interface Started {
  readonly executionArn: string;
  readonly attached: boolean;
  /** Why we attached, in words for the log. */
  readonly reason?: string;
}

/** The execution input for these inputs, checked against the contract the state machine parses. */
export function buildExecutionInput(inputs: ActionInputs): ExecutionInput {
  const { repository, runId, runAttempt, actor } = inputs.github;
  const candidate = {
    mode: inputs.mode,
    plan: inputs.planDocument,
    ...(inputs.services ? { services: [...inputs.services] } : {}),
    ...(inputs.phase ? { phase: inputs.phase } : {}),
    requestedBy: `github:${repository} run ${runId} attempt ${runAttempt}${actor ? ` by ${actor}` : ''}`,
  };
  const parsed = executionInputSchema.safeParse(candidate);
  if (!parsed.success)
    throw new InputInvalidError(
      `the execution input does not match its contract: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

async function describe(
  sfn: Pick<SFNClient, 'send'>,
  pacer: RequestPacer,
  executionArn: string,
): Promise<string | undefined> {
  try {
    const out = await pacer.send(`describing ${executionArn}`, () =>
      sfn.send(new DescribeExecutionCommand({ executionArn })),
    );
    return out.status ?? 'RUNNING';
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (errorName(cause) === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/**
 * Starts the rollout of this run attempt, or attaches to one already there: the same attempt's
 * execution (the step ran twice), or an earlier attempt's that is still running (the job was
 * re-run while its rollout went on) - never a second rollout for the same run.
 */
export async function startOrAttach(
  sfn: Pick<SFNClient, 'send'>,
  inputs: ActionInputs,
  pacer: RequestPacer,
): Promise<Started> {
  const input = buildExecutionInput(inputs);
  const { runAttempt } = inputs.github;
  const name = executionName(inputs.github, inputs.mode);
  const ownArn = executionArnFor(inputs.stateMachineArn, name);

  const ownStatus = await describe(sfn, pacer, ownArn);
  if (ownStatus)
    return {
      executionArn: ownArn,
      attached: true,
      reason: `this run attempt already started ${name} (${ownStatus})`,
    };

  for (
    let attempt = runAttempt - 1;
    attempt >= Math.max(1, runAttempt - EARLIER_ATTEMPTS_CHECKED);
    attempt--
  ) {
    const earlierArn = executionArnFor(
      inputs.stateMachineArn,
      executionName({ ...inputs.github, runAttempt: attempt }, inputs.mode),
    );
    if ((await describe(sfn, pacer, earlierArn)) === 'RUNNING')
      return {
        executionArn: earlierArn,
        attached: true,
        reason: `attempt ${attempt} of this run is still rolling out`,
      };
  }

  try {
    const out = await pacer.send(`starting an execution of ${inputs.stateMachineArn}`, () =>
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: inputs.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      ),
    );
    return { executionArn: out.executionArn ?? ownArn, attached: false };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    // Another step of the same attempt won the race: follow the one it started.
    if (errorName(cause) === 'ExecutionAlreadyExists')
      return { executionArn: ownArn, attached: true, reason: `${name} was started concurrently` };
    throw error;
  }
}

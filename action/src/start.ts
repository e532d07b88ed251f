import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InputInvalidError } from '../../core/errors';
import { executionInputSchema, type ExecutionInput } from '../../core/execution';
import { executionArnFor, executionName } from './execution-name';
import type { RequestPacer } from './pacer';
import { errorName } from './sfn-errors';
import type { ActionInputs } from './types';

/** How many earlier attempts of the same run are looked at before starting a new rollout. */
const EARLIER_ATTEMPTS_CHECKED = 10;
/** Most starts of one step after refusals by a held lock; wait-for-lock's backoff stays far below. */
export const MAX_LOCK_WAIT_ROUNDS = 100;

export interface Started {
  readonly executionArn: string;
  readonly attached: boolean;
  /**
   * Starts of this step in this attempt so far after a refusal by a held lock (the name's "-wN");
   * the next wait starts round + 1. An earlier attempt's execution counts as round 0 of this one.
   */
  readonly round: number;
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

interface Found {
  readonly executionArn: string;
  readonly name: string;
  readonly round: number;
  readonly status: string;
}

/**
 * The newest execution of this step in one attempt: round 0, then each start after a refusal by a
 * held lock (wait-for-lock), which are made one after the other, so the first missing round ends them.
 */
async function latestOfAttempt(
  sfn: Pick<SFNClient, 'send'>,
  inputs: ActionInputs,
  pacer: RequestPacer,
  runAttempt: number,
): Promise<Found | undefined> {
  let found: Found | undefined;
  for (let round = 0; round <= MAX_LOCK_WAIT_ROUNDS; round++) {
    const name = executionName({ ...inputs.github, runAttempt }, inputs, round);
    const executionArn = executionArnFor(inputs.stateMachineArn, name);
    const status = await describe(sfn, pacer, executionArn);
    if (!status) break;
    found = { executionArn, name, round, status };
  }
  return found;
}

async function start(
  sfn: Pick<SFNClient, 'send'>,
  inputs: ActionInputs,
  pacer: RequestPacer,
  round: number,
): Promise<Started> {
  const name = executionName(inputs.github, inputs, round);
  const ownArn = executionArnFor(inputs.stateMachineArn, name);
  try {
    const out = await pacer.send(`starting an execution of ${inputs.stateMachineArn}`, () =>
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: inputs.stateMachineArn,
          name,
          input: JSON.stringify(buildExecutionInput(inputs)),
        }),
      ),
    );
    return { executionArn: out.executionArn ?? ownArn, attached: false, round };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    // The same step of the same attempt ran twice at once and the other won the race: follow it.
    if (errorName(cause) === 'ExecutionAlreadyExists')
      return { executionArn: ownArn, attached: true, round, reason: `${name} was started concurrently` };
    throw error;
  }
}

/**
 * Starts this step's rollout, or attaches to one already there: this attempt's execution of the
 * same step (the step ran twice), or an earlier attempt's that is still running (the job was
 * re-run while its rollout went on) - never a second rollout for the same step. Another step of
 * the run (other mode, phase, services or plan) has another name and starts its own; if the first
 * still holds the cluster lock, the lock refuses it, naming the holder.
 * `round` > 0 starts again after a refusal by a held lock (wait-for-lock), under the next name.
 */
export async function startOrAttach(
  sfn: Pick<SFNClient, 'send'>,
  inputs: ActionInputs,
  pacer: RequestPacer,
  round?: number,
): Promise<Started> {
  // Checked before anything is asked of Step Functions: a bad input fails without a request.
  buildExecutionInput(inputs);
  if (round !== undefined) return start(sfn, inputs, pacer, round);
  const { runAttempt } = inputs.github;

  const own = await latestOfAttempt(sfn, inputs, pacer, runAttempt);
  if (own)
    return {
      executionArn: own.executionArn,
      attached: true,
      round: own.round,
      reason: `this run attempt already started ${own.name} (${own.status})`,
    };

  for (
    let attempt = runAttempt - 1;
    attempt >= Math.max(1, runAttempt - EARLIER_ATTEMPTS_CHECKED);
    attempt--
  ) {
    const earlier = await latestOfAttempt(sfn, inputs, pacer, attempt);
    if (earlier?.status === 'RUNNING')
      return {
        executionArn: earlier.executionArn,
        attached: true,
        round: 0,
        reason: `attempt ${attempt} of this run is still rolling out this step (${earlier.name})`,
      };
  }
  return start(sfn, inputs, pacer, 0);
}

import { createHash } from 'node:crypto';
import { InputInvalidError } from '../../core/errors';
import type { UserMode } from '../../core/execution';
import { canonicalJson } from './canonical-json';
import type { GitHubRun } from './types';

/** Step Functions allows 1-80 characters; we keep to the subset CloudWatch metrics also accept. */
export const MAX_EXECUTION_NAME = 80;
const HASH_LENGTH = 8;

function sanitise(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * What one step of a workflow asks for: two steps of one run (another phase, other services, or a
 * matrix job with another plan) are different rollouts and must not share an execution.
 */
export interface StepIdentity {
  readonly mode: UserMode;
  readonly phase?: string | undefined;
  readonly services?: readonly string[] | undefined;
  /** The plan as the execution receives it: a matrix over clusters passes different plans. */
  readonly planDocument: Readonly<Record<string, unknown>>;
}

/**
 * Eight hex characters of the step's identity: mode, phase, the services as a set (their order
 * changes nothing the rollout does) and the plan as canonical JSON (key order changes nothing).
 */
export function stepKey(step: StepIdentity): string {
  const identity = canonicalJson({
    mode: step.mode,
    phase: step.phase ?? '',
    services: step.services ? [...new Set(step.services)].sort() : null,
    plan: step.planDocument,
  });
  return createHash('sha256').update(identity).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * The execution name of one step of one attempt of one workflow run, e.g.
 * "migrate-9876543210-1-3f2a9c01-acme-platform" (mode, run id, attempt, step key, repository).
 * Deterministic, so a second start of the same step is idempotent in Step Functions (or attaches),
 * and a later attempt can find the earlier attempts' executions of the same step.
 * `round` counts the starts after a refusal by a held lock (wait-for-lock): "-w1", "-w2"...
 * The repository part is cut when too long; a hash of the full identity then keeps names unique.
 */
export function executionName(
  run: Pick<GitHubRun, 'repository' | 'runId' | 'runAttempt'>,
  step: StepIdentity,
  round = 0,
): string {
  const key = stepKey(step);
  const head = sanitise(`${step.mode}-${run.runId}-${run.runAttempt}-${key}${round > 0 ? `-w${round}` : ''}`);
  const repo = sanitise(run.repository.replace('/', '-'));
  const full = repo ? `${head}-${repo}` : head;
  if (full.length <= MAX_EXECUTION_NAME) return full;
  const hash = createHash('sha256')
    .update(`${run.repository}\n${run.runId}\n${run.runAttempt}\n${step.mode}\n${key}\n${round}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const room = MAX_EXECUTION_NAME - head.length - HASH_LENGTH - 2;
  const cut = repo.slice(0, Math.max(0, room)).replace(/-$/, '');
  const name = cut ? `${head}-${cut}-${hash}` : `${head}-${hash}`;
  // Only a run id far beyond GitHub's makes the head itself too long: keep its readable start.
  return name.length <= MAX_EXECUTION_NAME
    ? name
    : `${name.slice(0, MAX_EXECUTION_NAME - HASH_LENGTH - 1)}-${hash}`;
}

const STATE_MACHINE_ARN = /^(arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}):stateMachine:([^:]+)$/;

/** The ARN an execution of this state machine with this name has (or will have). */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match)
    throw new InputInvalidError(`expected a state machine ARN, got ${JSON.stringify(stateMachineArn)}`);
  return `${match[1]}:execution:${match[2]}:${name}`;
}

/** The execution's name: the last segment of its ARN. */
export function executionNameOf(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1);
}

/** Where people look at the execution in the AWS console. */
export function consoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

import { createHash } from 'node:crypto';
import { InputInvalidError } from '../../core/errors';
import type { UserMode } from '../../core/execution';
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
 * The execution name of one attempt of one workflow run in one mode, e.g.
 * "migrate-9876543210-1-acme-platform". Deterministic, so a second start of the same attempt is
 * idempotent in Step Functions (or attaches), and a later attempt can find earlier ones.
 * The repository part is cut when too long; a hash of the full identity then keeps names unique.
 */
export function executionName(
  run: Pick<GitHubRun, 'repository' | 'runId' | 'runAttempt'>,
  mode: UserMode,
): string {
  const head = sanitise(`${mode}-${run.runId}-${run.runAttempt}`);
  const repo = sanitise(run.repository.replace('/', '-'));
  const full = repo ? `${head}-${repo}` : head;
  if (full.length <= MAX_EXECUTION_NAME) return full;
  const hash = createHash('sha256')
    .update(`${run.repository}\n${run.runId}\n${run.runAttempt}\n${mode}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const room = MAX_EXECUTION_NAME - head.length - HASH_LENGTH - 2;
  const cut = repo.slice(0, Math.max(0, room)).replace(/-$/, '');
  return cut ? `${head}-${cut}-${hash}` : `${head}-${hash}`;
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

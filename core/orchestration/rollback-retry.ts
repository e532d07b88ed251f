import type { CheckResult, FailureCause } from '../report/types';
import { taskDefinitionKey, type EcsServiceLike } from '../verify';

/**
 * How many deployments of the rollback target a rollback makes before it gives up. A rollback
 * deployment fails for reasons that often pass (a task placed on a bad host, an image pull that
 * timed out, a log group created a moment too late), and while it has not succeeded the service
 * runs Alloy tasks under an ADOT task definition. Three attempts ride out a one-off failure twice;
 * a cause that survives three deployments is not transient, and each attempt can last the plan's
 * whole deploymentTimeout, so more would only delay the people who must look.
 */
export const ROLLBACK_DEPLOYMENT_ATTEMPTS = 3;

/** The check name of the rollback deployment in a rollback that made only one attempt. */
export const ROLLBACK_DEPLOYMENT_CHECK = 'rollback-deployment';

/** The check recording that the rollback gave up (the execution's cause names it). */
export const ROLLBACK_CHECK = 'rollback';

/**
 * The report merges checks by name (the Action merges a child's fuller copies by name too), so
 * each attempt of a retried rollback gets its own name; a rollback that needed one attempt keeps
 * the name it always had.
 */
export function rollbackAttemptName(attempt: number, totalAttempts: number): string {
  return totalAttempts > 1 ? `${ROLLBACK_DEPLOYMENT_CHECK}-attempt-${attempt}` : ROLLBACK_DEPLOYMENT_CHECK;
}

/** The settled check of one attempt, under its attempt's name, saying which attempt it was. */
export function rollbackAttemptCheck(
  check: CheckResult,
  attempt: number,
  totalAttempts: number,
  maxAttempts: number = ROLLBACK_DEPLOYMENT_ATTEMPTS,
): CheckResult {
  if (totalAttempts <= 1) return check;
  return {
    ...check,
    name: rollbackAttemptName(attempt, totalAttempts),
    message: `attempt ${attempt} of ${maxAttempts}: ${check.message}`,
    evidence: { ...check.evidence, rollbackAttempt: { attempt, of: maxAttempts } },
  };
}

/**
 * Every rollback-deployment check of a rollback that ended with `last` on attempt `attempt`:
 * the earlier failed attempts (already named) and the last one, named for the whole chain.
 */
export function rollbackDeploymentChecks(input: {
  readonly earlier: readonly CheckResult[];
  readonly last: CheckResult | undefined;
  readonly attempt: number;
  readonly maxAttempts?: number;
}): CheckResult[] {
  if (!input.last) return [...input.earlier];
  return [
    ...input.earlier,
    rollbackAttemptCheck(input.last, input.attempt, input.attempt, input.maxAttempts),
  ];
}

export type RollbackGiveUpReason = 'attempts-exhausted' | 'service-not-active' | 'replaced';

export type RollbackRetryDecision =
  /** Deploy the same target again as attempt `attempt`; `attempts` are the failed ones so far. */
  | { readonly kind: 'retry'; readonly attempt: number; readonly attempts: CheckResult[] }
  /** Stop: the service is not known to be on the target. `check` and `cause` say so. */
  | {
      readonly kind: 'give-up';
      readonly reason: RollbackGiveUpReason;
      readonly attempts: CheckResult[];
      readonly check: CheckResult;
      readonly cause: FailureCause;
    };

export interface RollbackRetryInput {
  /** Plan name of the service. */
  readonly service: string;
  /** The task definition the rollback deploys (the baseline, or the reverted revision). */
  readonly target: string;
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  readonly maxAttempts?: number;
  /** Its settled check (failed: the deployment FAILED or missed its deadline). */
  readonly failed: CheckResult;
  /** Failed attempts before this one, as `rollbackAttemptCheck` named them. */
  readonly earlier: readonly CheckResult[];
  /** The service as described after the failure; undefined when it was not found. */
  readonly current: EcsServiceLike | undefined;
  /** Why the service is being rolled back, when a failed migration caused it. */
  readonly rollbackOf?: FailureCause | undefined;
}

/** Which deployments the service has, and what runs under each: what the give-up evidence shows. */
function deploymentsSeen(current: EcsServiceLike | undefined): unknown {
  return (current?.deployments ?? []).map((d) => ({
    status: d.status ?? null,
    taskDefinition: d.taskDefinition ?? null,
    rolloutState: d.rolloutState ?? null,
    runningCount: d.runningCount ?? null,
  }));
}

/** Why another deployment cannot help, or undefined when one may. */
function hopeless(
  input: RollbackRetryInput,
  max: number,
): { reason: RollbackGiveUpReason; why: string } | undefined {
  const current = input.current;
  if (!current || (current.status !== undefined && current.status !== 'ACTIVE'))
    return {
      reason: 'service-not-active',
      why: `the service is ${current?.status ?? 'not found'}, so no deployment can start`,
    };
  const primary = current.deployments?.find((d) => d.status === 'PRIMARY');
  // Someone else deployed another revision over the rollback: deploying again would undo their
  // change without knowing why they made it, so people decide.
  if (
    primary?.taskDefinition &&
    taskDefinitionKey(primary.taskDefinition) !== taskDefinitionKey(input.target)
  )
    return {
      reason: 'replaced',
      why: `another deployment (${primary.taskDefinition}) replaced the rollback to ${input.target}`,
    };
  if (input.attempt >= max)
    return { reason: 'attempts-exhausted', why: `all ${max} deployments of ${input.target} failed` };
  return undefined;
}

/**
 * After a rollback deployment failed: deploy the target again, or give up. A retry is a new
 * deployment of the same target (the service already points at it, so it must be forced). Giving
 * up never claims the service is back: its task definition is the target but the tasks that run
 * may still be the Alloy ones, or a mix, until someone looks. Pure.
 */
export function decideRollbackRetry(input: RollbackRetryInput): RollbackRetryDecision {
  const max = input.maxAttempts ?? ROLLBACK_DEPLOYMENT_ATTEMPTS;
  const stop = hopeless(input, max);
  if (!stop) {
    const named = rollbackAttemptCheck(input.failed, input.attempt, input.attempt + 1, max);
    return { kind: 'retry', attempt: input.attempt + 1, attempts: [...input.earlier, named] };
  }
  const attempts = [...input.earlier, rollbackAttemptCheck(input.failed, input.attempt, input.attempt, max)];
  const of = input.rollbackOf
    ? `; it was rolling back because ${input.rollbackOf.check}: ${input.rollbackOf.message}`
    : '';
  const message =
    `rollback of ${input.service} not completed after ${input.attempt} deployment attempt(s): ${stop.why}. ` +
    `The service's task definition is ${input.target}, but its running tasks were not all replaced: ` +
    `they may still run Alloy and ship to Loki, or be mixed; the service is not verified on ADOT${of}`;
  const evidence = {
    reason: stop.reason,
    target: input.target,
    attempts: attempts.map((a) => ({ name: a.name, verdict: a.verdict, message: a.message })),
    deployments: deploymentsSeen(input.current),
    ...(input.rollbackOf
      ? { rollbackOf: { check: input.rollbackOf.check, message: input.rollbackOf.message } }
      : {}),
  };
  const check: CheckResult = {
    name: ROLLBACK_CHECK,
    verdict: 'failed',
    message,
    evidence: { query: `DescribeServices ${input.current?.serviceName ?? input.service}`, values: evidence },
    durationMs: attempts.reduce((n, a) => n + a.durationMs, 0),
    attempts: input.attempt,
  };
  return {
    kind: 'give-up',
    reason: stop.reason,
    attempts,
    check,
    cause: { service: input.service, check: ROLLBACK_CHECK, message, evidence },
  };
}

/**
 * A poll window belongs to the deployment it was opened for: after a retry the window of the
 * failed attempt must not carry its spent deadline and poll count into the next attempt.
 */
export function freshPollWindow(window: { readonly startedAtMs: number; readonly allowanceMs: number }): {
  startedAtMs: number;
  allowanceMs: number;
  attempts: number;
} {
  // 0: the first poll of the new attempt counts itself (`nextWindow` adds one).
  return { startedAtMs: window.startedAtMs, allowanceMs: window.allowanceMs, attempts: 0 };
}

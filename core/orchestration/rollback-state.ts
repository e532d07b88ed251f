import * as z from 'zod';
import type { CheckResult, FailureCause } from '../report/types';
import { circuitBreakerRecordSchema } from './circuit-breaker';
import { checkResultSchema, deploymentTargetSchema, failureCauseSchema } from './state';

/**
 * What Rollback (`apply`, then `retry` after each failed attempt) leaves at `$.rollback` for
 * DeploymentPoll, VerifyCloudWatch and the next retry: the deployment to watch and the chain so far.
 */
export const rollbackStateSchema = deploymentTargetSchema.extend({
  startedAtMs: z.number(),
  logGroups: z.array(z.string()),
  /** Set after a failed migration: the child then fails with it (and this service's record). */
  cause: failureCauseSchema.optional(),
  /** Which deployment of the target this is, from 1 (absent: the first). */
  attempt: z.number().int().min(1).optional(),
  /** The failed attempts before this one, each under its own check name. */
  failedAttempts: z.array(checkResultSchema).optional(),
  /** What the rollback did to the service's deployment circuit breaker, and what it puts back. */
  circuitBreaker: circuitBreakerRecordSchema.optional(),
});
export type RollbackState = z.infer<typeof rollbackStateSchema>;

type ParsedCheck = z.infer<typeof checkResultSchema>;
type ParsedCause = z.infer<typeof failureCauseSchema>;

/** A check read back from the state, typed as the report's (whose optional fields never hold undefined). */
export function checkFromState(check: ParsedCheck): CheckResult {
  const { attempts, ...rest } = check;
  return { ...rest, ...(attempts !== undefined ? { attempts } : {}) };
}

/** A compact cause read back from the state, typed as the report's. */
export function causeFromState(cause: ParsedCause): FailureCause {
  const { service, evidence, ...rest } = cause;
  return {
    ...rest,
    ...(service !== undefined ? { service } : {}),
    ...(evidence !== undefined ? { evidence } : {}),
  };
}

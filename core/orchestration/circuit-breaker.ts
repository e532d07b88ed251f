import * as z from 'zod';
import type { Plan } from '../plan/schema';

/** ECS's `deploymentCircuitBreaker` as DescribeServices reports it and UpdateService takes it. */
export interface CircuitBreaker {
  readonly enable: boolean;
  readonly rollback: boolean;
}

/** What the migration did to a service's circuit breaker: kept at `$.update.circuitBreaker`. */
export interface CircuitBreakerRecord {
  /** The service's own setting before alloy-rollout touched it (what a restore puts back). */
  readonly previous: CircuitBreaker;
  /** The setting the deployment ran with. */
  readonly applied: CircuitBreaker;
  /** True when the plan asks for `previous` back after a verified migration and it differs. */
  readonly restore: boolean;
}

export const SAFETY_NET: CircuitBreaker = { enable: true, rollback: true };

const breakerSchema = z.object({ enable: z.boolean(), rollback: z.boolean() });
/** A CircuitBreakerRecord as it comes back from the execution state. */
export const circuitBreakerRecordSchema = z.object({
  previous: breakerSchema,
  applied: breakerSchema,
  restore: z.boolean(),
});

/** A breaker missing from DescribeServices is ECS's default: off. */
export function breakerOf(
  value: { enable?: boolean | undefined; rollback?: boolean | undefined } | undefined,
): CircuitBreaker {
  return { enable: value?.enable ?? false, rollback: value?.rollback ?? false };
}

function same(a: CircuitBreaker, b: CircuitBreaker): boolean {
  return a.enable === b.enable && a.rollback === b.rollback;
}

/**
 * The breaker the migration's deployment runs with. `original` is the service's setting before
 * this migration touched it: the current one, or, after a shadow step already switched the net
 * on, the one the shadow step recorded, so a restore never "restores" alloy-rollout's own setting.
 */
export function migrationCircuitBreaker(
  plan: Pick<Plan, 'safetyNet'>,
  current: CircuitBreaker,
  original: CircuitBreaker = current,
): CircuitBreakerRecord {
  const applied = plan.safetyNet.circuitBreaker ? SAFETY_NET : current;
  return {
    previous: original,
    applied,
    restore:
      plan.safetyNet.circuitBreaker && plan.safetyNet.restoreCircuitBreaker && !same(original, applied),
  };
}

/** Whether the deployment must send a deploymentConfiguration at all (nothing to change: none). */
export function breakerChanges(record: CircuitBreakerRecord, current: CircuitBreaker): boolean {
  return !same(record.applied, current);
}

/**
 * The breaker a rollback deployment runs with. ECS's own rollback returns to the last deployment
 * that completed, which during a rollback is the Alloy revision being left: it would undo the
 * rollback as soon as one of its deployments failed (seen in the sandbox: the retry then found
 * "another deployment" and gave up). So its rollback flag is off while the rollback deploys; the
 * breaker itself stays as it is (a failing deployment is still marked FAILED early) and the
 * orchestrator's own retry deploys again. `previous` is what it goes back to once the rollback is
 * verified: the service's own setting when the plan restores it and the migration recorded it,
 * otherwise the setting the rollback found (the net stays on, as after a migration).
 */
export function rollbackCircuitBreaker(
  plan: Pick<Plan, 'safetyNet'>,
  current: CircuitBreaker,
  migration?: CircuitBreakerRecord,
): CircuitBreakerRecord {
  const applied = { enable: current.enable, rollback: false };
  const previous = plan.safetyNet.restoreCircuitBreaker && migration ? migration.previous : current;
  return { previous, applied, restore: !same(previous, applied) };
}

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

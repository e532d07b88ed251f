import type { ContainerDefinition } from './model';

/** Simulated durations of the ECS agent's handling of single containers, in simulated milliseconds. */
export const CONTAINER_TIMING = {
  /** SIGTERM to SIGKILL when a container sets no stopTimeout (the agent's ECS_CONTAINER_STOP_TIMEOUT). */
  defaultStopTimeoutMs: 30_000,
  /** From a container's exit to its restart under its restart policy (the agent restarts it promptly). */
  restartDelayMs: 10_000,
  /** How long a container must have run before a restart, when its policy names no period. */
  defaultRestartAttemptPeriodMs: 300_000,
} as const;

/** The exit code of a container killed after its stop timeout (128 + SIGKILL). */
export const SIGKILL_EXIT_CODE = 137;

/** How long ECS waits between SIGTERM and SIGKILL for this container. */
export function stopTimeoutMs(def: ContainerDefinition | undefined): number {
  return def?.stopTimeout !== undefined ? def.stopTimeout * 1000 : CONTAINER_TIMING.defaultStopTimeoutMs;
}

/** The period of an enabled restart policy, or undefined when the container has none. */
export function restartAttemptPeriodMs(def: ContainerDefinition | undefined): number | undefined {
  const policy = def?.restartPolicy;
  if (!policy?.enabled) return undefined;
  return policy.restartAttemptPeriod !== undefined
    ? policy.restartAttemptPeriod * 1000
    : CONTAINER_TIMING.defaultRestartAttemptPeriodMs;
}

export type RestartDecision =
  | { readonly restart: true }
  | { readonly restart: false; readonly why: 'no-policy' | 'ignored-exit-code' | 'ran-too-briefly' };

/**
 * Whether ECS restarts a container that exited on its own while its task runs: only with an enabled
 * restart policy, for an exit code the policy does not ignore, and when the container ran at least
 * restartAttemptPeriod since it last started (which also allows one restart per period). Pure.
 */
export function restartDecision(
  def: ContainerDefinition | undefined,
  exitCode: number,
  ranMs: number,
): RestartDecision {
  const period = restartAttemptPeriodMs(def);
  if (period === undefined) return { restart: false, why: 'no-policy' };
  if (def?.restartPolicy?.ignoredExitCodes?.includes(exitCode))
    return { restart: false, why: 'ignored-exit-code' };
  if (ranMs < period) return { restart: false, why: 'ran-too-briefly' };
  return { restart: true };
}

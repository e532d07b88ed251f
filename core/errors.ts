/**
 * Every error the product raises on purpose. Step Functions matches `ErrorEquals` on the error's
 * `name`, so the names are stable and listed once here; the ASL and the tests both read ERROR_NAMES.
 */
export const ERROR_NAMES = {
  /** The plan document is malformed or fails the schema. */
  PlanInvalid: 'PlanInvalidError',
  /** An event, input file or argument has the wrong shape. */
  InputInvalid: 'InputInvalidError',
  /** Another rollout holds the cluster lock. */
  LockHeld: 'LockHeldError',
  /** A task definition cannot be migrated (Fargate, no ADOT container, clashes, budget...). */
  Unmigratable: 'UnmigratableError',
  /** A task definition cannot be reverted (no baseline, baseline unusable). */
  Unrevertable: 'UnrevertableError',
  /** A service or cluster named in the plan does not exist or is not usable. */
  ServiceNotFound: 'ServiceNotFoundError',
  /** The AWS API or Loki/AMP asked us to slow down (throttling, HTTP 429). */
  Throttled: 'ThrottledError',
  /** A dependency failed in a way worth retrying (5xx, timeout, connection reset). */
  Transient: 'TransientError',
  /** A dependency refused the request for good (4xx other than 429, access denied). */
  DependencyRejected: 'DependencyRejectedError',
  /** A deployment ended FAILED or ran past its deadline. */
  DeploymentFailed: 'DeploymentFailedError',
  /** A verification check ended failed, or in error at its deadline. */
  CheckFailed: 'CheckFailedError',
  /**
   * A child mode (service-migrate, service-rollback) was started by something other than a live
   * parent execution of this state machine that holds the cluster lock. The ASL's Route refuses
   * with the same name when the parent link is missing altogether.
   */
  ChildModeRefused: 'ChildModeRefused',
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** Errors worth retrying with backoff (ASL Retry); everything else is caught into rollback. */
export const RETRYABLE_ERROR_NAMES: readonly ErrorName[] = [ERROR_NAMES.Throttled, ERROR_NAMES.Transient];

export class RolloutError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = errorName;
  }
}

function errorClass(errorName: ErrorName) {
  return class extends RolloutError {
    constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
      super(errorName, message, details, options);
    }
  };
}

export class PlanInvalidError extends errorClass(ERROR_NAMES.PlanInvalid) {}
export class InputInvalidError extends errorClass(ERROR_NAMES.InputInvalid) {}
export class LockHeldError extends errorClass(ERROR_NAMES.LockHeld) {}
export class UnmigratableError extends errorClass(ERROR_NAMES.Unmigratable) {}
export class UnrevertableError extends errorClass(ERROR_NAMES.Unrevertable) {}
export class ServiceNotFoundError extends errorClass(ERROR_NAMES.ServiceNotFound) {}
export class ThrottledError extends errorClass(ERROR_NAMES.Throttled) {}
export class TransientError extends errorClass(ERROR_NAMES.Transient) {}
export class DependencyRejectedError extends errorClass(ERROR_NAMES.DependencyRejected) {}
export class DeploymentFailedError extends errorClass(ERROR_NAMES.DeploymentFailed) {}
export class CheckFailedError extends errorClass(ERROR_NAMES.CheckFailed) {}
export class ChildModeRefusedError extends errorClass(ERROR_NAMES.ChildModeRefused) {}

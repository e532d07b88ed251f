import type { UserMode } from '../../core/execution';
import type { Plan } from '../../core/plan/schema';
import type { FailureCause, Report } from '../../core/report/types';

/** Where the run came from; the execution name and `requestedBy` are derived from it. */
export interface GitHubRun {
  readonly repository: string;
  readonly runId: string;
  readonly runAttempt: number;
  readonly actor?: string;
}

/** Every input of the Action, validated once by `parseInputs()` (frozen). */
export interface ActionInputs {
  readonly mode: UserMode;
  readonly stateMachineArn: string;
  /** The region of the state machine (from `aws-region`, or else from its ARN). */
  readonly region: string;
  /** The plan file as given (for messages). */
  readonly planFile: string;
  /** The plan exactly as the user wrote it (decoded YAML/JSON): this is what the execution receives. */
  readonly planDocument: Readonly<Record<string, unknown>>;
  /** The same plan after validation (defaults filled in): used for names and the summary. */
  readonly plan: Plan;
  readonly services?: readonly string[];
  readonly phase?: string;
  readonly wait: boolean;
  readonly timeoutMinutes?: number;
  /**
   * How long (ms) to keep trying when the cluster lock is held by another execution: the refused
   * execution ends, and after a backoff the Action starts the same step again. Absent: do not wait.
   */
  readonly waitForLockMs?: number;
  readonly github: GitHubRun;
}

export interface Annotation {
  readonly title?: string;
}

/** The few things the rollout needs from its host: @actions/core in the runner, the console elsewhere. */
export interface ActionIO {
  info(message: string): void;
  warning(message: string, annotation?: Annotation): void;
  /** An error annotation in the runner. It does not fail the job by itself. */
  error(message: string, annotation?: Annotation): void;
  startGroup(name: string): void;
  endGroup(): void;
  setOutput(name: string, value: string): void;
  appendSummary(markdown: string): Promise<void>;
}

/**
 * How the Action saw the rollout end. `RUNNING` means the Action stopped watching (wait: false,
 * or timeout-minutes) while the execution goes on.
 */
export type ActionStatus =
  | 'SUCCEEDED'
  | 'ROLLED_BACK'
  | 'FAILED'
  | 'REFUSED'
  /** A `verify` run found drifted or unhealthy services; it changed nothing. */
  | 'VERIFY_FAILED'
  | 'ABORTED'
  | 'TIMED_OUT'
  | 'RUNNING';

export interface ActionFailure {
  /** Short annotation title, e.g. "Rolled back: history / logs". */
  readonly title: string;
  /** Names the service, the check and the cause. */
  readonly message: string;
  readonly cause?: FailureCause;
}

export interface ActionResult {
  readonly status: ActionStatus;
  readonly executionArn: string;
  /** True when an existing execution was followed instead of starting one. */
  readonly attached: boolean;
  readonly report?: Report;
  readonly migratedServices: readonly string[];
  readonly rolledBackServices: readonly string[];
  /** Set when the job must fail; the annotation has already been written through `io.error`. */
  readonly failure?: ActionFailure;
}

import * as z from 'zod';
import type { Progress } from '../execution';
import type { CheckResult, FailureCause, ServiceReport } from '../report/types';
import type { ChildOutput } from './parent-record';

/**
 * Pieces of the execution's state document that one step writes (ResultPath) and a later step
 * reads back. Handlers receive the whole state (`state.$: "$"`), so these schemas only check the
 * pieces a handler needs and ignore the rest.
 */

/** The error Step Functions caught (Catch ResultPath): `Error` is the name, `Cause` a string. */
export const caughtSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type Caught = z.infer<typeof caughtSchema>;

/** When a polled step started, how long it may take (ms, from the plan), and how often it ran. */
export const pollWindowSchema = z.object({
  startedAtMs: z.number(),
  allowanceMs: z.number().min(0),
  attempts: z.number().int().min(0),
});
export type PollWindow = z.infer<typeof pollWindowSchema>;

/** A step's own verdict after the deadline rule: pending means "poll again", failed goes to rollback. */
export type StepVerdict = 'passed' | 'failed' | 'pending';

/** What every polled step returns (DeploymentPoll, VerifyLogs, VerifyMetrics, VerifyCloudWatch, LokiPoll). */
export interface StepResult {
  readonly verdict: StepVerdict;
  readonly check: CheckResult;
  readonly window: PollWindow;
  /** Seconds the state machine waits before polling again (`nextPollSeconds`), for the Wait state. */
  readonly waitSeconds: number;
  readonly progress: Progress;
  /** Set when the verdict is failed: the compact cause, and the same as JSON for the Fail state's CausePath. */
  readonly cause?: FailureCause;
  readonly causeText?: string;
  /** Set by the last step of a child: the service's full record. */
  readonly summary?: ServiceReport;
  /** Set with `summary`: the child's output, the full record and the compact one the parent keeps. */
  readonly output?: ChildOutput;
  /**
   * Set by VerifyCloudWatch after the rollback of a failed migration: the child's Fail Cause,
   * the compact cause with `summary` beside it, bounded (`childFailureText`).
   */
  readonly childCauseText?: string;
}

export const checkResultSchema = z.object({
  name: z.string(),
  verdict: z.enum(['passed', 'failed', 'pending', 'error', 'skipped']),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  durationMs: z.number(),
  attempts: z.number().optional(),
});

export const failureCauseSchema = z.object({
  service: z.string().optional(),
  check: z.string(),
  message: z.string(),
  evidence: z.unknown().optional(),
});

export const stepResultSchema = z.object({
  verdict: z.enum(['passed', 'failed', 'pending']),
  check: checkResultSchema,
  window: pollWindowSchema,
  waitSeconds: z.number().optional(),
  cause: z.record(z.string(), z.unknown()).optional(),
  causeText: z.string().optional(),
});

/** What UpdateService and Rollback(apply) leave for DeploymentPoll: the deployment to watch. */
export const deploymentTargetSchema = z.object({
  taskDefinitionArn: z.string().min(1),
  /** Null when the service already ran the wanted revision (nothing was deployed). */
  deploymentId: z.string().min(1).nullable(),
  window: pollWindowSchema,
});
export type DeploymentTarget = z.infer<typeof deploymentTargetSchema>;

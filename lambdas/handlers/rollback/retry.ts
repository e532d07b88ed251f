import { now } from '../../clock';
import * as z from 'zod';
import { ServiceNotFoundError } from '../../../core/errors';
import { workItemSchema, type Progress } from '../../../core/execution';
import {
  causeFromState,
  checkFromState,
  checkResultSchema,
  childFailureText,
  decideRollbackRetry,
  freshPollWindow,
  nextWindow,
  rollbackStateSchema,
  serviceSummary,
  type PollWindow,
  type RollbackState,
} from '../../../core/orchestration';
import type { CheckResult } from '../../../core/report/types';
import { describeService, updateService } from '../../adapters/ecs';
import { ensureLogGroups } from '../../adapters/log-groups';
import { createEcsClient } from '../../clients/aws-ecs';
import { createLogsClient } from '../../clients/aws-logs';
import { parseEvent, taskEventSchema } from '../../event';
import { loadPlan, planField, servicePlanOf, verifiedChecks, verifyField } from '../../shared';

const retrySchema = taskEventSchema(
  ['retry'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    rollback: rollbackStateSchema,
    rollbackDeployment: z.looseObject({ check: checkResultSchema }),
    verify: verifyField,
    register: z
      .looseObject({ startedAt: z.string().optional(), warnings: z.array(z.string()).optional() })
      .optional(),
  }),
);

/** The next attempt: what DeploymentPoll watches, and the window its first poll starts from. */
export type RetryResult = RollbackState & {
  readonly attempt: number;
  readonly failedAttempts: CheckResult[];
  /** Written over `$.rollbackDeployment` so the new attempt's polls start afresh. */
  readonly pollReset: { readonly window: PollWindow };
  readonly progress: Progress;
};

/** The rollback stopped: the child fails with `childCauseText` (the cause and every attempt). */
export type GiveUpResult = RollbackState & {
  readonly gaveUp: true;
  readonly attempt: number;
  readonly failedAttempts: CheckResult[];
  readonly childCauseText: string;
  readonly progress: Progress;
};

/**
 * `retry` (child), after the rollback deployment failed: core decides whether another deployment
 * of the same target can help; if so the log groups are ensured again (a missing group is a common
 * reason for ADOT tasks not to start) and the deployment is forced, else the child gives up with
 * its whole chain of checks.
 */
export async function retry(event: unknown): Promise<RetryResult | GiveUpResult> {
  const { state } = parseEvent(retrySchema, event, 'Rollback');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = { ecs: createEcsClient(plan.region), logs: createLogsClient(plan.region) };
  const target = state.rollback.taskDefinitionArn;
  const attempt = state.rollback.attempt ?? 1;
  const current = await describeService(aws.ecs, plan.cluster, svc.ecsService).catch((error: unknown) => {
    // A service that is gone is a reason to give up, not an error to retry the Lambda for.
    if (error instanceof ServiceNotFoundError) return undefined;
    throw error;
  });
  const decision = decideRollbackRetry({
    service: svc.name,
    target,
    attempt,
    failed: checkFromState(state.rollbackDeployment.check),
    earlier: (state.rollback.failedAttempts ?? []).map(checkFromState),
    current,
    rollbackOf: state.rollback.cause && causeFromState(state.rollback.cause),
  });
  const nowMs = now();

  if (decision.kind === 'give-up') {
    const summary = serviceSummary({
      service: state.service,
      outcome: 'failed',
      taskDefinitionAfter: target,
      checks: [...verifiedChecks(state.verify), ...decision.attempts, decision.check],
      startedAt: state.register?.startedAt ?? new Date(state.rollback.startedAtMs).toISOString(),
      finishedAt: new Date(nowMs).toISOString(),
      warnings: [...(state.register?.warnings ?? []), decision.check.message],
    });
    return {
      ...state.rollback,
      gaveUp: true,
      attempt,
      failedAttempts: decision.attempts,
      childCauseText: childFailureText(decision.cause, summary),
      progress: {
        service: svc.name,
        step: 'rollback',
        status: 'failed',
        message: decision.check.message,
        evidence: decision.check.evidence,
      },
    };
  }

  const ensured = await ensureLogGroups(aws.logs, state.rollback.logGroups, plan.rollback.retentionDays);
  const deploymentId = await updateService(aws.ecs, {
    cluster: plan.cluster,
    service: svc.ecsService,
    taskDefinition: target,
    forceNewDeployment: true,
  });
  const window = nextWindow(undefined, nowMs, plan.verification.deploymentTimeout);
  const failedMessage = decision.attempts[decision.attempts.length - 1]?.message ?? '';
  return {
    ...state.rollback,
    deploymentId,
    window,
    attempt: decision.attempt,
    failedAttempts: decision.attempts,
    pollReset: { window: freshPollWindow(window) },
    progress: {
      service: svc.name,
      step: 'rollback',
      status: 'info',
      message: `${failedMessage}; deploying ${target} again (attempt ${decision.attempt}, deployment ${deploymentId ?? 'unknown'})`,
      evidence: { target, deploymentId, attempt: decision.attempt, logGroups: ensured },
    },
  };
}

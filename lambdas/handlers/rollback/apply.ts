import { now } from '../../clock';
import * as z from 'zod';
import { UnrevertableError } from '../../../core/errors';
import {
  CHILD_MODES,
  USER_MODES,
  workItemSchema,
  type Progress,
  type WorkItem,
} from '../../../core/execution';
import {
  breakerChanges,
  breakerOf,
  causeText,
  caughtSchema,
  circuitBreakerRecordSchema,
  decideRollback,
  describeCaught,
  nextWindow,
  rollbackCircuitBreaker,
  type CircuitBreakerRecord,
  type DeploymentTarget,
} from '../../../core/orchestration';
import type { FailureCause } from '../../../core/report/types';
import { BASELINE_TAG, collectorOf, revert, toRegisterInput } from '../../../core/taskdef';
import {
  describeService,
  describeTaskDefinition,
  registerTaskDefinition,
  updateService,
} from '../../adapters/ecs';
import { awslogsGroupsOf, ensureLogGroups, watchedContainers } from '../../adapters/log-groups';
import { createEcsClient } from '../../clients/aws-ecs';
import { createLogsClient } from '../../clients/aws-logs';
import { parseEvent, taskEventSchema } from '../../event';
import { loadPlan, planField, servicePlanOf, shadowVerifyField, verifyField } from '../../shared';
import { parentLinkFields, requireLiveParent } from '../../parent-gate';

const applySchema = taskEventSchema(
  ['apply'],
  z.looseObject({
    mode: z.enum([...CHILD_MODES, ...USER_MODES]),
    plan: planField,
    service: workItemSchema,
    reason: z.enum(['migrate', 'rollback']).optional(),
    failure: caughtSchema.optional(),
    verify: verifyField,
    register: z.unknown().optional(),
    update: z.unknown().optional(),
    shadowUpdate: z.unknown().optional(),
    shadowVerify: shadowVerifyField,
    ...parentLinkFields,
  }),
);

export type ApplyResult = DeploymentTarget & {
  readonly startedAtMs: number;
  /** When UpdateService returned (or the service was found already on its baseline). */
  readonly updatedAtMs: number;
  /** The revision the service ran when the rollback started. */
  readonly rolledBackFrom: string;
  readonly logGroups: string[];
  /** Which deployment of the target this is: apply makes the first, each retry the next. */
  readonly attempt: number;
  /** After a failed migration: why; the child then fails with this cause once the rollback is verified. */
  readonly cause?: FailureCause;
  readonly causeText?: string;
  /** ECS's own rollback off while the rollback deploys, and what goes back once it is verified. */
  readonly circuitBreaker?: CircuitBreakerRecord;
  readonly progress: Progress;
};

/** Why the migration of this service failed, from the caught error or the step that failed. */
function originalCause(state: {
  service: WorkItem;
  failure?: z.infer<typeof caughtSchema> | undefined;
  verify?: z.infer<typeof verifyField>;
  register?: unknown;
  update?: unknown;
  shadowUpdate?: unknown;
  shadowVerify?: z.infer<typeof shadowVerifyField>;
}): FailureCause {
  if (state.failure) {
    const cause = describeCaught(state.failure, state.service.name).cause;
    if (cause.check !== 'error') return cause;
    // An unexpected error names no check: the step that raised it is the first without a result.
    const shadowed = (state.register as { shadow?: unknown } | undefined)?.shadow !== undefined;
    const steps: [string, unknown][] = [
      ['register', state.register],
      ...(shadowed
        ? ([
            ['update-service-shadow', state.shadowUpdate],
            ['shadow', state.shadowVerify],
          ] as [string, unknown][])
        : []),
      ['update-service', state.update],
      ['verify', state.verify],
    ];
    return { ...cause, check: steps.find(([, result]) => result === undefined)?.[0] ?? 'error' };
  }
  // The shadow step runs before the final revision: when it failed, Verify never ran.
  const step = state.verify ?? state.shadowVerify;
  if (step?.verdict === 'failed' && step.cause)
    return { ...step.cause, service: step.cause.service ?? state.service.name } as FailureCause;
  return {
    service: state.service.name,
    check: 'error',
    message: 'the migration failed without a recorded cause',
  };
}

/**
 * `apply` (child): puts one service back on ADOT + awslogs (the baseline revision, re-registered
 * if it was deregistered, or for a manual rollback `revert(current, baseline)` keeping newer app
 * images), makes sure its log groups exist, and starts the deployment DeploymentPoll then watches.
 */
export async function apply(event: unknown): Promise<ApplyResult> {
  const { executionArn, state } = parseEvent(applySchema, event, 'Rollback');
  const plan = loadPlan(state.plan);
  // The first Lambda of a service-rollback child (a service-migrate child passed the gate at Register).
  if (state.mode === 'service-rollback') await requireLiveParent(executionArn, state, plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = { ecs: createEcsClient(plan.region), logs: createLogsClient(plan.region) };
  const startedAtMs = now();
  const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
  const currentArn = service.taskDefinition ?? state.service.taskDefinitionArn;
  const current = await describeTaskDefinition(aws.ecs, currentArn);
  const baselineArn = current.tags?.find((t) => t.key === BASELINE_TAG)?.value ?? state.service.baselineArn;
  const baseline = await describeTaskDefinition(aws.ecs, baselineArn);
  const action = decideRollback({
    reason: state.reason ?? 'migrate',
    currentArn,
    currentCollector: collectorOf(current),
    baselineArn,
    baselineStatus: baseline.taskDefinition.status,
  });

  let taskDefinitionArn = currentArn;
  let deploymentId: string | null = null;
  let targetBody = toRegisterInput(current);
  if (action.kind !== 'nothing') {
    if (action.kind === 'baseline') {
      taskDefinitionArn = action.taskDefinitionArn;
      targetBody = toRegisterInput(baseline);
    } else {
      if (action.kind === 'revert') {
        const reverted = revert(current, baseline);
        targetBody = reverted.taskDefinition;
      } else {
        targetBody = toRegisterInput(baseline);
      }
      if (targetBody.containerDefinitions.length === 0)
        throw new UnrevertableError(`baseline ${baselineArn} has no containers`, { baselineArn });
      taskDefinitionArn = await registerTaskDefinition(aws.ecs, targetBody);
    }
  }
  // Log groups first: tasks of the baseline fail to start when their awslogs group is missing.
  const ensured = await ensureLogGroups(
    aws.logs,
    awslogsGroupsOf(targetBody, plan, svc.name),
    plan.rollback.retentionDays,
  );
  // What VerifyCloudWatch reads: the groups of the containers the rollout follows, the ones the
  // plan's logGroupPattern names (and the Lambdas may read). The collector's own group is neither.
  const logGroups = awslogsGroupsOf(targetBody, plan, svc.name, watchedContainers(targetBody, svc));
  let circuitBreaker: CircuitBreakerRecord | undefined;
  if (action.kind !== 'nothing') {
    const before = breakerOf(service.deploymentConfiguration?.deploymentCircuitBreaker);
    const migration = circuitBreakerRecordSchema.safeParse(
      (state.update as { circuitBreaker?: unknown } | undefined)?.circuitBreaker,
    );
    circuitBreaker = rollbackCircuitBreaker(plan, before, migration.success ? migration.data : undefined);
    deploymentId = await updateService(aws.ecs, {
      cluster: plan.cluster,
      service: svc.ecsService,
      taskDefinition: taskDefinitionArn,
      ...(breakerChanges(circuitBreaker, before)
        ? {
            deploymentConfiguration: {
              ...service.deploymentConfiguration,
              deploymentCircuitBreaker: circuitBreaker.applied,
            },
          }
        : {}),
    });
  }
  // When the service was pointed back (or found already there): how fast a failure turned around.
  const updatedAtMs = now();

  const cause = state.mode === 'service-migrate' ? originalCause(state) : undefined;
  const window = nextWindow(undefined, startedAtMs, plan.verification.deploymentTimeout);
  const what =
    action.kind === 'nothing'
      ? `${svc.ecsService} already on ADOT + awslogs (${currentArn})`
      : `${svc.ecsService} back to ${taskDefinitionArn} (${action.kind})`;
  return {
    taskDefinitionArn,
    deploymentId,
    window,
    startedAtMs,
    updatedAtMs,
    rolledBackFrom: currentArn,
    logGroups,
    attempt: 1,
    ...(circuitBreaker ? { circuitBreaker } : {}),
    ...(cause ? { cause, causeText: causeText(cause) } : {}),
    progress: {
      service: svc.name,
      step: 'rollback',
      status: 'ok',
      message: `${what}; log groups created: ${ensured.created.length > 0 ? ensured.created.join(', ') : 'none'}`,
      evidence: {
        action: action.kind,
        from: currentArn,
        to: taskDefinitionArn,
        deploymentId,
        logGroups: ensured,
        cause,
      },
    },
  };
}

import { now } from '../clock';
import * as z from 'zod';
import type { Progress } from '../../core/execution';
import {
  breakerChanges,
  breakerOf,
  circuitBreakerRecordSchema,
  migrationCircuitBreaker,
  nextWindow,
  type CircuitBreakerRecord,
  type DeploymentTarget,
} from '../../core/orchestration';
import { describeService, updateService } from '../adapters/ecs';
import { createEcsClient } from '../clients/aws-ecs';
import { parseEvent, taskEventSchema } from '../event';
import { InputInvalidError } from '../../core/errors';
import { loadPlan, planField, servicePlanOf, workItemField } from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['migrate', 'shadow', 'restore-circuit-breaker', 'restore-circuit-breaker-after-rollback'],
  z.looseObject({
    plan: planField,
    service: workItemField,
    // Absent in a service-rollback child, which only ever restores the breaker.
    register: z
      .looseObject({
        taskDefinitionArn: z.string().min(1),
        shadow: z.looseObject({ taskDefinitionArn: z.string().min(1) }).optional(),
      })
      .optional(),
    /** The shadow step's record: the service's setting before the shadow deployment switched the net on. */
    shadowUpdate: z.looseObject({ circuitBreaker: circuitBreakerRecordSchema.optional() }).optional(),
    update: z.looseObject({ circuitBreaker: circuitBreakerRecordSchema.optional() }).optional(),
    rollback: z.looseObject({ circuitBreaker: circuitBreakerRecordSchema.optional() }).optional(),
  }),
);

export type UpdateServiceResult = DeploymentTarget & {
  readonly circuitBreaker?: CircuitBreakerRecord;
  readonly progress: Progress;
};

export interface RestoreResult {
  readonly progress: Progress;
}

/**
 * Points the service at the registered revision (`migrate`), or at the shadow revision Register
 * made for a phase with a shadow step (`shadow`); a service already on it starts no deployment.
 * The same call switches the deployment circuit breaker with rollback on (plan `safetyNet`), so
 * the deployment has ECS's own way back even when nothing of the orchestrator runs any more.
 * `restore-circuit-breaker` puts the service's own breaker back after a verified migration.
 */
async function handleUpdateService(event: unknown): Promise<UpdateServiceResult | RestoreResult> {
  const { action, state } = parseEvent(eventSchema, event, 'UpdateService');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = { ecs: createEcsClient(plan.region) };
  const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
  const current = breakerOf(service.deploymentConfiguration?.deploymentCircuitBreaker);

  if (action === 'restore-circuit-breaker' || action === 'restore-circuit-breaker-after-rollback') {
    const afterRollback = action === 'restore-circuit-breaker-after-rollback';
    const record = afterRollback ? state.rollback?.circuitBreaker : state.update?.circuitBreaker;
    if (!record)
      throw new InputInvalidError(
        `UpdateService ${action}: no record of the breaker ${afterRollback ? 'Rollback' : 'UpdateService'} switched for ${svc.name} (expected $.${afterRollback ? 'rollback' : 'update'}.circuitBreaker)`,
      );
    const restored = breakerChanges({ ...record, applied: record.previous }, current);
    if (restored)
      await updateService(aws.ecs, {
        cluster: plan.cluster,
        service: svc.ecsService,
        // The revision it runs: only the deployment configuration changes, so no deployment starts.
        ...(service.taskDefinition ? { taskDefinition: service.taskDefinition } : {}),
        deploymentConfiguration: {
          ...service.deploymentConfiguration,
          deploymentCircuitBreaker: record.previous,
        },
      });
    return {
      progress: {
        service: svc.name,
        step: 'circuit-breaker',
        status: restored ? 'ok' : 'skipped',
        message: restored
          ? `${svc.ecsService}: deployment circuit breaker put back to enable=${record.previous.enable}, rollback=${record.previous.rollback}` +
            (afterRollback
              ? ' after the verified rollback (its deployments ran without ECS rolling them back to the Alloy revision)'
              : ' (plan safetyNet.restoreCircuitBreaker)')
          : `${svc.ecsService}: deployment circuit breaker already enable=${current.enable}, rollback=${current.rollback}`,
        evidence: { previous: record.previous, before: current },
      },
    };
  }

  const register = state.register;
  if (!register)
    throw new InputInvalidError(
      `UpdateService ${action}: Register's result is missing for ${svc.name} (expected $.register.taskDefinitionArn)`,
    );
  const shadow = register.shadow;
  if (action === 'shadow' && !shadow)
    throw new InputInvalidError(
      `UpdateService shadow: Register made no shadow revision for ${svc.name} (expected $.register.shadow.taskDefinitionArn; the phase has no shadow step, or the service already ran Alloy)`,
    );
  const taskDefinitionArn =
    action === 'shadow' && shadow ? shadow.taskDefinitionArn : register.taskDefinitionArn;
  const window = nextWindow(undefined, now(), plan.verification.deploymentTimeout);
  const step = action === 'shadow' ? 'update-service-shadow' : 'update-service';
  const breaker = migrationCircuitBreaker(plan, current, state.shadowUpdate?.circuitBreaker?.previous);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (service.taskDefinition === taskDefinitionArn && primary?.taskDefinition === taskDefinitionArn) {
    return {
      taskDefinitionArn,
      deploymentId: primary.id ?? null,
      window,
      // Nothing deploys: the breaker is left as it is, and nothing is to be restored.
      circuitBreaker: { previous: current, applied: current, restore: false },
      progress: {
        service: svc.name,
        step,
        status: 'skipped',
        message: `${svc.ecsService} already runs ${taskDefinitionArn}`,
      },
    };
  }
  const switchBreaker = breakerChanges(breaker, current);
  const deploymentId = await updateService(aws.ecs, {
    cluster: plan.cluster,
    service: svc.ecsService,
    taskDefinition: taskDefinitionArn,
    ...(switchBreaker
      ? {
          deploymentConfiguration: {
            ...service.deploymentConfiguration,
            deploymentCircuitBreaker: breaker.applied,
          },
        }
      : {}),
  });
  return {
    taskDefinitionArn,
    deploymentId,
    window,
    circuitBreaker: breaker,
    progress: {
      service: svc.name,
      step,
      status: 'ok',
      message:
        `${svc.ecsService} updated to ${taskDefinitionArn} (deployment ${deploymentId ?? 'unknown'})` +
        (switchBreaker
          ? `; deployment circuit breaker with rollback switched on for the migration (was enable=${current.enable}, rollback=${current.rollback})`
          : ''),
      evidence: { deploymentId, taskDefinitionArn, circuitBreaker: breaker },
    },
  };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('UpdateService', handleUpdateService);

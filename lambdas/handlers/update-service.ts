import { now } from '../clock';
import * as z from 'zod';
import type { Progress } from '../../core/execution';
import { nextWindow, type DeploymentTarget } from '../../core/orchestration';
import { describeService, updateService } from '../adapters/ecs';
import { createEcsClient } from '../clients/aws-ecs';
import { parseEvent, taskEventSchema } from '../event';
import { InputInvalidError } from '../../core/errors';
import { loadPlan, planField, servicePlanOf, workItemField } from '../shared';

const eventSchema = taskEventSchema(
  ['migrate', 'shadow'],
  z.looseObject({
    plan: planField,
    service: workItemField,
    register: z.looseObject({
      taskDefinitionArn: z.string().min(1),
      shadow: z.looseObject({ taskDefinitionArn: z.string().min(1) }).optional(),
    }),
  }),
);

export type UpdateServiceResult = DeploymentTarget & { readonly progress: Progress };

/**
 * Points the service at the registered revision (`migrate`), or at the shadow revision Register
 * made for a phase with a shadow step (`shadow`); a service already on it starts no deployment.
 */
export async function handler(event: unknown): Promise<UpdateServiceResult> {
  const { action, state } = parseEvent(eventSchema, event, 'UpdateService');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = { ecs: createEcsClient(plan.region) };
  const shadow = state.register.shadow;
  if (action === 'shadow' && !shadow)
    throw new InputInvalidError(
      `UpdateService shadow: Register made no shadow revision for ${svc.name} (expected $.register.shadow.taskDefinitionArn; the phase has no shadow step, or the service already ran Alloy)`,
    );
  const taskDefinitionArn =
    action === 'shadow' && shadow ? shadow.taskDefinitionArn : state.register.taskDefinitionArn;
  const window = nextWindow(undefined, now(), plan.verification.deploymentTimeout);
  const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (service.taskDefinition === taskDefinitionArn && primary?.taskDefinition === taskDefinitionArn) {
    return {
      taskDefinitionArn,
      deploymentId: primary.id ?? null,
      window,
      progress: {
        service: svc.name,
        step: action === 'shadow' ? 'update-service-shadow' : 'update-service',
        status: 'skipped',
        message: `${svc.ecsService} already runs ${taskDefinitionArn}`,
      },
    };
  }
  const deploymentId = await updateService(aws.ecs, {
    cluster: plan.cluster,
    service: svc.ecsService,
    taskDefinition: taskDefinitionArn,
  });
  return {
    taskDefinitionArn,
    deploymentId,
    window,
    progress: {
      service: svc.name,
      step: action === 'shadow' ? 'update-service-shadow' : 'update-service',
      status: 'ok',
      message: `${svc.ecsService} updated to ${taskDefinitionArn} (deployment ${deploymentId ?? 'unknown'})`,
      evidence: { deploymentId, taskDefinitionArn },
    },
  };
}

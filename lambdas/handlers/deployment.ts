import { now } from '../clock';
import * as z from 'zod';
import { InputInvalidError } from '../../core/errors';
import {
  deploymentTargetSchema,
  nextWindow,
  pollWindowSchema,
  type StepResult,
} from '../../core/orchestration';
import { assessDeployment } from '../../core/verify';
import { describeService } from '../adapters/ecs';
import { createEcsClient } from '../clients/aws-ecs';
import { parseEvent, taskEventSchema } from '../event';
import { pollStep } from '../poll-step';
import { loadPlan, planField, servicePlanOf, workItemField } from '../shared';

const previous = z.looseObject({ window: pollWindowSchema }).optional();
const eventSchema = taskEventSchema(
  ['migrate', 'rollback'],
  z.looseObject({
    plan: planField,
    service: workItemField,
    update: deploymentTargetSchema.optional(),
    rollback: deploymentTargetSchema.optional(),
    deployment: previous,
    rollbackDeployment: previous,
  }),
);

/**
 * One look at the deployment that UpdateService (action migrate) or Rollback (action rollback)
 * started. COMPLETED passes, FAILED fails, anything else is pending until the plan's
 * deploymentTimeout, counted from the update.
 */
export async function handler(event: unknown): Promise<StepResult> {
  const { action, state } = parseEvent(eventSchema, event, 'Deployment');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const target = action === 'migrate' ? state.update : state.rollback;
  if (!target)
    throw new InputInvalidError(
      `Deployment: bad event: state.${action === 'migrate' ? 'update' : 'rollback'} is missing; expected the deployment to watch`,
    );
  const aws = { ecs: createEcsClient(plan.region) };
  const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
  const nowMs = now();
  const prior = action === 'migrate' ? state.deployment : state.rollbackDeployment;
  // The window opened when the update was made, so the deadline counts the whole deployment.
  const window = prior
    ? nextWindow(prior.window, nowMs, plan.verification.deploymentTimeout)
    : { ...target.window, attempts: 1 };
  const name = action === 'migrate' ? 'deployment' : 'rollback-deployment';
  const assessment = assessDeployment({ name, service, expectedTaskDefinition: target.taskDefinitionArn });
  return pollStep({ plan, service: svc.name, step: name, assessment, window, nowMs });
}

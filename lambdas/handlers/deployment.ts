import { now } from '../clock';
import * as z from 'zod';
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
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['rollback'],
  z.looseObject({
    plan: planField,
    service: workItemField,
    rollback: deploymentTargetSchema,
    rollbackDeployment: z.looseObject({ window: pollWindowSchema }).optional(),
  }),
);

/**
 * One look at the deployment that Rollback (`apply` or `retry`) started. COMPLETED passes, FAILED
 * fails, anything else is pending until the plan's deploymentTimeout, counted from the rollback.
 * (A migration's deployment is watched by Verify, together with the checks.)
 */
async function handleDeployment(event: unknown): Promise<StepResult> {
  const { state } = parseEvent(eventSchema, event, 'Deployment');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const target = state.rollback;
  const service = await describeService(createEcsClient(plan.region), plan.cluster, svc.ecsService);
  const nowMs = now();
  // The window opened when the rollback was made, so the deadline counts the whole deployment.
  const prior = state.rollbackDeployment;
  const window = prior
    ? nextWindow(prior.window, nowMs, plan.verification.deploymentTimeout)
    : { ...target.window, attempts: 1 };
  const name = 'rollback-deployment';
  const assessment = assessDeployment({ name, service, expectedTaskDefinition: target.taskDefinitionArn });
  return pollStep({ plan, service: svc.name, step: name, assessment, window, nowMs });
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Deployment', handleDeployment);

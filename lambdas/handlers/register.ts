import { now } from '../clock';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { timingSchema, type Progress } from '../../core/execution';
import { migrate } from '../../core/taskdef';
import { awsCall } from '../adapters/aws-errors';
import { describeService, describeTaskDefinition, registerTaskDefinition } from '../adapters/ecs';
import { createEcsClient } from '../clients/aws-ecs';
import { createSsmClient } from '../clients/aws-ssm';
import { parseEvent, taskEventSchema } from '../event';
import { loadPlan, planField, servicePlanOf, workItemField } from '../shared';

const eventSchema = taskEventSchema(
  ['register'],
  z.looseObject({ plan: planField, service: workItemField, timing: timingSchema }),
);

export interface RegisterResult {
  readonly taskDefinitionArn: string;
  readonly baselineArn: string;
  /** False when the service already ran Alloy (a re-run): nothing was registered. */
  readonly registered: boolean;
  readonly configParameter?: string;
  readonly warnings: string[];
  readonly startedAt: string;
  readonly progress: Progress;
}

// SSM standard parameters hold 4 KB; bigger configs need the advanced tier.
const STANDARD_TIER_LIMIT = 4096;

/** Renders the Alloy task definition from the service's current one, stores the config, registers it. */
export async function handler(event: unknown): Promise<RegisterResult> {
  const { state } = parseEvent(eventSchema, event, 'Register');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = { ecs: createEcsClient(plan.region), ssm: createSsmClient(plan.region) };
  const startedAt = new Date(now()).toISOString();
  const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
  const currentArn = service.taskDefinition ?? state.service.taskDefinitionArn;
  const current = await describeTaskDefinition(aws.ecs, currentArn);
  const result = migrate(current, svc, plan, { baselineArn: state.service.baselineArn });
  if (result.kind === 'already-migrated') {
    return {
      taskDefinitionArn: currentArn,
      baselineArn: state.service.baselineArn,
      registered: false,
      warnings: [result.reason],
      startedAt,
      progress: { service: svc.name, step: 'register', status: 'skipped', message: result.reason },
    };
  }
  await awsCall(`ssm:PutParameter ${result.configParameter}`, () =>
    aws.ssm.send(
      new PutParameterCommand({
        Name: result.configParameter,
        Value: result.alloyConfig,
        Type: 'String',
        Overwrite: true,
        Tier: Buffer.byteLength(result.alloyConfig) > STANDARD_TIER_LIMIT ? 'Advanced' : 'Standard',
      }),
    ),
  );
  const taskDefinitionArn = await registerTaskDefinition(aws.ecs, result.taskDefinition);
  return {
    taskDefinitionArn,
    baselineArn: state.service.baselineArn,
    registered: true,
    configParameter: result.configParameter,
    warnings: result.warnings,
    startedAt,
    progress: {
      service: svc.name,
      step: 'register',
      status: 'ok',
      message: `registered ${taskDefinitionArn} (Alloy sidecar, json-file logs), baseline ${state.service.baselineArn}`,
      evidence: {
        taskDefinitionArn,
        baselineArn: state.service.baselineArn,
        configParameter: result.configParameter,
        warnings: result.warnings,
      },
    },
  };
}

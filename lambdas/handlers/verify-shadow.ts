import * as z from 'zod';
import { workItemSchema } from '../../core/execution';
import { InputInvalidError } from '../../core/errors';
import {
  deploymentTargetSchema,
  nextWindow,
  pollWindowSchema,
  type StepResult,
} from '../../core/orchestration';
import { shadowOf } from '../../core/plan/shadow';
import type { Plan, ShadowPlan } from '../../core/plan/schema';
import { shadowStreamName } from '../../core/taskdef';
import { assessDeployment, taskIdOf } from '../../core/verify';
import {
  assessShadow,
  SHADOW_CLOSE_LAG_MS,
  shadowWindow,
  type ShadowStreamRef,
} from '../../core/verify/shadow';
import { createLogsClient } from '../clients/aws-logs';
import { now } from '../clock';
import { parseEvent, taskEventSchema } from '../event';
import { measureShadowCounts } from '../measure/shadow';
import { pollStep, readDeployment } from '../poll-step';
import { loadPlan, planField, servicePlanOf } from '../shared';
import { instrumented } from '../observability/instrumented';

const streamSchema = z.object({
  container: z.string().min(1),
  logGroup: z.string().min(1),
  streamPrefix: z.string().min(1),
});

const eventSchema = taskEventSchema(
  ['shadow'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    register: z.looseObject({
      shadow: z.looseObject({ taskDefinitionArn: z.string().min(1), streams: z.array(streamSchema) }),
    }),
    shadowUpdate: deploymentTargetSchema,
    shadowVerify: z.looseObject({ window: pollWindowSchema }).optional(),
  }),
);

/**
 * How long the shadow step may take from the shadow update: the deployment, the window itself,
 * the close lag, and two polls to see it closed.
 */
export function shadowAllowanceMs(plan: Plan, shadow: ShadowPlan): number {
  return (
    plan.verification.deploymentTimeout +
    shadow.duration +
    SHADOW_CLOSE_LAG_MS +
    2 * plan.verification.pollInterval
  );
}

/**
 * One poll of the shadow step: the shadow deployment and, once it completed and its window
 * closed, CloudWatch's awslogs events against Loki's lines per task and main container
 * (core/verify/shadow.ts decides). Passed goes on to the json-file revision, failed to the
 * rollback, pending polls again; pending past the allowance is failed.
 */
async function handleVerifyShadow(event: unknown): Promise<StepResult> {
  const { state } = parseEvent(eventSchema, event, 'VerifyShadow');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const shadow = shadowOf(plan, svc.name);
  if (!shadow)
    throw new InputInvalidError(
      `VerifyShadow: the phase "${svc.phase}" of ${svc.name} has no shadow step (expected phases[].shadow in the plan)`,
    );
  const target = state.shadowUpdate.taskDefinitionArn;
  const { service, tasks } = await readDeployment(plan, svc, target);
  const nowMs = now();
  const window =
    state.shadowVerify?.window ??
    nextWindow(undefined, state.shadowUpdate.window.startedAtMs, shadowAllowanceMs(plan, shadow));
  const polled = state.shadowVerify ? nextWindow(window, nowMs, window.allowanceMs) : window;
  const deployment = assessDeployment({ name: 'shadow', service, expectedTaskDefinition: target });
  const counting = shadowWindow({
    taskStartsMs: tasks.flatMap((t) => (t.startedAtMs !== undefined ? [t.startedAtMs] : [])),
    durationMs: shadow.duration,
  });
  const streams: ShadowStreamRef[] = tasks.flatMap((t) =>
    state.register.shadow.streams.map((s) => ({
      taskId: taskIdOf(t.taskArn),
      container: s.container,
      logGroup: s.logGroup,
      logStream: shadowStreamName(s, taskIdOf(t.taskArn)),
    })),
  );
  const completed = deployment.verdict === 'passed';
  const counts =
    completed && counting && nowMs >= counting.readyAtMs
      ? await measureShadowCounts({
          plan,
          logs: createLogsClient(plan.region),
          service: svc.name,
          streams,
          window: counting.window,
        })
      : undefined;
  const assessment =
    deployment.verdict === 'failed'
      ? deployment
      : assessShadow({
          service: svc.name,
          minCompleteness: shadow.minCompleteness,
          durationMs: shadow.duration,
          nowMs,
          window: counting,
          deploymentCompleted: completed,
          streams,
          cloudwatch: counts?.cloudwatch,
          loki: counts?.loki,
          ...(counts ? { requests: counts.requests } : {}),
        });
  const result = pollStep({ plan, service: svc.name, step: 'shadow', assessment, window: polled, nowMs });
  if (result.verdict !== 'pending' || !completed || !counting) return result;
  // Only the count at the window's close decides: once the deployment completed, the next poll
  // lands there (within the allowance) instead of every interval on the way.
  const deadlineMs = polled.startedAtMs + polled.allowanceMs;
  const untilCount = Math.ceil((Math.min(counting.readyAtMs, deadlineMs) - nowMs) / 1000);
  return { ...result, waitSeconds: Math.max(result.waitSeconds, untilCount) };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('VerifyShadow', handleVerifyShadow);

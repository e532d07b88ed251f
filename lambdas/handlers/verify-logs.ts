import { now } from '../clock';
import * as z from 'zod';
import { workItemSchema } from '../../core/execution';
import {
  deploymentTargetSchema,
  evaluationTime,
  nextWindow,
  pollWindowSchema,
  type StepResult,
} from '../../core/orchestration';
import { jsonErrorsByTask, latestSamples, logLinesByTask, streamLabelsSelector } from '../../core/queries';
import { assessLogs } from '../../core/verify';
import { lokiClientFor } from '../adapters/loki-client';
import { measure } from '../adapters/observability';
import { parseEvent, taskEventSchema } from '../event';
import { loadCheckedService, pollStep } from '../poll-step';
import { planField } from '../shared';

const eventSchema = taskEventSchema(
  ['logs'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    update: deploymentTargetSchema,
    logs: z.looseObject({ window: pollWindowSchema }).optional(),
  }),
);

/**
 * Every running task of the new deployment has lines in Loki under its own task_id, the streams
 * carry the required labels, and JSON lines parse. Polled until the plan's logs deadline.
 */
export async function handler(event: unknown): Promise<StepResult> {
  const { state } = parseEvent(eventSchema, event, 'VerifyLogs');
  const { plan, svc, taskArns } = await loadCheckedService(state, state.update.taskDefinitionArn);
  const loki = await lokiClientFor(plan);
  const nowMs = now();
  const window = nextWindow(state.logs?.window, nowMs, plan.verification.logs.deadline);
  // Evidence as it stood at the deadline at the latest: lines that arrived later never count.
  const atMs = evaluationTime(window, nowMs);
  const windowMs = plan.verification.logs.window;
  const scope = { cluster: plan.cluster, service: svc.name };
  const linesQuery = logLinesByTask(scope, windowMs);
  const errorsQuery = jsonErrorsByTask(scope, windowMs);
  const selector = streamLabelsSelector(scope);
  const lines = await measure(linesQuery, async () => latestSamples(await loki.query(linesQuery, atMs)));
  const jsonErrors = await measure(errorsQuery, async () =>
    latestSamples(await loki.query(errorsQuery, atMs)),
  );
  const streams = await measure(selector, () => loki.series([selector], atMs - windowMs, atMs));
  const assessment = assessLogs({
    name: 'logs',
    service: svc.name,
    window: { startMs: atMs - windowMs, endMs: atMs },
    expectedTaskIds: taskArns,
    requiredLabels: plan.verification.logs.requiredLabels,
    maxJsonErrorRatio: plan.verification.logs.maxJsonErrorRatio,
    linesByTask: lines,
    jsonErrorsByTask: jsonErrors,
    streams,
  });
  return pollStep({ plan, service: svc.name, step: 'logs', assessment, window, nowMs, measuredAtMs: atMs });
}

import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { z } from 'zod';
import { workItemSchema } from '../../core/execution';
import {
  checkResultSchema,
  deploymentTargetSchema,
  nextWindow,
  pollWindowSchema,
  serviceSummary,
  settleStep,
  type StepResult,
} from '../../core/orchestration';
import type { CheckResult } from '../../core/report/types';
import { assessCloudWatch, type LogStreamSeen } from '../../core/verify';
import { translateAwsError } from '../adapters/aws-errors';
import { runningTasksOf } from '../adapters/ecs';
import { measure } from '../adapters/observability';
import { createAwsClients } from '../clients/aws';
import { parseEvent, taskEventSchema } from '../event';
import { loadPlan, planField, servicePlanOf, stepResult } from '../shared';

const withCheck = z.looseObject({ check: checkResultSchema }).optional();
const eventSchema = taskEventSchema(
  ['cloudwatch'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    rollback: deploymentTargetSchema.extend({ startedAtMs: z.number(), logGroups: z.array(z.string()) }),
    cloudwatch: z.looseObject({ window: pollWindowSchema }).optional(),
    deployment: withCheck,
    logs: withCheck,
    metrics: withCheck,
    rollbackDeployment: withCheck,
    register: z.looseObject({ startedAt: z.string().optional() }).optional(),
  }),
);

// Enough pages to see every task's stream right after a rollback without reading whole groups.
const MAX_PAGES = 5;

async function newestEventsPerStream(
  logs: CloudWatchLogsClient,
  groups: readonly string[],
  sinceMs: number,
): Promise<LogStreamSeen[]> {
  const newest = new Map<string, LogStreamSeen>();
  for (const logGroupName of groups) {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      let out;
      try {
        out = await logs.send(
          new FilterLogEventsCommand({
            logGroupName,
            startTime: sinceMs,
            ...(nextToken ? { nextToken } : {}),
          }),
        );
      } catch (err) {
        throw translateAwsError(err, `logs:FilterLogEvents ${logGroupName}`);
      }
      for (const e of out.events ?? []) {
        if (!e.logStreamName) continue;
        const key = `${logGroupName}\u0000${e.logStreamName}`;
        const seen = newest.get(key)?.newestEventMs ?? 0;
        if ((e.timestamp ?? 0) >= seen)
          newest.set(key, { logGroupName, logStreamName: e.logStreamName, newestEventMs: e.timestamp });
      }
      nextToken = out.nextToken;
      pages += 1;
    } while (nextToken && pages < MAX_PAGES);
  }
  return [...newest.values()];
}

/** After a rollback: every task of the baseline deployment writes to CloudWatch again. */
export async function handler(event: unknown): Promise<StepResult> {
  const { state } = parseEvent(eventSchema, event, 'VerifyCloudWatch');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = createAwsClients(plan.region);
  const tasks = await runningTasksOf(aws.ecs, plan.cluster, svc.ecsService, state.rollback.taskDefinitionArn);
  const query = `FilterLogEvents ${state.rollback.logGroups.join(', ')} since ${new Date(state.rollback.startedAtMs).toISOString()}`;
  const streams = await measure(query, () =>
    newestEventsPerStream(aws.logs, state.rollback.logGroups, state.rollback.startedAtMs),
  );
  const nowMs = Date.now();
  const window = nextWindow(state.cloudwatch?.window, nowMs, plan.rollback.verifyDeadline);
  const assessment = assessCloudWatch({
    name: 'cloudwatch',
    service: svc.name,
    logGroups: state.rollback.logGroups,
    rollbackStartedAtMs: state.rollback.startedAtMs,
    nowMs,
    expectedTaskIds: tasks.map((t) => t.taskArn),
    streams,
  });
  const { verdict, check } = settleStep(assessment, window, nowMs);
  const result = stepResult({ service: svc.name, step: 'cloudwatch', verdict, check, window });
  if (verdict !== 'passed') return result;
  const checks = [
    state.deployment?.check,
    state.logs?.check,
    state.metrics?.check,
    state.rollbackDeployment?.check,
    check,
  ] as (CheckResult | undefined)[];
  return {
    ...result,
    summary: serviceSummary({
      service: state.service,
      outcome: 'rolled-back',
      taskDefinitionAfter: state.rollback.taskDefinitionArn,
      checks,
      startedAt: state.register?.startedAt ?? new Date(state.rollback.startedAtMs).toISOString(),
      finishedAt: new Date(nowMs).toISOString(),
    }),
  };
}

import { now } from '../clock';
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import * as z from 'zod';
import { workItemSchema } from '../../core/execution';
import {
  childFailureText,
  childOutput,
  checkFromState,
  evaluationTime,
  nextWindow,
  pollWindowSchema,
  rollbackDeploymentChecks,
  rollbackStateSchema,
  serviceSummary,
  type StepResult,
} from '../../core/orchestration';
import type { CheckResult, FailureCause } from '../../core/report/types';
import { assessCloudWatch, type LogStreamSeen } from '../../core/verify';
import { translateAwsError } from '../adapters/aws-errors';
import { createLogsClient } from '../clients/aws-logs';
import { measure } from '../adapters/observability';
import { parseEvent, taskEventSchema } from '../event';
import { loadCheckedService, pollStep } from '../poll-step';
import {
  planField,
  priorCheckField,
  shadowChecks,
  shadowVerifyField,
  verifiedChecks,
  verifyField,
} from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['cloudwatch'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    rollback: rollbackStateSchema,
    cloudwatch: z.looseObject({ window: pollWindowSchema }).optional(),
    verify: verifyField,
    shadowVerify: shadowVerifyField,
    rollbackDeployment: priorCheckField,
    register: z
      .looseObject({ startedAt: z.string().optional(), warnings: z.array(z.string()).optional() })
      .optional(),
  }),
);

// Enough pages to see every task's stream right after a rollback without reading whole groups.
const MAX_PAGES = 5;

async function newestEventsPerStream(
  logs: CloudWatchLogsClient,
  groups: readonly string[],
  sinceMs: number,
  untilMs: number,
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
            endTime: untilMs,
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
async function handleVerifyCloudWatch(event: unknown): Promise<StepResult> {
  const { executionArn, state } = parseEvent(eventSchema, event, 'VerifyCloudWatch');
  const { plan, svc, taskArns } = await loadCheckedService(state, state.rollback.taskDefinitionArn);
  const nowMs = now();
  const window = nextWindow(state.cloudwatch?.window, nowMs, plan.rollback.verifyDeadline);
  // Events as they stood at the deadline at the latest: an event written later does not count.
  const atMs = evaluationTime(window, nowMs);
  const query = `FilterLogEvents ${state.rollback.logGroups.join(', ')} from ${new Date(state.rollback.startedAtMs).toISOString()} to ${new Date(atMs).toISOString()}`;
  const streams = await measure(query, () =>
    newestEventsPerStream(
      createLogsClient(plan.region),
      state.rollback.logGroups,
      state.rollback.startedAtMs,
      atMs,
    ),
  );
  const assessment = assessCloudWatch({
    name: 'cloudwatch',
    service: svc.name,
    logGroups: state.rollback.logGroups,
    rollbackStartedAtMs: state.rollback.startedAtMs,
    nowMs: atMs,
    expectedTaskIds: taskArns,
    streams,
  });
  const result = pollStep({
    plan,
    service: svc.name,
    step: 'cloudwatch',
    assessment,
    window,
    nowMs,
    measuredAtMs: atMs,
  });
  if (result.verdict !== 'passed') return result;
  const checks = [
    ...shadowChecks(state.shadowVerify),
    ...verifiedChecks(state.verify),
    // Every deployment attempt of the rollback under its own name: a retry does not hide the failure.
    ...rollbackDeploymentChecks({
      earlier: (state.rollback.failedAttempts ?? []).map(checkFromState),
      last: state.rollbackDeployment && checkFromState(state.rollbackDeployment.check),
      attempt: state.rollback.attempt ?? 1,
    }),
    result.check,
  ] as (CheckResult | undefined)[];
  const summary = serviceSummary({
    service: state.service,
    outcome: 'rolled-back',
    taskDefinitionAfter: state.rollback.taskDefinitionArn,
    checks,
    startedAt: state.register?.startedAt ?? new Date(state.rollback.startedAtMs).toISOString(),
    finishedAt: new Date(nowMs).toISOString(),
    warnings: state.register?.warnings,
  });
  const cause = state.rollback.cause as FailureCause | undefined;
  // After a failed migration the child fails (ServiceRolledBack) with this text as its Cause, so
  // the parent reports the service as completely as one that migrated.
  if (cause) return { ...result, summary, childCauseText: childFailureText(cause, summary) };
  // A requested rollback succeeds: its output is the full record and the compact one for the parent.
  const output = childOutput(summary, {
    executionArn,
    planDocument: state.plan,
    plan,
    workItem: state.service,
  });
  return { ...result, summary, output };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('VerifyCloudWatch', handleVerifyCloudWatch);

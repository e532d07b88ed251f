import * as z from 'zod';
import { workItemSchema, type Progress } from '../../core/execution';
import {
  advanceAudit,
  auditStateSchema,
  causeText,
  type AuditMeasurement,
  type AuditState,
  type AuditStep,
} from '../../core/orchestration';
import type { FailureCause } from '../../core/report/types';
import { auditService } from '../audit-service';
import { now } from '../clock';
import { createEcsClient } from '../clients/aws-ecs';
import { parseEvent, taskEventSchema } from '../event';
import { loadPlan, planField, progressStatus, servicePlanOf } from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['audit'],
  z.looseObject({
    plan: planField,
    preflight: z.looseObject({ work: z.array(workItemSchema) }),
    audit: z.looseObject({ state: auditStateSchema }).optional(),
  }),
);

/** Services measured at once in one poll. */
export const AUDIT_CONCURRENCY = 8;

/** What Audit leaves at `$.audit`: the verdict, the wait before the next poll, every service's checks. */
export interface AuditResult {
  readonly verdict: AuditStep['verdict'];
  readonly waitSeconds: number;
  readonly state: AuditState;
  readonly cause?: FailureCause;
  readonly causeText?: string;
  readonly progress: Progress;
}

/**
 * One poll of a `verify` run: each service Preflight found that is not judged yet is read from
 * ECS, AMP and Loki (lambdas/audit-service), and core/orchestration `advanceAudit` decides.
 * Read-only: Describe/List calls and queries, nothing registered, updated or written.
 */
async function handleAudit(event: unknown): Promise<AuditResult> {
  const { state } = parseEvent(eventSchema, event, 'Audit');
  const plan = loadPlan(state.plan);
  const previous = state.audit?.state as AuditState | undefined;
  const judged = new Set(
    (previous?.services ?? []).filter((s) => s.verdict !== 'pending').map((s) => s.name),
  );
  const names = state.preflight.work.map((w) => w.name);
  const ecs = createEcsClient(plan.region);
  const atMs = now();
  const measured: AuditMeasurement[] = [];
  const pending = names.filter((n) => !judged.has(n));
  // A few services at a time: each one is several ECS calls and queries, and a cluster of hundreds
  // must not meet ECS's and Loki's rate limits all at once.
  for (let i = 0; i < pending.length; i += AUDIT_CONCURRENCY)
    measured.push(
      ...(await Promise.all(
        pending
          .slice(i, i + AUDIT_CONCURRENCY)
          .map((n) => auditService(plan, servicePlanOf(plan, n), ecs, atMs)),
      )),
    );
  const { verification } = plan;
  const step = advanceAudit(
    previous,
    measured,
    { nowMs: atMs, serviceNames: names },
    {
      pollMs: verification.pollInterval,
      deadlineMs: {
        logs: verification.logs.deadline,
        metrics: verification.metrics.deadline,
        // Alloy's own metrics travel with the application's: the same deadline (as in Verify).
        'alloy-health': verification.metrics.deadline,
      },
      defaultDeadlineMs: Math.max(verification.logs.deadline, verification.metrics.deadline),
    },
  );
  return {
    verdict: step.verdict,
    waitSeconds: step.waitSeconds,
    state: step.state,
    ...(step.cause ? { cause: step.cause, causeText: causeText(step.cause) } : {}),
    progress: {
      step: 'audit',
      status: progressStatus(step.verdict),
      message: step.summary,
      evidence: {
        services: step.state.services.map((s) => ({
          service: s.name,
          verdict: s.verdict,
          taskDefinition: s.taskDefinitionArn,
        })),
      },
    },
  };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Audit', handleAudit);

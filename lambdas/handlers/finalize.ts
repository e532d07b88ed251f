import { now } from '../clock';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { USER_MODES, workItemSchema, type Progress } from '../../core/execution';
import {
  assembleReport,
  auditStateSchema,
  caughtSchema,
  checkResultSchema,
  failureCauseSchema,
  flattenDone,
  LOCK_ATTRIBUTES,
  lockNote,
  RELEASE_CONDITION,
  type AuditState,
  type ExecutionEnd,
  type FinalizeFacts,
} from '../../core/orchestration';
import { validatePlan } from '../../core/plan/parse';
import { orderedServices } from '../../core/plan/resolve';
import type { CheckResult, FailureCause, Report, ServiceReport } from '../../core/report/types';
import { translateAwsError } from '../adapters/aws-errors';
import { createDynamoDbClient } from '../clients/aws-dynamodb';
import { readEnv } from '../env';
import { parseEvent, taskEventSchema } from '../event';
import { instrumented } from '../observability/instrumented';

/** Finalize must run on any state, including one whose input was refused: every field is optional. */
const stateSchema = z.looseObject({
  mode: z.enum(USER_MODES).catch('migrate'),
  plan: z.unknown(),
  lock: z.looseObject({ acquiredAt: z.string().optional() }).optional(),
  refusal: caughtSchema.optional(),
  failure: caughtSchema.optional(),
  finalizeNote: caughtSchema.optional(),
  loki: z
    .looseObject({
      verdict: z.string().optional(),
      checks: z.array(checkResultSchema).optional(),
      cause: failureCauseSchema.optional(),
    })
    .optional(),
  grafana: z
    .looseObject({
      verdict: z.string().optional(),
      checks: z.array(checkResultSchema).optional(),
      cause: failureCauseSchema.optional(),
    })
    .optional(),
  grafanaDashboards: z.looseObject({ check: checkResultSchema.optional() }).optional(),
  preflight: z
    .looseObject({ work: z.array(workItemSchema).default([]), reports: z.array(z.any()).default([]) })
    .optional(),
  run: z.looseObject({ done: z.unknown() }).optional(),
  /** A verify run's audit (`$.audit`). */
  audit: z
    .looseObject({
      verdict: z.string().optional(),
      state: auditStateSchema.optional(),
      cause: failureCauseSchema.optional(),
    })
    .optional(),
  rollbackRun: z.looseObject({ done: z.unknown() }).optional(),
});
const eventSchema = taskEventSchema(['finalize'], stateSchema);

export type FinalizeResult = Report & { readonly progress: Progress; readonly end: ExecutionEnd | null };

/** The Grafana checkpoint's checks, then the dashboards check's latest result, for the report. */
function grafanaFacts(
  checkpoint: z.infer<typeof stateSchema>['grafana'],
  dashboards: z.infer<typeof checkResultSchema> | undefined,
): FinalizeFacts['grafana'] {
  if (!checkpoint && !dashboards) return undefined;
  const checks = [...(checkpoint?.checks ?? []), ...(dashboards ? [dashboards] : [])] as CheckResult[];
  return { verdict: checkpoint?.verdict, checks, cause: checkpoint?.cause as FailureCause | undefined };
}

/**
 * Releases the lock (only ours: idempotent, so Retry is safe) and returns the report. Runs on
 * every path of the parent, including refusals, so it reads the state defensively.
 */
async function handleFinalize(event: unknown): Promise<FinalizeResult> {
  const env = readEnv();
  const { executionArn, state } = parseEvent(eventSchema, event, 'Finalize');
  const parsed = validatePlan(state.plan);
  const raw = (state.plan ?? {}) as { cluster?: unknown; region?: unknown };
  const cluster = parsed.ok ? parsed.plan.cluster : typeof raw.cluster === 'string' ? raw.cluster : 'unknown';
  const region = parsed.ok ? parsed.plan.region : typeof raw.region === 'string' ? raw.region : undefined;

  // `$.lock` is only there once Lock succeeded: a run refused by (or before) the lock, and a mode
  // that takes none, never held it and must not claim to release it.
  // A verify run takes no lock: any lock on the cluster belongs to a migration or rollback running now.
  const lockHeld = state.mode !== 'verify' && state.lock !== undefined;
  let lockReleased = false;
  if (lockHeld && env.lockTableName && region) {
    const dynamodb = createDynamoDbClient(region);
    try {
      await dynamodb.send(
        new DeleteItemCommand({
          TableName: env.lockTableName,
          Key: { [LOCK_ATTRIBUTES.key]: { S: cluster } },
          ConditionExpression: RELEASE_CONDITION.expression,
          ExpressionAttributeNames: { ...RELEASE_CONDITION.names },
          ExpressionAttributeValues: { ':me': { S: executionArn } },
        }),
      );
    } catch (err) {
      // Already released (a retried Finalize) or taken over after expiry: not ours to delete.
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException')
        throw translateAwsError(err, 'dynamodb:DeleteItem (lock)');
    }
    lockReleased = true;
  }

  const { report, end } = assembleReport({
    mode: state.mode,
    cluster,
    executionArn,
    lockReleased,
    lockHeld,
    startedAt:
      state.lock?.acquiredAt ??
      (state.audit?.state ? new Date(state.audit.state.startedAtMs).toISOString() : undefined),
    finishedAt: new Date(now()).toISOString(),
    planned: parsed.ok
      ? orderedServices(parsed.plan).map((s) => ({ name: s.name, phase: s.phase, ecsService: s.ecsService }))
      : [],
    refusal: state.refusal,
    failure: state.failure,
    rollbackSelectionError: state.finalizeNote,
    loki: state.loki && {
      verdict: state.loki.verdict,
      checks: state.loki.checks as CheckResult[] | undefined,
      cause: state.loki.cause as FailureCause | undefined,
    },
    grafana: grafanaFacts(state.grafana, state.grafanaDashboards?.check),
    work: state.preflight?.work ?? [],
    preflightReports: (state.preflight?.reports ?? []) as ServiceReport[],
    migrated: flattenDone(state.run?.done ?? []),
    rollbacks: flattenDone(state.rollbackRun?.done ?? []),
    audit: state.audit && {
      verdict: state.audit.verdict,
      state: state.audit.state as AuditState | undefined,
      cause: state.audit.cause as FailureCause | undefined,
    },
  });
  const progress: Progress = {
    step: 'finalize',
    status: report.status === 'SUCCEEDED' ? 'ok' : 'failed',
    message: `${report.mode} ${report.status}${report.cause ? `: ${report.cause.message}` : ''}; ${lockNote(report)}`,
    evidence: { cause: report.cause },
  };
  return { ...report, progress, end };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Finalize', handleFinalize);

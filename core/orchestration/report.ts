import { EXECUTION_FAILURES, type UserMode, type WorkItem } from '../execution';
import type { CheckResult, FailureCause, Report, ServiceReport } from '../report/types';
import { causeText, describeCaught } from './cause';
import { assembleVerifyReport, type AuditFacts } from './audit-report';
import { expandRecord, isParentRecord } from './parent-record';
import { checkpointSections } from './checkpoint-sections';
import { boundReport } from './report-bound';
import { reportStatusOf, type ExecutionEnd } from './report-status';
import type { Caught } from './state';

export type { ExecutionEnd } from './report-status';

export interface PlannedService {
  readonly name: string;
  readonly phase: string;
  readonly ecsService: string;
}

/** Everything Finalize knows, already read from the state document. */
export interface FinalizeFacts {
  readonly mode: UserMode;
  readonly cluster: string;
  readonly executionArn: string;
  readonly lockReleased: boolean;
  /** Whether the run took the cluster lock (refused runs and lock-free modes did not). */
  readonly lockHeld?: boolean;
  readonly startedAt?: string | undefined;
  readonly finishedAt: string;
  /** Every plan service in rollout order (empty when the plan itself was refused). */
  readonly planned: readonly PlannedService[];
  /** Lock or Preflight failed: nothing changed. */
  readonly refusal?: Caught | undefined;
  /** A step after Preflight failed (LokiDeploy/LokiPoll error, or a child execution). */
  readonly failure?: Caught | undefined;
  /** SelectRollback itself failed: the other services could not be rolled back. */
  readonly rollbackSelectionError?: Caught | undefined;
  readonly loki?:
    | {
        readonly verdict?: string | undefined;
        readonly checks?: readonly CheckResult[] | undefined;
        readonly cause?: FailureCause | undefined;
      }
    | undefined;
  /** The Grafana checkpoint's state (`$.grafana`) and the dashboards check, when they ran. */
  readonly grafana?:
    | {
        readonly verdict?: string | undefined;
        readonly checks?: readonly CheckResult[] | undefined;
        readonly cause?: FailureCause | undefined;
      }
    | undefined;
  readonly work: readonly WorkItem[];
  /** Entries Preflight decided (skipped, planned with a diff). */
  readonly preflightReports: readonly ServiceReport[];
  /** Compact records (`parentRecord`) of the service-migrate children that succeeded, in order. */
  readonly migrated: readonly unknown[];
  /** Results of the service-rollback children: `{ record }` or a caught error. */
  readonly rollbacks: readonly unknown[];
  /** A `verify` run's audit (`$.audit`): its per-service verdicts and cause. */
  readonly audit?: AuditFacts | undefined;
}

function isReport(value: unknown): value is ServiceReport {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { outcome?: unknown }).outcome === 'string'
  );
}

function isCaught(value: unknown): value is Caught {
  return (
    value !== null && typeof value === 'object' && typeof (value as { Error?: unknown }).Error === 'string'
  );
}

function failedCheck(cause: FailureCause): CheckResult {
  return {
    name: cause.check,
    verdict: 'failed',
    message: cause.message,
    evidence: { values: cause.evidence },
    durationMs: 0,
  };
}

/** The record without the fields that say where the service ended. */
function withoutFinalState(s: ServiceReport): ServiceReport {
  const copy = { ...s };
  delete copy.finalCollector;
  delete copy.finalLogDriver;
  delete copy.logsReceivedBy;
  return copy;
}

/**
 * A child's own checks, plus the compact cause as a failed check when none of them records the
 * failure (an unexpected error raised by a step that returns no check, e.g. Register).
 */
function withFailedCheck(checks: readonly CheckResult[], cause: FailureCause): CheckResult[] {
  const recorded = checks.some((c) => c.name === cause.check && c.verdict !== 'passed');
  return recorded ? [...checks] : [...checks, failedCheck(cause)];
}

/**
 * The report (and how the execution ends) from what the run did, within REPORT_BUDGET_BYTES
 * (`boundReport`). Pure: Finalize only adds the lock release.
 */
export function assembleReport(facts: FinalizeFacts): { report: Report; end: ExecutionEnd | null } {
  if (facts.mode === 'verify') return assembleVerifyReport(facts, facts.audit);
  const services = new Map<string, ServiceReport>();
  for (const p of facts.planned)
    services.set(p.name, {
      name: p.name,
      phase: p.phase,
      ecsService: p.ecsService,
      outcome: 'untouched',
      checks: [],
    });
  const merge = (entry: ServiceReport) => {
    const known = services.get(entry.name);
    // A failed rollback leaves the service unverified: where the migration said it ended no longer holds.
    const before = known && entry.outcome === 'failed' ? withoutFinalState(known) : known;
    // Omitted checks add up; the child named last (a rollback after the migration) is kept.
    const omitted = (before?.omittedChecks ?? 0) + (entry.omittedChecks ?? 0);
    services.set(
      entry.name,
      before
        ? {
            ...before,
            ...entry,
            checks: [...before.checks, ...entry.checks],
            ...(omitted > 0 ? { omittedChecks: omitted } : {}),
          }
        : entry,
    );
  };
  const baselineOf = (name: string) => facts.work.find((w) => w.name === name)?.baselineArn;
  // A child's compact record gets back what the work list and the plan already say.
  const entryOf = (value: unknown): ServiceReport | undefined => {
    if (!isParentRecord(value)) return isReport(value) ? value : undefined;
    const work = facts.work.find((w) => w.name === value.name);
    const planned = services.get(value.name);
    return expandRecord(value, {
      phase: planned?.phase ?? work?.phase ?? '',
      ...(planned?.ecsService ? { ecsService: planned.ecsService } : {}),
      ...(work ? { taskDefinitionBefore: work.taskDefinitionArn } : {}),
      parentExecutionArn: facts.executionArn,
    });
  };
  facts.preflightReports.forEach(merge);
  for (const value of facts.migrated) {
    const entry = entryOf(value);
    if (entry) merge(entry);
  }

  let end: ExecutionEnd | null = null;
  let cause: FailureCause | undefined;
  let rollbackFailed = false;

  if (facts.refusal) {
    const described = describeCaught(facts.refusal);
    cause = described.cause;
    end = { error: EXECUTION_FAILURES.Refused, cause: causeText(cause) };
  } else {
    if (facts.loki?.verdict === 'failed' && facts.loki.cause) cause = facts.loki.cause;
    if (facts.grafana?.verdict === 'failed' && facts.grafana.cause) cause = facts.grafana.cause;
    let failedError: string | undefined;
    if (facts.failure) {
      const described = describeCaught(facts.failure);
      cause = described.cause;
      failedError = described.error;
      const name = cause.service;
      if (name && services.has(name)) {
        const rolledBack = described.error === EXECUTION_FAILURES.RolledBack;
        const record = described.serviceReport?.name === name ? described.serviceReport : undefined;
        const before = record?.taskDefinitionBefore ?? baselineOf(name);
        merge({
          ...record,
          name,
          phase: services.get(name)?.phase ?? record?.phase ?? '',
          outcome: rolledBack ? 'rolled-back' : 'failed',
          checks: withFailedCheck(record?.checks ?? [], cause),
          ...(before ? { taskDefinitionBefore: before } : {}),
          ...(described.childExecutionArn ? { childExecutionArn: described.childExecutionArn } : {}),
          ...(rolledBack
            ? {
                finalCollector: 'adot' as const,
                finalLogDriver: 'awslogs' as const,
                logsReceivedBy: 'cloudwatch' as const,
              }
            : {}),
        });
        if (!rolledBack) rollbackFailed = true;
      } else if (described.error === EXECUTION_FAILURES.Failed) {
        // A failure that names no service of ours (Loki, an unexpected error) touched nothing to roll back.
        rollbackFailed = true;
      }
    }
    if (facts.rollbackSelectionError) {
      rollbackFailed = true;
      cause ??= describeCaught(facts.rollbackSelectionError).cause;
    }
    for (const result of facts.rollbacks) {
      const done = result as { record?: unknown; output?: unknown };
      const entry = entryOf(done.record ?? done.output);
      if (entry) merge(entry);
      else if (isCaught(result)) {
        rollbackFailed = true;
        const described = describeCaught(result);
        cause ??= described.cause;
        const name = described.cause.service;
        // A rollback child that gave up carries its record (every attempt) beside the cause.
        const record = described.serviceReport?.name === name ? described.serviceReport : undefined;
        if (name && services.has(name))
          merge({
            ...record,
            name,
            phase: services.get(name)?.phase ?? '',
            outcome: 'failed',
            checks: withFailedCheck(record?.checks ?? [], described.cause),
            ...(described.childExecutionArn ? { childExecutionArn: described.childExecutionArn } : {}),
          });
      }
    }
    if (rollbackFailed) {
      cause ??= { check: 'rollback', message: 'a rollback could not be completed or verified' };
      end = { error: EXECUTION_FAILURES.Failed, cause: causeText(cause) };
    } else if (cause || failedError) {
      cause ??= { check: 'error', message: failedError ?? 'unknown failure' };
      end = { error: EXECUTION_FAILURES.RolledBack, cause: causeText(cause) };
    }
  }

  const status = reportStatusOf(end);
  const report: Report = {
    status,
    mode: facts.mode,
    cluster: facts.cluster,
    executionArn: facts.executionArn,
    lockReleased: facts.lockReleased,
    ...(facts.lockHeld !== undefined ? { lockHeld: facts.lockHeld } : {}),
    ...(cause ? { cause } : {}),
    ...checkpointSections(facts),
    services: [...services.values()],
    ...(facts.startedAt ? { startedAt: facts.startedAt } : {}),
    finishedAt: facts.finishedAt,
  };
  return { report: boundReport(report), end };
}

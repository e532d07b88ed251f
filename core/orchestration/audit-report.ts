import { EXECUTION_FAILURES } from '../execution';
import type { FailureCause, Report, ServiceReport } from '../report/types';
import { auditReports, type AuditState } from './audit';
import { causeText, describeCaught } from './cause';
import { checkpointSections } from './checkpoint-sections';
import { boundReport } from './report-bound';
import type { FinalizeFacts } from './report';
import { reportStatusOf, type ExecutionEnd } from './report-status';

/** What the audit left at `$.audit` for Finalize. */
export interface AuditFacts {
  readonly verdict?: string | undefined;
  readonly state?: AuditState | undefined;
  readonly cause?: FailureCause | undefined;
}

/**
 * The report of a `verify` run. It changed nothing and held no lock, so it ends SUCCEEDED,
 * REFUSED or FAILED (never ROLLED_BACK): refused before the audit (bad plan, unknown service) with
 * RolloutRefused, anything else with VerifyFailed and a cause naming each drifted or unhealthy
 * service (or the Loki checkpoint / the error that stopped it).
 */
export function assembleVerifyReport(
  facts: FinalizeFacts,
  audit: AuditFacts | undefined,
): { report: Report; end: ExecutionEnd | null } {
  const services = new Map<string, ServiceReport>();
  for (const p of facts.planned)
    services.set(p.name, {
      name: p.name,
      phase: p.phase,
      ecsService: p.ecsService,
      outcome: 'untouched',
      checks: [],
    });
  for (const entry of facts.preflightReports) services.set(entry.name, entry);
  if (audit?.state)
    for (const entry of auditReports(audit.state, facts.planned, facts.finishedAt))
      services.set(entry.name, entry);

  let cause: FailureCause | undefined;
  let end: ExecutionEnd | null = null;
  if (facts.refusal) {
    cause = describeCaught(facts.refusal).cause;
    end = { error: EXECUTION_FAILURES.Refused, cause: causeText(cause) };
  } else {
    // The dashboards check ran after the audit: its failure reaches Finalize as a failed check.
    const dashboards = facts.grafana?.checks?.find(
      (c) => c.name === 'grafana-dashboards' && c.verdict === 'failed',
    );
    if (facts.failure) cause = describeCaught(facts.failure).cause;
    else if (facts.loki?.verdict === 'failed' && facts.loki.cause) cause = facts.loki.cause;
    else if (facts.grafana?.verdict === 'failed' && facts.grafana.cause) cause = facts.grafana.cause;
    else if (audit?.verdict === 'failed')
      cause = audit.cause ?? { check: 'verify', message: 'the audit failed without a cause' };
    else if (audit?.verdict !== 'passed' && facts.work.length > 0)
      cause = { check: 'verify', message: 'the audit did not finish: no verdict for the migrated services' };
    else if (dashboards)
      cause = { check: dashboards.name, message: dashboards.message, evidence: dashboards.evidence };
    if (cause) end = { error: EXECUTION_FAILURES.VerifyFailed, cause: causeText(cause) };
  }
  const report: Report = {
    status: reportStatusOf(end),
    mode: 'verify',
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

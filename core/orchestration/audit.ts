import * as z from 'zod';
import type { Plan } from '../plan/schema';
import type { CheckResult, FailureCause, ServiceReport } from '../report/types';
import { settle, type Assessment } from '../verify';
import { jsonBytes, PARENT_STATE_BUDGET_BYTES } from './parent-record';
import { checkResultSchema, type StepVerdict } from './state';

/**
 * The `verify` mode's audit: every service the plan says is migrated is judged once (drift, then
 * logs, metrics and Alloy's health on its running tasks), polled by the state machine until each
 * service has a final verdict. A service is final as soon as one of its checks fails (the cause
 * is known; waiting longer changes nothing) or all of them passed; otherwise its checks are
 * measured again at the next poll, until each check's deadline counted from the audit's start.
 */

export const auditServiceSchema = z.object({
  name: z.string().min(1),
  /** The revision the ECS service runs (its PRIMARY deployment), null when it could not be read. */
  taskDefinitionArn: z.string().nullable(),
  /** Which collector that revision runs, for the report's finalCollector. */
  collector: z.enum(['alloy', 'adot', 'none']).nullable(),
  verdict: z.enum(['pending', 'passed', 'failed']),
  checks: z.array(checkResultSchema),
});
/** The schema's checks are CheckResults (zod's optional `attempts` differs only under exactOptionalPropertyTypes). */
export type AuditService = Omit<z.infer<typeof auditServiceSchema>, 'checks'> & { checks: CheckResult[] };

export const auditStateSchema = z.object({
  startedAtMs: z.number(),
  polls: z.number().int().min(0),
  services: z.array(auditServiceSchema),
});
export type AuditState = Omit<z.infer<typeof auditStateSchema>, 'services'> & { services: AuditService[] };

/** One service as measured by this poll (only services still pending are measured). */
export interface AuditMeasurement {
  readonly name: string;
  readonly taskDefinitionArn: string | null;
  readonly collector: 'alloy' | 'adot' | 'none' | null;
  readonly assessments: readonly Assessment[];
}

export interface AuditTiming {
  readonly pollMs: number;
  /** How long each check may stay pending, from the audit's start, by check name. */
  readonly deadlineMs: Readonly<Record<string, number>>;
  /** For a check not named in `deadlineMs`. */
  readonly defaultDeadlineMs: number;
}

export interface AuditStep {
  readonly state: AuditState;
  readonly verdict: StepVerdict;
  /** Seconds before the next poll (whole, at least 1): the poll interval, or sooner at a deadline. */
  readonly waitSeconds: number;
  readonly summary: string;
  /** Set when the verdict is failed: names every failed service and why. */
  readonly cause?: FailureCause;
}

function deadlineOf(name: string, timing: AuditTiming): number {
  return timing.deadlineMs[name] ?? timing.defaultDeadlineMs;
}

/** The check that decides a failed service: drift first (nothing else matters then), then the first failed. */
function decidingCheck(service: AuditService): CheckResult | undefined {
  const failed = service.checks.filter((c) => c.verdict === 'failed');
  return failed.find((c) => c.name === 'drift') ?? failed[0];
}

/** "history runs ADOT again: ..." (drift says the service itself) or "matching: logs: ...". */
export function auditFailureText(service: AuditService): string {
  const check = decidingCheck(service);
  if (!check) return `${service.name}: not judged`;
  return check.name === 'drift' ? check.message : `${service.name}: ${check.name}: ${check.message}`;
}

function causeOf(failed: readonly AuditService[], total: number): FailureCause {
  const checks = [...new Set(failed.map((s) => decidingCheck(s)?.name ?? 'verify'))];
  return {
    ...(failed.length === 1 && failed[0] ? { service: failed[0].name } : {}),
    check: checks.length === 1 && checks[0] ? checks[0] : 'verify',
    message: `${failed.length} of ${total} service(s) failed verification: ${failed.map(auditFailureText).join('; ')}`,
    evidence: {
      services: failed.map((s) => ({
        service: s.name,
        taskDefinition: s.taskDefinitionArn,
        failed: s.checks.filter((c) => c.verdict === 'failed').map((c) => c.name),
      })),
    },
  };
}

/**
 * One audit poll: settles this poll's measurements against their deadlines (core/verify
 * `settle`), keeps services judged before as they were, and decides the run. Pure.
 */
export function advanceAudit(
  previous: AuditState | undefined,
  measured: readonly AuditMeasurement[],
  clock: { readonly nowMs: number; readonly serviceNames: readonly string[] },
  timing: AuditTiming,
): AuditStep {
  const startedAtMs = previous?.startedAtMs ?? clock.nowMs;
  const polls = (previous?.polls ?? 0) + 1;
  const before = new Map((previous?.services ?? []).map((s) => [s.name, s]));
  const now = new Map(measured.map((m) => [m.name, m]));
  let nextAtMs = clock.nowMs + timing.pollMs;

  const services: AuditService[] = clock.serviceNames.map((name) => {
    const prior = before.get(name);
    if (prior && prior.verdict !== 'pending') return prior;
    const m = now.get(name);
    if (!m)
      return prior ?? { name, taskDefinitionArn: null, collector: null, verdict: 'pending', checks: [] };
    const settled = m.assessments.map((a) => {
      const deadlineMs = deadlineOf(a.name, timing);
      const s = settle(a, { startedAtMs, nowMs: clock.nowMs, deadlineMs, attempts: polls });
      if (s.decision === 'retry')
        nextAtMs = Math.min(nextAtMs, a.nextDeadlineMs ?? Infinity, startedAtMs + deadlineMs);
      return s;
    });
    const checks = settled.map((s) => s.result);
    const verdict: AuditService['verdict'] =
      checks.length === 0
        ? 'pending'
        : checks.some((c) => c.verdict === 'failed')
          ? 'failed'
          : settled.every((s) => s.decision === 'final')
            ? 'passed'
            : 'pending';
    return { name, taskDefinitionArn: m.taskDefinitionArn, collector: m.collector, verdict, checks };
  });

  const state = boundAuditState({ startedAtMs, polls, services });
  const pending = services.filter((s) => s.verdict === 'pending');
  const failed = services.filter((s) => s.verdict === 'failed');
  const passed = services.length - pending.length - failed.length;
  const counts = `${passed} verified, ${failed.length} failed, ${pending.length} still measured`;
  const waitSeconds = Math.max(1, Math.ceil((nextAtMs - clock.nowMs) / 1000));
  if (pending.length > 0)
    return {
      state,
      verdict: 'pending',
      waitSeconds,
      summary: `audit poll ${polls}: ${counts} (${pending.map((s) => s.name).join(', ')})`,
    };
  if (failed.length > 0) {
    const cause = causeOf(failed, services.length);
    return { state, verdict: 'failed', waitSeconds, summary: `audit: ${counts}: ${cause.message}`, cause };
  }
  return { state, verdict: 'passed', waitSeconds, summary: `audit: every service verified (${counts})` };
}

/**
 * The audit's share of the execution state (the plan, Preflight's work list and the Loki checks
 * take the rest of Step Functions' 256 KiB): measured at about 6.3 KB per service with every
 * check's evidence, so some 25 services fit whole.
 */
export const AUDIT_STATE_BUDGET_BYTES = Math.floor(PARENT_STATE_BUDGET_BYTES * 0.75);
const COMPACT_MESSAGE_CHARS = 200;
const SHORT_MESSAGE_CHARS = 80;
const VALUES_LEFT_OUT =
  'left out: the audit of this many services keeps measured values only for failed and pending ones';

/**
 * Within AUDIT_STATE_BUDGET_BYTES: past it, the checks of verified services keep their verdict,
 * query, window and threshold, and their measured values give way to a note; past it still, only
 * their verdict and a short message. The failed and pending services, the ones a reader needs,
 * keep everything. Each poll's Audit output in the
 * execution history is this same state, so nothing is kept anywhere that was dropped here.
 */
export function boundAuditState(state: AuditState, budget = AUDIT_STATE_BUDGET_BYTES): AuditState {
  if (jsonBytes(state) <= budget) return state;
  const verifiedWith = (compact: (c: CheckResult) => CheckResult): AuditState => ({
    ...state,
    services: state.services.map((s) =>
      s.verdict === 'passed' ? { ...s, checks: s.checks.map(compact) } : s,
    ),
  });
  const message = (c: CheckResult, chars: number) =>
    c.message.length > chars ? `${c.message.slice(0, chars - 1)}…` : c.message;
  // First the measured values go; then, for a cluster larger still, all but the verdict and a short message.
  const withoutValues = verifiedWith((c) => {
    const { query, window, threshold } = c.evidence;
    return {
      ...c,
      message: message(c, COMPACT_MESSAGE_CHARS),
      evidence: {
        ...(query !== undefined ? { query } : {}),
        ...(window !== undefined ? { window } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        values: VALUES_LEFT_OUT,
      },
    };
  });
  if (jsonBytes(withoutValues) <= budget) return withoutValues;
  return verifiedWith((c) => ({
    ...c,
    message: message(c, SHORT_MESSAGE_CHARS),
    evidence: { values: VALUES_LEFT_OUT },
  }));
}

/** The report entries of an audit: one per service, judged or (run cut short) still pending. */
export function auditReports(
  state: AuditState,
  planned: readonly { readonly name: string; readonly phase: string; readonly ecsService: string }[],
  finishedAt: string,
): ServiceReport[] {
  return state.services.flatMap((s) => {
    const p = planned.find((x) => x.name === s.name);
    if (!p) return [];
    const drifted = s.checks.some((c) => c.name === 'drift' && c.verdict === 'failed');
    const outcome: ServiceReport['outcome'] =
      s.verdict === 'passed'
        ? 'verified'
        : drifted
          ? 'drifted'
          : s.verdict === 'failed'
            ? 'unhealthy'
            : 'failed';
    return [
      {
        name: s.name,
        phase: p.phase,
        ecsService: p.ecsService,
        outcome,
        ...(s.taskDefinitionArn
          ? { taskDefinitionBefore: s.taskDefinitionArn, taskDefinitionAfter: s.taskDefinitionArn }
          : {}),
        ...(s.collector === 'alloy' || s.collector === 'adot' ? { finalCollector: s.collector } : {}),
        checks: [...s.checks],
        startedAt: new Date(state.startedAtMs).toISOString(),
        finishedAt,
      },
    ];
  });
}

/**
 * The Loki poll's starting state for a `verify` run: stage `ready` (the Loki handler's stages run
 * deployment -> ready -> canary...), no deployment to watch, a fresh window. A verify run never
 * calls the poll's `deploy` action, so the Loki service is never updated; this state takes its
 * place (Preflight returns it, a Pass state puts it at `$.loki`).
 */
export function verifyLokiStart(plan: Plan, nowMs: number) {
  return {
    stage: 'ready' as const,
    target: null,
    window: { startedAtMs: nowMs, allowanceMs: plan.verification.deploymentTimeout, attempts: 0 },
    checks: [] as CheckResult[],
  };
}

import type { CheckResult, FailureCause, ServiceReport } from '../report/types';
import { causeText, SERVICE_REPORT_KEY } from './cause';

/**
 * A child that rolled its service back fails with a Cause holding the compact cause AND the
 * service's record, so the parent's report is as complete for the failing service as for the
 * others. The parent's own Fail Cause stays compact (`causeText` keeps only the four fields).
 *
 * Why a cap, and why this one: a Fail state's Cause is at most 32,768 characters, and the child's
 * failure reaches the parent as the `startExecution.sync:2` task error's Cause, which is the
 * child's DescribeExecution result as JSON (its Input, with the plan, and its Cause escaped a
 * second time) and is itself held to 32,768 characters. 16,000 characters for the child's Cause
 * leave room for the escaping (quotes double) and a plan of several kilobytes.
 */
export const CHILD_CAUSE_LIMIT = 16_000;

/** A check's evidence longer than this (as JSON) is shortened to its query and window first. */
export const CHECK_EVIDENCE_LIMIT = 2_000;

/** The compact cause's own evidence is shortened when the compact cause alone passes this share. */
const COMPACT_SHARE = 0.5;

const sizeOf = (value: unknown): number => JSON.stringify(value).length;

/** Evidence reduced to what says what was measured: the query and the window, never the values. */
function slimEvidence(evidence: CheckResult['evidence'], reason: string): CheckResult['evidence'] {
  const query = typeof evidence.query === 'string' ? evidence.query.slice(0, 500) : undefined;
  return {
    ...(query !== undefined ? { query } : {}),
    ...(evidence.window ? { window: evidence.window } : {}),
    truncated: { reason, chars: sizeOf(evidence) },
  };
}

function withEvidence(check: CheckResult, evidence: CheckResult['evidence']): CheckResult {
  return { ...check, evidence };
}

const failedFirst = (c: CheckResult) => (c.verdict === 'passed' ? 0 : 1);

/**
 * The service record shortened until its JSON fits `maxChars`, in this order: evidence over
 * CHECK_EVIDENCE_LIMIT is slimmed; then the evidence of passed checks, then of every check, is
 * slimmed; then the diff goes; then checks are dropped, passed ones and the oldest first. Each
 * step taken is named in `warnings`, so the report says what it lacks. Pure.
 */
export function boundServiceReport(record: ServiceReport, maxChars: number): ServiceReport {
  if (sizeOf(record) <= maxChars) return record;
  const notes: string[] = [];
  let current: ServiceReport = { ...record, checks: [...record.checks] };
  const fits = () => sizeOf({ ...current, warnings: [...(current.warnings ?? []), ...notes] }) <= maxChars;
  const done = (): ServiceReport => ({ ...current, warnings: [...(current.warnings ?? []), ...notes] });

  const large = current.checks.filter((c) => sizeOf(c.evidence) > CHECK_EVIDENCE_LIMIT).length;
  if (large > 0) {
    current.checks = current.checks.map((c) =>
      sizeOf(c.evidence) > CHECK_EVIDENCE_LIMIT
        ? withEvidence(c, slimEvidence(c.evidence, `over ${CHECK_EVIDENCE_LIMIT} characters`))
        : c,
    );
    notes.push(
      `evidence of ${large} check(s) shortened to query and window (over ${CHECK_EVIDENCE_LIMIT} characters)`,
    );
    if (fits()) return done();
  }
  for (const which of ['passed', 'all'] as const) {
    current.checks = current.checks.map((c) =>
      (which === 'all' || c.verdict === 'passed') && !('truncated' in c.evidence)
        ? withEvidence(c, slimEvidence(c.evidence, `report record over ${maxChars} characters`))
        : c,
    );
    notes.push(
      `evidence of ${which === 'passed' ? 'passed' : 'all'} checks shortened to fit ${maxChars} characters`,
    );
    if (fits()) return done();
  }
  if (current.diff !== undefined) {
    current = { ...current };
    delete current.diff;
    notes.push('diff dropped to fit');
    if (fits()) return done();
  }
  // Passed checks go before failed ones, oldest first: the failure is what the report must show.
  const order = current.checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => failedFirst(a.c) - failedFirst(b.c) || a.i - b.i);
  const dropped = new Set<number>();
  for (const { i } of order) {
    dropped.add(i);
    const kept = current.checks.filter((_, j) => !dropped.has(j));
    const note = `${dropped.size} check(s) dropped to fit ${maxChars} characters`;
    const candidate = { ...current, checks: kept, warnings: [...(current.warnings ?? []), ...notes, note] };
    if (sizeOf(candidate) <= maxChars || kept.length === 0) {
      current = { ...current, checks: kept };
      notes.push(note);
      break;
    }
  }
  if (fits()) return done();
  // Only the identity is left to shorten: keep the fields the report is read by, and say so.
  return {
    name: record.name,
    phase: record.phase,
    outcome: record.outcome,
    ...(record.taskDefinitionBefore ? { taskDefinitionBefore: record.taskDefinitionBefore } : {}),
    ...(record.taskDefinitionAfter ? { taskDefinitionAfter: record.taskDefinitionAfter } : {}),
    checks: [],
    warnings: [`service record over ${maxChars} characters: checks, evidence and warnings dropped`],
  };
}

/** The compact cause, with its evidence shortened when it alone would take most of the budget. */
function boundCause(cause: FailureCause, maxChars: number): FailureCause {
  if (causeText(cause).length <= maxChars * COMPACT_SHARE) return cause;
  return {
    ...cause,
    message: cause.message.slice(0, 1_000),
    evidence: {
      truncated: {
        reason: `cause over ${maxChars * COMPACT_SHARE} characters`,
        chars: sizeOf(cause.evidence ?? null),
      },
    },
  };
}

/**
 * The Cause of a child that rolled its service back: `{service, check, message, evidence,
 * serviceReport}`, at most `maxChars` characters. Readers that only know the compact cause still
 * read its four fields; `describeCaught` also returns the record.
 */
export function childFailureText(
  cause: FailureCause,
  record: ServiceReport,
  maxChars: number = CHILD_CAUSE_LIMIT,
): string {
  const compact = boundCause(cause, maxChars);
  const head = causeText(compact);
  // `,"serviceReport":` and the closing brace.
  const room = maxChars - head.length - SERVICE_REPORT_KEY.length - 4;
  const bounded = boundServiceReport(record, room);
  const text = `${head.slice(0, -1)},"${SERVICE_REPORT_KEY}":${JSON.stringify(bounded)}}`;
  return text.length <= maxChars ? text : head;
}

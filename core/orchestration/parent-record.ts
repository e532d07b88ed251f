import { orderedServices } from '../plan/resolve';
import type { Plan } from '../plan/schema';
import type { CheckResult, ServiceOutcome, ServiceReport, Verdict } from '../report/types';

/**
 * The parent execution keeps, per service, only a compact record of what its child did; the
 * child's own output keeps the full service record with every check's evidence.
 *
 * Why: Step Functions holds every state's input and output, and every task result, to 256 KiB.
 * The parent's state carries the plan, Preflight's work list and one record per finished service,
 * so a record with the checks' evidence (about 3.6 KB) ended a 200-service rollout with
 * `States.DataLimitExceeded` after the services had migrated.
 */

/** Step Functions' limit on a state's input or output and on a task's result, in bytes of JSON. */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/**
 * What the parent's state is planned to use at most: the limit less 48 KiB for a caught child
 * failure (a Cause of up to 32,768 characters, which grows by a third or more once escaped
 * inside the state) and 16 KiB for the pieces that do not grow with the plan (lock, Loki
 * checks, the last child's record) and margin.
 */
export const PARENT_STATE_BUDGET_BYTES = 196_608;

/**
 * A record never takes more than this, whatever the budget: its evidence lives in the child.
 * Room for the messages of seven checks (shadow, deployment, logs, metrics, alloy-health and two
 * of the plan's) beside the child's ARN and times, so a small rollout's report keeps every line.
 */
export const RECORD_MAX_BYTES = 2_048;

/** A check's message is cut to this many characters in the record (the child keeps it whole). */
export const RECORD_MESSAGE_LIMIT = 120;

/** One check in the parent's record: what it was and how it ended, without evidence. */
export interface RecordCheck {
  readonly name: string;
  readonly verdict: Verdict;
  readonly message?: string;
  readonly durationMs: number;
}

/**
 * The service as the parent keeps it. Name, phase, ECS service and the revision it started on
 * are in the work list already, and the collector and log driver follow from the outcome:
 * `expandRecord` restores them, so the record does not repeat them.
 */
export interface ParentRecord {
  readonly name: string;
  readonly outcome: ServiceOutcome;
  readonly taskDefinitionAfter?: string;
  readonly checks: readonly RecordCheck[];
  /** Passed checks left out to fit the budget; the child's output has them. */
  readonly omittedChecks?: number;
  readonly warnings?: readonly string[];
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** The child execution whose output holds the full record with every check's evidence. */
  readonly childExecutionArn?: string;
  /**
   * Only the child execution's name, when the whole ARN does not fit: the child runs on its
   * parent's state machine, so its ARN is the parent's with the last part replaced.
   */
  readonly childExecutionName?: string;
}

/** UTF-8 bytes of the value as JSON: what Step Functions counts against its limit. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

const cap = (text: string, limit: number): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;

/**
 * How many bytes one service's record may take so that the parent's state stays within
 * PARENT_STATE_BUDGET_BYTES once every planned service has its record: what is left after the
 * plan (which the state carries whole) and one work item per service, shared out evenly.
 * A child computes it from its own input, so every child of a rollout gets the same budget.
 */
export function recordBudget(input: {
  readonly planBytes: number;
  readonly services: number;
  readonly workItemBytes: number;
}): number {
  const services = Math.max(1, input.services);
  // Three bytes per entry for the nesting of `$.run.done` (`[[...],x]`).
  const perService = Math.floor((PARENT_STATE_BUDGET_BYTES - input.planBytes) / services) - 3;
  return Math.max(0, Math.min(RECORD_MAX_BYTES, perService - input.workItemBytes));
}

const recordCheck = (c: CheckResult, withMessage: boolean): RecordCheck => ({
  name: c.name,
  verdict: c.verdict,
  ...(withMessage ? { message: cap(c.message, RECORD_MESSAGE_LIMIT) } : {}),
  durationMs: c.durationMs,
});

/**
 * The compact record of a service for its parent, at most `maxBytes` of JSON. Detail goes in
 * this order until it fits: the messages of passed checks; the passed checks (counted in
 * `omittedChecks`); warnings and timings; the child's ARN shortened to its name; the revision
 * after; the child's name. Checks that did not pass are kept to the end. Pure.
 */
export function parentRecord(
  summary: ServiceReport,
  childExecutionArn: string | undefined,
  maxBytes: number,
): ParentRecord {
  const passed = (c: CheckResult) => c.verdict === 'passed';
  const identity = { name: summary.name, outcome: summary.outcome };
  const after = summary.taskDefinitionAfter ? { taskDefinitionAfter: summary.taskDefinitionAfter } : {};
  const child = childExecutionArn ? { childExecutionArn } : {};
  const childName = childExecutionArn
    ? { childExecutionName: childExecutionArn.slice(childExecutionArn.lastIndexOf(':') + 1) }
    : {};
  const times = {
    ...(summary.warnings && summary.warnings.length > 0
      ? { warnings: summary.warnings.slice(0, 5).map((w) => cap(w, RECORD_MESSAGE_LIMIT)) }
      : {}),
    ...(summary.startedAt ? { startedAt: summary.startedAt } : {}),
    ...(summary.finishedAt ? { finishedAt: summary.finishedAt } : {}),
  };
  const kept = summary.checks.filter((c) => !passed(c)).map((c) => recordCheck(c, true));
  const omitted = summary.checks.length - kept.length;
  const dropped = omitted > 0 ? { omittedChecks: omitted } : {};
  const candidates: ParentRecord[] = [
    { ...identity, ...after, checks: summary.checks.map((c) => recordCheck(c, true)), ...times, ...child },
    {
      ...identity,
      ...after,
      checks: summary.checks.map((c) => recordCheck(c, !passed(c))),
      ...times,
      ...child,
    },
    { ...identity, ...after, checks: kept, ...dropped, ...times, ...child },
    { ...identity, ...after, checks: kept, ...dropped, ...child },
    { ...identity, ...after, checks: kept, ...dropped, ...childName },
    { ...identity, checks: kept, ...dropped, ...childName },
    { ...identity, checks: kept, ...dropped },
  ];
  const all = summary.checks.length;
  return (
    candidates.find((r) => jsonBytes(r) <= maxBytes) ?? {
      ...identity,
      checks: [],
      ...(all > 0 ? { omittedChecks: all } : {}),
    }
  );
}

/** Where a service ends up for each outcome a child reports (the sandbox observes it instead). */
export function finalStateOf(
  outcome: ServiceOutcome,
): Pick<ServiceReport, 'finalCollector' | 'finalLogDriver' | 'logsReceivedBy'> {
  if (outcome === 'migrated')
    return { finalCollector: 'alloy', finalLogDriver: 'json-file', logsReceivedBy: 'loki' };
  if (outcome === 'rolled-back')
    return { finalCollector: 'adot', finalLogDriver: 'awslogs', logsReceivedBy: 'cloudwatch' };
  return {};
}

/** Is this a record as `parentRecord` builds it (checks without evidence)? */
export function isParentRecord(value: unknown): value is ParentRecord {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { name?: unknown; outcome?: unknown; checks?: unknown };
  return (
    typeof v.name === 'string' &&
    typeof v.outcome === 'string' &&
    Array.isArray(v.checks) &&
    v.checks.every((c) => c !== null && typeof c === 'object' && !('evidence' in c))
  );
}

/**
 * The report entry for a record: the fields the record leaves out come back from the work list
 * (phase, ECS service, the revision before) and from the outcome (collector, log driver). The
 * checks' evidence stays empty: `childExecutionArn` names the execution whose output holds it.
 */
export function expandRecord(
  record: ParentRecord,
  known: {
    readonly phase: string;
    readonly ecsService?: string;
    readonly taskDefinitionBefore?: string;
    /** The parent's own ARN: a child's ARN is rebuilt from it and the child's name. */
    readonly parentExecutionArn: string;
  },
): ServiceReport {
  const childArn =
    record.childExecutionArn ??
    (record.childExecutionName
      ? `${known.parentExecutionArn.slice(0, known.parentExecutionArn.lastIndexOf(':') + 1)}${record.childExecutionName}`
      : undefined);
  return {
    name: record.name,
    phase: known.phase,
    ...(known.ecsService ? { ecsService: known.ecsService } : {}),
    outcome: record.outcome,
    ...(known.taskDefinitionBefore ? { taskDefinitionBefore: known.taskDefinitionBefore } : {}),
    ...(record.taskDefinitionAfter ? { taskDefinitionAfter: record.taskDefinitionAfter } : {}),
    ...finalStateOf(record.outcome),
    checks: record.checks.map((c) => ({
      name: c.name,
      verdict: c.verdict,
      message: c.message ?? '',
      evidence: {},
      durationMs: c.durationMs,
    })),
    ...(record.omittedChecks ? { omittedChecks: record.omittedChecks } : {}),
    ...(record.warnings ? { warnings: [...record.warnings] } : {}),
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(childArn ? { childExecutionArn: childArn } : {}),
  };
}

/**
 * What a child execution returns (its Succeed state's output): the full record, with every
 * check's evidence, for readers of the child; and the compact record its parent keeps
 * (`MigrateService` / `RollbackServiceChild` select only `record`).
 */
export interface ChildOutput {
  readonly report: ServiceReport;
  readonly record: ParentRecord;
}

/**
 * The child's output. The record's budget comes from the child's own input (the plan the parent
 * also carries, and its work item), so every child of one rollout gets the same budget.
 */
export function childOutput(
  summary: ServiceReport,
  context: {
    readonly executionArn: string;
    /** The plan as the child's input carries it (the parent's state carries the same document). */
    readonly planDocument: unknown;
    readonly plan: Plan;
    readonly workItem: unknown;
  },
): ChildOutput {
  const budget = recordBudget({
    planBytes: jsonBytes(context.planDocument),
    services: orderedServices(context.plan).length,
    workItemBytes: jsonBytes(context.workItem),
  });
  return { report: summary, record: parentRecord(summary, context.executionArn, budget) };
}

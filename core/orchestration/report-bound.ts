import type { Report, ServiceReport } from '../report/types';
import { finalStateOf, jsonBytes } from './parent-record';

/**
 * The report is Finalize's result and the execution's output, both held to Step Functions'
 * 256 KiB. 200 KiB leaves room for what Finalize adds around it (`progress`, `end`) and for the
 * failing service's record, which may carry up to 16,000 characters of evidence.
 */
export const REPORT_BUDGET_BYTES = 204_800;

type Step = { readonly warning: string; readonly apply: (s: ServiceReport) => ServiceReport };

/** Same keys, minus the ones named (exactOptionalPropertyTypes forbids setting them to undefined). */
function without<K extends keyof ServiceReport>(s: ServiceReport, keys: readonly K[]): ServiceReport {
  const copy: Partial<ServiceReport> = { ...s };
  for (const k of keys) delete copy[k];
  return copy as ServiceReport;
}

/** The collector fields are left out only where they say what the outcome already says. */
function withoutInferable(s: ServiceReport): ServiceReport {
  const implied = finalStateOf(s.outcome);
  const inferable =
    implied.finalCollector !== undefined &&
    s.finalCollector === implied.finalCollector &&
    s.finalLogDriver === implied.finalLogDriver &&
    s.logsReceivedBy === implied.logsReceivedBy;
  return without(s, [
    'ecsService',
    'startedAt',
    'finishedAt',
    ...(inferable ? (['finalCollector', 'finalLogDriver', 'logsReceivedBy'] as const) : []),
  ]);
}

// Only services whose child execution is named lose checks: their output still has them.
const STEPS: readonly Step[] = [
  {
    warning: 'messages of passed checks left out; each child execution output has them',
    apply: (s) =>
      s.childExecutionArn
        ? { ...s, checks: s.checks.map((c) => (c.verdict === 'passed' ? { ...c, message: '' } : c)) }
        : s,
  },
  {
    warning: 'passed checks left out (omittedChecks); each child execution output has them',
    apply: (s) => {
      if (!s.childExecutionArn) return s;
      const kept = s.checks.filter((c) => c.verdict !== 'passed');
      const omitted = (s.omittedChecks ?? 0) + s.checks.length - kept.length;
      return { ...s, checks: kept, ...(omitted > 0 ? { omittedChecks: omitted } : {}) };
    },
  },
  {
    warning: 'task-definition diffs left out; `alloy-rollout render` shows them',
    apply: (s) => without(s, ['diff']),
  },
  {
    warning:
      'ecsService, startedAt and finishedAt left out, and finalCollector, finalLogDriver and ' +
      'logsReceivedBy where the outcome implies them (migrated: alloy, json-file, loki; ' +
      'rolled-back: adot, awslogs, cloudwatch)',
    apply: withoutInferable,
  },
  { warning: 'service warnings left out', apply: (s) => without(s, ['warnings']) },
];

/**
 * The report shortened until its JSON takes at most `maxBytes`, the same way for every service
 * so that the document stays uniform; each step taken is named in `warnings`. Identity,
 * outcome, revisions, the child execution and every check that did not pass are never dropped.
 * Pure.
 */
export function boundReport(report: Report, maxBytes: number = REPORT_BUDGET_BYTES): Report {
  let current = report;
  for (const step of STEPS) {
    if (jsonBytes(current) <= maxBytes) return current;
    current = {
      ...current,
      services: current.services.map(step.apply),
      warnings: [...(current.warnings ?? []), `report over ${maxBytes} bytes: ${step.warning}`],
    };
  }
  return current;
}

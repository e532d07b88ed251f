import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { CheckResult, Report, ServiceReport } from '../../core/report/types';
import type { RequestPacer } from './pacer';
import type { ActionIO } from './types';

/** The summary cannot show more services with their evidence than this within GitHub's size limit. */
export const MAX_CHILDREN_READ = 200;

function lacksEvidence(service: ServiceReport): boolean {
  return (
    service.childExecutionArn !== undefined &&
    ((service.omittedChecks ?? 0) > 0 ||
      service.checks.every((c) => Object.keys(c.evidence ?? {}).length === 0))
  );
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isServiceReport(value: unknown): value is ServiceReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    Array.isArray((value as { checks?: unknown }).checks)
  );
}

/**
 * The child's own record of its service: its output's `report` when it succeeded, or the
 * `serviceReport` its failure Cause carries when it rolled its service back.
 */
export function childServiceReport(
  output: string | undefined,
  cause: string | undefined,
): ServiceReport | undefined {
  const fromOutput = (parseJson(output) as { report?: unknown } | undefined)?.report;
  if (isServiceReport(fromOutput)) return fromOutput;
  const fromCause = (parseJson(cause) as { serviceReport?: unknown } | undefined)?.serviceReport;
  return isServiceReport(fromCause) ? fromCause : undefined;
}

/**
 * The record's checks, each replaced by the child's fuller copy of the same name, then the child's
 * checks the record had no room for. A service rolled back in scope `all` names its rollback child,
 * whose record holds only the rollback's checks: the migration's stay as the parent kept them.
 */
export function mergeChecks(record: readonly CheckResult[], child: readonly CheckResult[]): CheckResult[] {
  const byName = new Map(child.map((c) => [c.name, c]));
  const merged = record.map((c) => byName.get(c.name) ?? c);
  const seen = new Set(record.map((c) => c.name));
  return [...merged, ...child.filter((c) => !seen.has(c.name))];
}

/**
 * The parent keeps only a compact record per service so that hundreds of services fit its 256 KiB
 * state; the evidence of each check stays in the service's child execution. Reads it back from the
 * children (one DescribeExecution each, paced) so the summary and the `report` output show it.
 */
export async function withChildEvidence(
  report: Report,
  deps: { readonly sfn: Pick<SFNClient, 'send'>; readonly pacer: RequestPacer; readonly io: ActionIO },
): Promise<Report> {
  const wanted = report.services.filter(lacksEvidence).slice(0, MAX_CHILDREN_READ);
  if (wanted.length === 0) return report;
  const full = new Map<string, ServiceReport>();
  for (const service of wanted) {
    const arn = service.childExecutionArn as string;
    try {
      const described = await deps.pacer.send(`reading the result of ${arn}`, () =>
        deps.sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
      );
      const child = childServiceReport(described.output, described.cause);
      if (child) full.set(service.name, child);
    } catch (error) {
      deps.io.warning(
        `Could not read the evidence of ${service.name} from its child execution ${arn}: ${(error as Error).message}`,
      );
    }
  }
  return {
    ...report,
    services: report.services.map((service) => {
      const child = full.get(service.name);
      if (!child) return service;
      // The child's record is whole: nothing is omitted any more.
      const rest: ServiceReport = { ...service };
      delete rest.omittedChecks;
      return {
        ...rest,
        checks: mergeChecks(service.checks, child.checks),
        ...(child.diff !== undefined ? { diff: child.diff } : {}),
        ...(child.warnings !== undefined ? { warnings: child.warnings } : {}),
      };
    }),
  };
}

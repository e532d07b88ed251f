import { isLogQuery } from '../queries/grammar';

/**
 * Plan checks run once per migrated service. `$service` in a check's query stands for the service
 * being verified (its plan name, the `service_name` label), so one check line scopes itself to each
 * service in turn instead of measuring the whole cluster. Service names are limited to letters,
 * digits, '-', '_' and '.', which need no escaping inside a quoted LogQL or PromQL string.
 */
export const SERVICE_PLACEHOLDER = '$service';

export function expandCheckQuery(query: string, serviceName: string): string {
  return query.replaceAll(SERVICE_PLACEHOLDER, serviceName);
}

/**
 * Why a plan check's query cannot give the one number its threshold is compared with, or null.
 * A LogQL log query answers with log lines, so the check could never measure anything: refused
 * when the plan is validated rather than found out as an error during the rollout.
 */
export function checkResultProblem(check: {
  readonly name: string;
  readonly language: 'logql' | 'promql';
  readonly query: string;
}): string | null {
  if (check.language !== 'logql' || !isLogQuery(expandCheckQuery(check.query, 'service'))) return null;
  return (
    `check "${check.name}" is a log query, which returns log lines; a check compares one number ` +
    `with its threshold, so it must be a metric query such as sum(count_over_time(${check.query} [5m]))`
  );
}

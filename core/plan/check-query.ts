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

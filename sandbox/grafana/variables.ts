/**
 * Grafana's own query variables, which its server fills in before a Loki or Prometheus query runs
 * (grafana/grafana pkg/tsdb/loki/parse_query.go interpolateVariables: $__interval, $__interval_ms,
 * $__range, $__range_s, $__range_ms, $__auto; pkg/promlib/models/query.go: the same plus
 * $__rate_interval, documented as max($__interval + scrape interval, 4 * scrape interval) with
 * the datasource's scrape interval, 15 s by default).
 */
const SCRAPE_INTERVAL_S = 15;

export function interpolateGrafanaVariables(
  expr: string,
  input: { readonly intervalMs: number; readonly rangeMs: number },
): string {
  const intervalS = Math.max(1, Math.round(input.intervalMs / 1000));
  const rangeS = Math.max(1, Math.round(input.rangeMs / 1000));
  const rateS = Math.max(intervalS + SCRAPE_INTERVAL_S, 4 * SCRAPE_INTERVAL_S);
  const values: Record<string, string> = {
    __interval_ms: String(Math.max(1, Math.round(input.intervalMs))),
    __interval: `${intervalS}s`,
    __range_ms: String(Math.round(input.rangeMs)),
    __range_s: String(rangeS),
    __range: `${rangeS}s`,
    __rate_interval: `${rateS}s`,
    __auto: `${intervalS}s`,
  };
  // Longest names first, so $__interval_ms is not read as $__interval followed by "_ms".
  return expr.replace(
    /\$\{(__[a-z_]+)\}|\$(__interval_ms|__interval|__range_ms|__range_s|__range|__rate_interval|__auto)\b/g,
    (whole, braced?: string, plain?: string) => values[(braced ?? plain) as string] ?? whole,
  );
}

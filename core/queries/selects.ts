/**
 * Which migrated services a dashboard query selects, read from its label matchers. Grafana panel
 * queries are LogQL (Loki) or PromQL (Prometheus/AMP); both write a matcher as
 * `name op "value"` (or a backquoted raw string), op one of = != =~ !~ (Prometheus docs,
 * querying/basics.md "Time series selectors"; Loki docs, query/log_queries.md "Log stream selector").
 *
 * The rule (README "Grafana checkpoint"): a query selects a service when one of its matchers is
 * `service_name="<service>"` (the label the Alloy pipeline puts on every stream and series) or
 * `job="<job>"` (the service's scrape job: the plan's jobName, else the service name, the label
 * ADOT set and dashboards key on); `=~` counts when the regular expression matches the whole name,
 * as Prometheus and Loki anchor it. Negative matchers never select. A value still holding a
 * template variable (`$service`) selects nothing: which service it stands for is not known.
 */

export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface SelectableService {
  readonly name: string;
  /** The `job` label of its series (plan jobName, else the service name). */
  readonly job: string;
}

const MATCHER = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)/g;

/** Go's double-quoted string escapes, the ones label values use. */
function unquote(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c,
  );
}

/** Every label matcher in the query text, in order. */
export function labelMatchers(expr: string): LabelMatcher[] {
  const found: LabelMatcher[] = [];
  for (const m of expr.matchAll(MATCHER)) {
    const value = m[3] !== undefined ? unquote(m[3]) : (m[4] ?? '');
    found.push({ name: m[1] as string, op: m[2] as LabelMatcher['op'], value });
  }
  return found;
}

function matchesValue(matcher: LabelMatcher, wanted: string): boolean {
  if (matcher.value.includes('$')) return false;
  if (matcher.op === '=') return matcher.value === wanted;
  if (matcher.op !== '=~') return false;
  try {
    return new RegExp(`^(?:${matcher.value})$`).test(wanted);
  } catch {
    return false; // RE2 syntax JavaScript does not read: not known to select it
  }
}

/** The services (by name) the query selects, in the order given. */
export function selectedServices(expr: string, services: readonly SelectableService[]): string[] {
  const matchers = labelMatchers(expr);
  return services
    .filter((s) =>
      matchers.some(
        (m) =>
          (m.name === 'service_name' && matchesValue(m, s.name)) ||
          (m.name === 'job' && matchesValue(m, s.job)),
      ),
    )
    .map((s) => s.name);
}

/**
 * Grafana's own variables that its query API fills in server side for Prometheus and Loki
 * (`$__interval`, `$__rate_interval`, `$__range`, `$__auto`, ...): every other `$name`, `${name}`
 * or `[[name]]` is a dashboard variable only the dashboard's page would fill in.
 */
export function dashboardVariables(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g,
  )) {
    const name = (m[1] ?? m[2] ?? m[3]) as string;
    if (!name.startsWith('__')) names.add(name);
  }
  return [...names];
}

/** The text with each dashboard variable replaced by its value (`values`), the others left as they are. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g,
    (whole, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c) as string;
      return Object.hasOwn(values, name) ? (values[name] as string) : whole;
    },
  );
}

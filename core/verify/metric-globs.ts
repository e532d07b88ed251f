/**
 * Metric and label names matched against the plan's globs (`otelcol_*`, `target_info`): `*` is any
 * run of characters, `?` one character, anything else matches itself. Names are compared whole.
 */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexes = patterns.map(
    (p) =>
      new RegExp(
        `^${[...p]
          .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('')}$`,
      ),
  );
  return (name) => regexes.some((r) => r.test(name));
}

/** The characters a glob of metric or label names may hold: name characters, `*` and `?`. */
export const NAME_GLOB = /^[a-zA-Z_:*?][a-zA-Z0-9_:*?]*$/;

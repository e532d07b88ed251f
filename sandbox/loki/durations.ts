import { InputInvalidError } from '../../core/errors';

/**
 * Durations as LogQL spells them: Go's time.ParseDuration units (ns, us, µs, ms, s, m, h) plus
 * Prometheus' d, w and y, in sequences such as `1h30m` or `1.5s`. Results are in nanoseconds
 * as a number (exact enough for the ranges a query uses).
 */
const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 7 * 86400e9,
  y: 365 * 86400e9,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w|y)/y;

/** Returns nanoseconds, or null when the text is not a duration. */
export function parseDurationNs(text: string): number | null {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '') return null;
  if (rest === '0') return 0;
  let total = 0;
  PART.lastIndex = 0;
  let at = 0;
  while (at < rest.length) {
    PART.lastIndex = at;
    const m = PART.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * (UNIT_NS[m[2] as string] as number);
    at = PART.lastIndex;
  }
  return sign * total;
}

export function requireDurationNs(text: string, what: string): number {
  const ns = parseDurationNs(text);
  if (ns === null)
    throw new InputInvalidError(
      `${what}: cannot parse ${JSON.stringify(text)} as a duration (expected e.g. 30s, 5m, 1h30m)`,
      { status: 400 },
    );
  return ns;
}

/** humanize.ParseBytes as Loki uses it: `1KB` is 1000, `1KiB` is 1024, plain numbers are bytes. */
const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  ki: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  mi: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  gi: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4,
  ti: 1024 ** 4,
};

export function parseBytes(text: string): number | null {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return null;
  const factor = BYTE_UNITS[(m[2] ?? '').toLowerCase()];
  if (factor === undefined) return null;
  return Number(m[1]) * factor;
}

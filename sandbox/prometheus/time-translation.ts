import { parseDurationNs } from '../loki/durations';

/**
 * Between the sandbox's simulated time and the wall clock the real Prometheus runs on (SimClock
 * implements it). Prometheus stamps every scrape with the wall clock, while the product asks about
 * simulated instants and checks that answers carry exactly the instant it asked for.
 */
export interface TimeTranslation {
  toReal(simulatedMs: number): number;
  toSimulated(realMs: number): number;
}

/** The query API paths whose parameters name instants (`time`, `start`, `end`). */
const TIMED_PATHS = /^\/api\/v1\/(query|query_range|query_exemplars|series|labels|label\/[^/]+\/values)$/;
/** The paths whose answers carry sample timestamps. */
const STAMPED_PATHS = /^\/api\/v1\/(query|query_range)$/;

export function hasTimedParameters(path: string): boolean {
  return TIMED_PATHS.test(path);
}

export function hasStampedAnswer(path: string): boolean {
  return STAMPED_PATHS.test(path);
}

/** Prometheus' `<rfc3339 | unix_timestamp>` parameter, in epoch ms; undefined when unreadable. */
function parseInstantMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Prometheus' `<duration | float>` step parameter, in ms; undefined when unreadable. */
function parseStepMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const ns = parseDurationNs(trimmed);
  return ns === null ? undefined : ns / 1e6;
}

/** Seconds with millisecond precision, the way Prometheus' own clients send instants. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * An instant asked for in simulated time and forwarded in real time: answers stamped with the
 * forwarded instant get the asked one back exactly (a round trip through the formula would be off
 * by up to half a millisecond times the speed, and the product allows a second at most).
 */
export interface ForwardedInstant {
  readonly realMs: number;
  readonly simulatedMs: number;
}

/**
 * Rewrites `time`, `start` and `end` from simulated to real time, and a range query's `step` by
 * the same ratio (so it returns as many points); each rewritten instant is added to `forwarded`.
 * Unreadable values are left for Prometheus to refuse with its own error.
 */
export function translateParameters(
  params: URLSearchParams,
  time: TimeTranslation,
  forwarded: ForwardedInstant[],
): URLSearchParams {
  const out = new URLSearchParams();
  const start = parseInstantMs(params.get('start') ?? '');
  for (const [name, value] of params) {
    if (name === 'time' || name === 'start' || name === 'end') {
      const simulatedMs = parseInstantMs(value);
      if (simulatedMs === undefined) out.append(name, value);
      else {
        const realMs = Math.round(time.toReal(simulatedMs));
        forwarded.push({ realMs, simulatedMs });
        out.append(name, seconds(realMs));
      }
    } else if (name === 'step') {
      const stepMs = parseStepMs(value);
      const from = start ?? 0;
      if (stepMs === undefined || stepMs <= 0) out.append(name, value);
      else out.append(name, seconds(Math.max(1, time.toReal(from + stepMs) - time.toReal(from))));
    } else out.append(name, value);
  }
  return out;
}

/** A sample's timestamp (float seconds) back on simulated time. */
function simulatedSeconds(
  stamp: unknown,
  time: TimeTranslation,
  forwarded: readonly ForwardedInstant[],
): unknown {
  if (typeof stamp !== 'number' || !Number.isFinite(stamp)) return stamp;
  const realMs = Math.round(stamp * 1000);
  const exact = forwarded.find((p) => p.realMs === realMs);
  return (exact ? exact.simulatedMs : Math.round(time.toSimulated(realMs))) / 1000;
}

type Point = [unknown, ...unknown[]];

function translatePoints(
  points: unknown,
  time: TimeTranslation,
  forwarded: readonly ForwardedInstant[],
): unknown {
  if (!Array.isArray(points)) return points;
  return points.map((p: unknown) =>
    Array.isArray(p) && p.length > 0
      ? [simulatedSeconds((p as Point)[0], time, forwarded), ...p.slice(1)]
      : p,
  );
}

/**
 * A query answer with every sample timestamp on simulated time: vector `value`/`histogram`,
 * matrix `values`/`histograms`, scalar and string results. Anything else (errors, other shapes)
 * is returned as it came.
 */
export function translateAnswer(
  body: unknown,
  time: TimeTranslation,
  forwarded: readonly ForwardedInstant[],
): unknown {
  if (!body || typeof body !== 'object') return body;
  const data = (body as { data?: unknown }).data;
  if (!data || typeof data !== 'object') return body;
  const { resultType, result } = data as { resultType?: unknown; result?: unknown };
  let translated: unknown = result;
  if ((resultType === 'scalar' || resultType === 'string') && Array.isArray(result)) {
    translated = translatePoints([result], time, forwarded);
    translated = (translated as unknown[])[0];
  } else if ((resultType === 'vector' || resultType === 'matrix') && Array.isArray(result)) {
    translated = result.map((series: unknown) => {
      if (!series || typeof series !== 'object') return series;
      const s = { ...(series as Record<string, unknown>) };
      for (const key of ['value', 'histogram'])
        if (Array.isArray(s[key])) s[key] = (translatePoints([s[key]], time, forwarded) as unknown[])[0];
      for (const key of ['values', 'histograms'])
        if (Array.isArray(s[key])) s[key] = translatePoints(s[key], time, forwarded);
      return s;
    });
  }
  return {
    ...(body as Record<string, unknown>),
    data: { ...(data as Record<string, unknown>), result: translated },
  };
}

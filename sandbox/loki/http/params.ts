import { InputInvalidError } from '../../../core/errors';
import { parseDurationNs } from '../durations';
import type { Direction } from '../logql/evaluate';

/**
 * Query parameters exactly as Loki's pkg/loghttp reads them: times as integer nanoseconds,
 * integer seconds (10 digits or fewer), fractional seconds, or RFC3339; step as seconds or a
 * duration; limit 100 and direction backward by default; start one hour before end.
 */
const DEFAULT_LIMIT = 100;
const DEFAULT_SINCE_NS = 3600n * 1_000_000_000n;
const MAX_POINTS = 11000n;

function bad(message: string): InputInvalidError {
  return new InputInvalidError(message, { status: 400 });
}

/** Go strconv errors read like this; Loki passes them through as the 400 body. */
function syntaxError(fn: string, value: string): InputInvalidError {
  return bad(`strconv.${fn}: parsing ${JSON.stringify(value)}: invalid syntax`);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseTimestampNs(value: string | null, fallbackNs: bigint): bigint {
  if (value === null || value === '') return fallbackNs;
  if (value.includes('.')) {
    const seconds = Number(value);
    if (/^[+-]?\d*\.\d*$/.test(value) && Number.isFinite(seconds)) {
      const whole = Math.trunc(seconds);
      // Loki keeps millisecond precision for fractional seconds.
      const ms = Math.round((seconds - whole) * 1000);
      return BigInt(whole) * 1_000_000_000n + BigInt(ms) * 1_000_000n;
    }
  }
  if (/^[+-]?\d+$/.test(value)) {
    const n = BigInt(value);
    return value.replace(/^[+-]/, '').length <= 10 ? n * 1_000_000_000n : n;
  }
  const m = RFC3339.exec(value);
  if (m) {
    const ms = Date.parse(
      `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8]?.toUpperCase() === 'Z' ? 'Z' : m[8]}`,
    );
    if (!Number.isNaN(ms)) {
      const frac = (m[7] ?? '.').slice(1).padEnd(9, '0').slice(0, 9);
      return BigInt(ms) * 1_000_000n + BigInt(frac);
    }
  }
  throw syntaxError('ParseInt', value);
}

export function parseLimit(value: string | null): number {
  if (value === null || value === '') return DEFAULT_LIMIT;
  if (!/^[+-]?\d+$/.test(value)) throw syntaxError('Atoi', value);
  const n = Number(value);
  if (n <= 0) throw bad('limit must be a positive value');
  return n;
}

export function parseDirection(value: string | null): Direction {
  if (value === null || value === '') return 'backward';
  const lower = value.toLowerCase();
  if (lower === 'forward' || lower === 'backward') return lower;
  throw bad(`invalid direction '${value}'`);
}

function parseSecondsOrDurationNs(value: string): bigint {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return BigInt(Math.round(Number(value) * 1e9));
  const ns = parseDurationNs(value);
  if (ns === null) throw bad(`cannot parse ${JSON.stringify(value)} to a valid duration`);
  return BigInt(Math.round(ns));
}

export interface RangeParams {
  startNs: bigint;
  endNs: bigint;
  stepNs: bigint;
  limit: number;
  direction: Direction;
}

/** start/end for the label and series endpoints, which share the defaults. */
export function parseBounds(
  get: (name: string) => string | null,
  nowNs: bigint,
): { startNs: bigint; endNs: bigint } {
  const endNs = parseTimestampNs(get('end'), nowNs);
  const startNs = parseTimestampNs(get('start'), endNs - DEFAULT_SINCE_NS);
  if (endNs < startNs) throw bad('end timestamp must not be before or equal to start time');
  return { startNs, endNs };
}

export function parseRangeParams(get: (name: string) => string | null, nowNs: bigint): RangeParams {
  const endNs = parseTimestampNs(get('end'), nowNs);
  // Without a start, the window is the hour before end (Loki's determineBounds).
  const startNs = parseTimestampNs(get('start'), endNs - DEFAULT_SINCE_NS);
  if (endNs < startNs) throw bad('end timestamp must not be before or equal to start time');
  const limit = parseLimit(get('limit'));
  const direction = parseDirection(get('direction'));
  const stepText = get('step');
  // Loki's default step: max(floor(range / 250 seconds), 1s).
  const defaultStepS = (endNs - startNs) / 1_000_000_000n / 250n;
  const stepNs =
    stepText === null || stepText === ''
      ? (defaultStepS > 1n ? defaultStepS : 1n) * 1_000_000_000n
      : parseSecondsOrDurationNs(stepText);
  if (stepNs <= 0n)
    throw bad('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if ((endNs - startNs) / stepNs > MAX_POINTS) {
    throw bad(
      'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter',
    );
  }
  return { startNs, endNs, stepNs, limit, direction };
}

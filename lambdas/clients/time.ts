import { InputInvalidError } from '../../core/errors';

/** A point in time: a Date or epoch milliseconds. */
export type TimeInput = Date | number;

function epochMs(time: TimeInput): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (!Number.isFinite(ms) || ms < 0)
    throw new InputInvalidError(`expected a time (Date or epoch ms), got ${String(time)}`);
  return ms;
}

/**
 * Nanoseconds since the epoch as a decimal string, the form Loki wants for push timestamps and
 * query bounds; a double cannot hold them exactly, so the arithmetic is done in BigInt.
 */
export function toNanos(time: TimeInput): string {
  return (BigInt(Math.trunc(epochMs(time))) * 1_000_000n).toString();
}

/** Accepts a nanosecond timestamp given as string or BigInt, checking it is a whole number. */
export function nanosOf(ns: string | bigint, what: string): string {
  const text = typeof ns === 'bigint' ? ns.toString() : ns;
  if (!/^\d{1,20}$/.test(text))
    throw new InputInvalidError(
      `${what} must be nanoseconds since the epoch as digits, got ${JSON.stringify(text)}`,
    );
  return text;
}

/** Unix seconds with millisecond precision, the form the Prometheus HTTP API reads. */
export function toUnixSeconds(time: TimeInput): string {
  return (epochMs(time) / 1000).toFixed(3);
}

import { InputInvalidError } from '../../../../core/errors';
import { nanosOf, toNanos, toUnixSeconds } from '../../../../lambdas/clients/time';

describe('time helpers', () => {
  it('writes nanoseconds exactly, beyond what a double holds', () => {
    expect(toNanos(new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123)))).toBe('1767268800123000000');
    expect(toNanos(1767268800123)).toBe('1767268800123000000');
  });

  it('accepts nanoseconds as digits or BigInt only', () => {
    expect(nanosOf(1767268800123000001n, 'x')).toBe('1767268800123000001');
    expect(nanosOf('1767268800123000001', 'x')).toBe('1767268800123000001');
    expect(() => nanosOf('1.5e18', 'startNs')).toThrow(
      'startNs must be nanoseconds since the epoch as digits, got "1.5e18"',
    );
  });

  it('writes Unix seconds with milliseconds for Prometheus, refusing nonsense times', () => {
    expect(toUnixSeconds(1767268800123)).toBe('1767268800.123');
    expect(() => toUnixSeconds(new Date('nope'))).toThrow(InputInvalidError);
    expect(() => toNanos(-1)).toThrow(/expected a time/);
  });
});

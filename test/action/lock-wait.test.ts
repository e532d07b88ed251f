import { LOCK_WAIT_BACKOFF, nextLockWaitMs, refusedByLock } from '../../action/src/lock-wait';

describe('refusedByLock', () => {
  it('is true only for a refusal whose cause is the lock', () => {
    expect(
      refusedByLock({
        status: 'REFUSED',
        cause: { check: 'lock', message: 'rollout arn:x already running' },
      }),
    ).toBe(true);
    expect(refusedByLock({ status: 'REFUSED', cause: { check: 'plan', message: 'region missing' } })).toBe(
      false,
    );
    expect(refusedByLock({ status: 'REFUSED' })).toBe(false);
    expect(refusedByLock({ status: 'FAILED', cause: { check: 'lock', message: 'x' } })).toBe(false);
  });
});

describe('nextLockWaitMs', () => {
  it('starts at 30 s and doubles up to 5 minutes', () => {
    const waits = [0, 1, 2, 3, 4, 5].map((round) => nextLockWaitMs(round, 0, Number.MAX_SAFE_INTEGER));
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(LOCK_WAIT_BACKOFF.maxMs).toBe(300_000);
  });

  it('cuts the last wait to end at the limit, and stops once it has passed', () => {
    expect(nextLockWaitMs(3, 1_000, 11_000)).toBe(10_000);
    expect(nextLockWaitMs(0, 11_000, 11_000)).toBeUndefined();
    expect(nextLockWaitMs(0, 12_000, 11_000)).toBeUndefined();
  });
});

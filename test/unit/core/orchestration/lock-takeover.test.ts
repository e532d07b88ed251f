import { executionInputSchema } from '../../../../core/execution';
import {
  ACQUIRE_CONDITION,
  decideLockTakeover,
  lockTtlMs,
  TAKEOVER_CONDITION,
  type HolderStatus,
} from '../../../../core/orchestration';

const X = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:x';
const NOW_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const at = (offsetSeconds: number) => Math.floor(NOW_MS / 1000) + offsetSeconds;

describe('decideLockTakeover', () => {
  it.each<HolderStatus>(['RUNNING', 'PENDING_REDRIVE'])(
    'never takes the lock of a %s holder, expired or not, whatever recovers says',
    (status) => {
      for (const expiresAt of [at(-3600), at(3600)])
        for (const recovers of [undefined, X]) {
          const d = decideLockTakeover({
            holder: { owner: X, expiresAt },
            execution: { status, startedAt: '2026-12-03T06:00:00.000Z' },
            nowMs: NOW_MS,
            recovers,
          });
          expect(d.verdict).toBe('refuse');
          expect(d.message).toContain(
            `rollout ${X} already running: it is still ${status} (since 2026-12-03T06:00:00.000Z)`,
          );
        }
    },
  );

  it('says an expired lock of a running holder is kept because it runs', () => {
    const d = decideLockTakeover({
      holder: { owner: X, expiresAt: at(-60) },
      execution: { status: 'RUNNING' },
      nowMs: NOW_MS,
    });
    expect(d.message).toBe(
      `rollout ${X} already running: it is still RUNNING; its lock expired at 2026-12-03T11:59:00.000Z, but a running owner keeps it`,
    );
  });

  it.each<HolderStatus>(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'])(
    'takes over the expired lock of a holder that ended %s',
    (status) => {
      expect(
        decideLockTakeover({ holder: { owner: X, expiresAt: at(-1) }, execution: { status }, nowMs: NOW_MS }),
      ).toEqual({
        verdict: 'take-over',
        reason: 'expired',
        message: `lock taken over from ${X}, which ended ${status} without releasing it; its lock expired at 2026-12-03T11:59:59.000Z`,
      });
    },
  );

  it('refuses the unexpired lock of an ended holder, pointing at its recovery rollback', () => {
    expect(
      decideLockTakeover({
        holder: { owner: X, expiresAt: at(600) },
        execution: { status: 'ABORTED' },
        nowMs: NOW_MS,
      }),
    ).toEqual({
      verdict: 'refuse',
      message: `rollout ${X} ended ABORTED without releasing the lock; its recovery rollback will take the lock, or it expires at 2026-12-03T12:10:00.000Z`,
    });
  });

  it('lets the recovery rollback naming the ended holder take its unexpired lock, and only that one', () => {
    const ended = {
      holder: { owner: X, expiresAt: at(600) },
      execution: { status: 'TIMED_OUT' as const },
      nowMs: NOW_MS,
    };
    expect(decideLockTakeover({ ...ended, recovers: X })).toMatchObject({
      verdict: 'take-over',
      reason: 'recovers',
    });
    expect(decideLockTakeover({ ...ended, recovers: `${X}-other` }).verdict).toBe('refuse');
  });

  it('keeps the unexpired lock of an execution Step Functions does not know, and takes it once expired', () => {
    const missing = { execution: { status: 'MISSING' as const }, nowMs: NOW_MS };
    expect(decideLockTakeover({ ...missing, holder: { owner: X, expiresAt: at(600) } })).toEqual({
      verdict: 'refuse',
      message: `rollout ${X} holds the lock, but Step Functions knows no such execution; the lock expires at 2026-12-03T12:10:00.000Z`,
    });
    expect(decideLockTakeover({ ...missing, holder: { owner: X, expiresAt: at(-600) } }).verdict).toBe(
      'take-over',
    );
  });
});

describe('lock conditions and lifetime', () => {
  it('acquires only a free lock or our own; takes over only from the holder judged', () => {
    expect(ACQUIRE_CONDITION.expression).toBe('attribute_not_exists(#key) OR #owner = :me');
    expect(TAKEOVER_CONDITION.expression).toBe('#owner = :holder');
  });

  it('writes the longer of the plan ttl and the construct floor', () => {
    expect(lockTtlMs(3_600_000, 22_500)).toBe(22_500_000);
    expect(lockTtlMs(86_400_000, 22_500)).toBe(86_400_000);
    expect(lockTtlMs(3_600_000, undefined)).toBe(3_600_000);
  });
});

describe('executionInputSchema recovers', () => {
  const plan = { cluster: 'c' };
  it('accepts an execution ARN with mode rollback', () => {
    expect(executionInputSchema.safeParse({ mode: 'rollback', plan, recovers: X }).success).toBe(true);
  });

  it('refuses it with any other mode, saying it belongs to the recovery rollback', () => {
    const result = executionInputSchema.safeParse({ mode: 'migrate', plan, recovers: X });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['recovers'],
        message: expect.stringContaining('recovers is allowed only with mode "rollback"'),
      }),
    ]);
  });

  it('refuses something that is not an execution ARN', () => {
    const result = executionInputSchema.safeParse({ mode: 'rollback', plan, recovers: 'yesterday' });
    expect(result.error?.issues[0]?.message).toContain('expected the ARN of a Step Functions execution');
  });
});

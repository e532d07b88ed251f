import fc from 'fast-check';
import {
  ACQUIRE_CONDITION,
  decideRollback,
  flattenDone,
  lockHeldMessage,
  lockRecord,
  nextWindow,
  selectRollbackTargets,
  serviceSummary,
  settleStep,
  timingFromPlan,
} from '../../../../core/orchestration';
import type { WorkItem } from '../../../../core/execution';
import { parsePlanOrThrow } from '../../../../core/plan/parse';

const item = (name: string): WorkItem => ({
  name,
  phase: 'core',
  ecsService: `svc-${name}`,
  taskDefinitionArn: `td/${name}:1`,
  baselineArn: `td/${name}:1`,
  seriesBaseline: 10,
});

describe('flattenDone', () => {
  it('gives back the appended items in order', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string() })), (items) => {
        const nested = items.reduce<unknown[]>((acc, x) => [acc, x], []);
        expect(flattenDone(nested)).toEqual(items);
      }),
    );
  });
});

describe('selectRollbackTargets', () => {
  const work = ['worker', 'history', 'matching'].map(item);
  it('scope all: every service migrated in this run, newest first, not the failing one', () => {
    const done = [
      { name: 'worker', outcome: 'migrated' as const },
      { name: 'history', outcome: 'migrated' as const },
    ];
    expect(
      selectRollbackTargets({ scope: 'all', work, done, failedService: 'matching' }).map((w) => w.name),
    ).toEqual(['history', 'worker']);
  });
  it('scope service: none', () => {
    expect(
      selectRollbackTargets({
        scope: 'service',
        work,
        done: [{ name: 'worker', outcome: 'migrated' }],
        failedService: 'history',
      }),
    ).toEqual([]);
  });
});

describe('decideRollback', () => {
  const base = {
    currentArn: 'td:8',
    currentCollector: 'alloy' as const,
    baselineArn: 'td:7',
    baselineStatus: 'ACTIVE',
  };
  it.each([
    [
      { ...base, reason: 'migrate' as const },
      { kind: 'baseline', taskDefinitionArn: 'td:7' },
    ],
    [{ ...base, reason: 'migrate' as const, baselineStatus: 'INACTIVE' }, { kind: 'reregister-baseline' }],
    [{ ...base, reason: 'rollback' as const }, { kind: 'revert' }],
    [{ ...base, reason: 'migrate' as const, currentArn: 'td:7' }, { kind: 'nothing' }],
    [{ ...base, reason: 'rollback' as const, currentCollector: 'adot' as const }, { kind: 'nothing' }],
  ])('%o -> %o', (input, expected) => expect(decideRollback(input)).toEqual(expected));
});

describe('lock record', () => {
  it('holds the owner and an expiry in epoch seconds', () => {
    expect(
      lockRecord({
        cluster: 'c',
        executionArn: 'arn:e',
        nowMs: 1_000_500,
        ttlMs: 3_600_000,
        requestedBy: 'ci',
      }),
    ).toEqual({
      cluster: 'c',
      owner: 'arn:e',
      expiresAt: 4601,
      acquiredAt: new Date(1_000_500).toISOString(),
      requestedBy: 'ci',
    });
    expect(ACQUIRE_CONDITION.expression).toContain('#owner = :me');
    // Every placeholder used is named, and every name is used (DynamoDB rejects both mistakes).
    expect([...ACQUIRE_CONDITION.expression.matchAll(/#\w+/g)].map((m) => m[0]).sort()).toEqual(
      Object.keys(ACQUIRE_CONDITION.names).sort(),
    );
    expect(lockHeldMessage('arn:other')).toBe('rollout arn:other already running');
  });
});

describe('windows and timing', () => {
  const plan = parsePlanOrThrow({
    cluster: 'c',
    region: 'eu-west-1',
    loki: { url: 'http://loki:3100' },
    amp: { workspaceId: 'ws-1' },
    phases: [{ name: 'p', services: [{ name: 's', ecsService: 'e' }] }],
    verification: { pollInterval: '1500ms', soak: '2m' },
  });
  it('rounds the plan durations to whole seconds for Wait states', () => {
    expect(timingFromPlan(plan)).toEqual({ pollSeconds: 2, soakSeconds: 120 });
  });
  it('keeps the first window and counts attempts', () => {
    const first = nextWindow(undefined, 1000, 30_000);
    expect(first).toEqual({ startedAtMs: 1000, allowanceMs: 30_000, attempts: 1 });
    expect(nextWindow(first, 9000, 5)).toEqual({ startedAtMs: 1000, allowanceMs: 30_000, attempts: 2 });
  });
  it('pending before the deadline polls again, at the deadline fails', () => {
    const window = nextWindow(undefined, 0, 10_000);
    const pending = { name: 'logs', verdict: 'pending' as const, message: 'no lines yet', evidence: {} };
    expect(settleStep(pending, window, 5_000).verdict).toBe('pending');
    const late = settleStep(pending, window, 10_000);
    expect(late.verdict).toBe('failed');
    expect(late.check.message).toMatch(/still pending at the deadline/);
    expect(settleStep({ ...pending, verdict: 'passed' }, window, 1).verdict).toBe('passed');
  });
});

describe('serviceSummary', () => {
  it('infers the collector from the outcome and drops missing checks', () => {
    const s = serviceSummary({
      service: item('history'),
      outcome: 'rolled-back',
      taskDefinitionAfter: 'td/history:1',
      checks: [undefined],
      finishedAt: 'now',
    });
    expect(s).toMatchObject({
      outcome: 'rolled-back',
      finalCollector: 'adot',
      finalLogDriver: 'awslogs',
      logsReceivedBy: 'cloudwatch',
      checks: [],
    });
  });
});

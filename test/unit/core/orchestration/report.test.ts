import { assembleReport, causeText, type FinalizeFacts } from '../../../../core/orchestration';

const planned = [
  { name: 'worker', phase: 'canary', ecsService: 'svc-worker' },
  { name: 'history', phase: 'core', ecsService: 'svc-history' },
];
const work = planned.map((p) => ({
  ...p,
  taskDefinitionArn: `td/${p.name}:1`,
  baselineArn: `td/${p.name}:1`,
  seriesBaseline: null,
}));
const facts = (over: Partial<FinalizeFacts>): FinalizeFacts => ({
  mode: 'migrate',
  cluster: 'c',
  executionArn: 'arn:run',
  lockReleased: true,
  finishedAt: 'end',
  planned,
  work,
  preflightReports: [],
  migrated: [],
  rollbacks: [],
  ...over,
});
const migrated = (name: string) => ({
  name,
  phase: 'x',
  outcome: 'migrated',
  checks: [{ name: 'logs', verdict: 'passed', message: '', evidence: {}, durationMs: 1 }],
});
const childFailure = (error: string, cause: object) => ({
  Error: 'States.TaskFailed',
  Cause: JSON.stringify({
    ExecutionArn: 'arn:child',
    Status: 'FAILED',
    Error: error,
    Cause: JSON.stringify(cause),
  }),
});

describe('assembleReport', () => {
  it('success: every service migrated, no end', () => {
    const { report, end } = assembleReport(facts({ migrated: [migrated('worker'), migrated('history')] }));
    expect(end).toBeNull();
    expect(report.status).toBe('SUCCEEDED');
    expect(report.services.map((s) => s.outcome)).toEqual(['migrated', 'migrated']);
  });

  it('refusal: RolloutRefused, services untouched', () => {
    const { report, end } = assembleReport(
      facts({ refusal: { Error: 'LockHeldError', Cause: 'rollout arn:o already running' } }),
    );
    expect(end?.error).toBe('RolloutRefused');
    expect(JSON.parse(end!.cause)).toMatchObject({ check: 'lock' });
    expect(report.status).toBe('FAILED');
    expect(report.services.every((s) => s.outcome === 'untouched')).toBe(true);
  });

  it('a child rolled back and the others followed: ROLLED_BACK with the child cause', () => {
    const cause = { service: 'history', check: 'logs', message: 'no lines' };
    const { report, end } = assembleReport(
      facts({
        migrated: [migrated('worker')],
        failure: childFailure('RolledBack', cause),
        rollbacks: [{ output: { name: 'worker', phase: 'canary', outcome: 'rolled-back', checks: [] } }],
      }),
    );
    expect(end).toEqual({ error: 'RolledBack', cause: causeText(cause) });
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.services.map((s) => [s.name, s.outcome])).toEqual([
      ['worker', 'rolled-back'],
      ['history', 'rolled-back'],
    ]);
    // The worker keeps the checks of its migration and adds those of its rollback.
    expect(report.services[0]?.checks.map((c) => c.name)).toEqual(['logs']);
  });

  it('a rollback that failed makes the run FAILED (RolloutFailed)', () => {
    const cause = { service: 'history', check: 'logs', message: 'no lines' };
    const { report, end } = assembleReport(
      facts({
        migrated: [migrated('worker')],
        failure: childFailure('RolledBack', cause),
        rollbacks: [
          childFailure('RolloutFailed', { service: 'worker', check: 'cloudwatch', message: 'silent' }),
        ],
      }),
    );
    expect(end?.error).toBe('RolloutFailed');
    expect(report.status).toBe('FAILED');
    expect(report.services.find((s) => s.name === 'worker')?.outcome).toBe('failed');
  });

  it('Loki failing: nothing touched, ROLLED_BACK with the Loki cause', () => {
    const cause = { service: 'loki', check: 'loki-ready', message: 'not ready' };
    const { report, end } = assembleReport(facts({ loki: { verdict: 'failed', checks: [], cause } }));
    expect(end?.error).toBe('RolledBack');
    expect(report.cause).toEqual(cause);
    expect(report.loki).toEqual({ checks: [] });
  });

  it('manual rollback mode: a failed child makes it FAILED', () => {
    const { end } = assembleReport(
      facts({
        mode: 'rollback',
        rollbacks: [childFailure('RolloutFailed', { service: 'worker', check: 'rollback', message: 'x' })],
      }),
    );
    expect(end?.error).toBe('RolloutFailed');
  });
});

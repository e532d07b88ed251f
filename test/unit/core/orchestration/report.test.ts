import {
  assembleReport,
  causeText,
  childFailureText,
  decideRollbackRetry,
  serviceSummary,
  type FinalizeFacts,
} from '../../../../core/orchestration';
import type { CheckResult, ServiceReport } from '../../../../core/report/types';

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
    expect(report.status).toBe('REFUSED');
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

  describe('the failing service, from the record its child carried', () => {
    const cause = { service: 'history', check: 'logs', message: 'no lines', evidence: { lines: 0 } };
    const checkOf = (name: string, verdict: CheckResult['verdict']): CheckResult => ({
      name,
      verdict,
      message: name,
      evidence: { query: name },
      durationMs: 3,
    });
    const carried: ServiceReport = {
      name: 'history',
      phase: 'core',
      ecsService: 'svc-history',
      outcome: 'rolled-back',
      taskDefinitionBefore: 'td/history:1',
      taskDefinitionAfter: 'td/history:1',
      finalCollector: 'adot',
      finalLogDriver: 'awslogs',
      logsReceivedBy: 'cloudwatch',
      checks: [
        checkOf('deployment', 'passed'),
        checkOf('logs', 'failed'),
        checkOf('rollback-deployment', 'passed'),
        checkOf('cloudwatch', 'passed'),
      ],
      startedAt: 'child-start',
      finishedAt: 'child-end',
    };
    const failureWith = (record: ServiceReport) => ({
      Error: 'States.TaskFailed',
      Cause: JSON.stringify({
        ExecutionArn: 'arn:child',
        Status: 'FAILED',
        Error: 'RolledBack',
        Cause: childFailureText(cause, record),
      }),
    });

    it('has every check, both revisions and timings; the Fail Cause stays compact', () => {
      const { report, end } = assembleReport(
        facts({ migrated: [migrated('worker')], failure: failureWith(carried) }),
      );
      expect(end).toEqual({ error: 'RolledBack', cause: causeText(cause) });
      expect(Object.keys(JSON.parse(end!.cause) as object)).toEqual([
        'service',
        'check',
        'message',
        'evidence',
      ]);
      expect(report.cause).toEqual(cause);
      const history = report.services.find((s) => s.name === 'history');
      expect(history).toEqual({ ...carried, outcome: 'rolled-back', childExecutionArn: 'arn:child' });
    });

    it('adds the compact cause as a failed check when the record has none for it', () => {
      const registerCause = { ...cause, check: 'register', message: 'AccessDenied' };
      const record = { ...carried, checks: [checkOf('cloudwatch', 'passed')] };
      const { report } = assembleReport(
        facts({
          failure: {
            Error: 'States.TaskFailed',
            Cause: JSON.stringify({
              ExecutionArn: 'arn:child',
              Error: 'RolledBack',
              Cause: childFailureText(registerCause, record),
            }),
          },
        }),
      );
      const history = report.services.find((s) => s.name === 'history');
      expect(history?.checks.map((c) => [c.name, c.verdict])).toEqual([
        ['cloudwatch', 'passed'],
        ['register', 'failed'],
      ]);
      expect(history?.taskDefinitionAfter).toBe('td/history:1');
    });

    it("ignores a record that names another service than the cause's", () => {
      const { report } = assembleReport(facts({ failure: failureWith({ ...carried, name: 'worker' }) }));
      const history = report.services.find((s) => s.name === 'history');
      expect(history?.checks.map((c) => c.name)).toEqual(['logs']);
      expect(history?.taskDefinitionAfter).toBeUndefined();
      expect(report.services.find((s) => s.name === 'worker')?.outcome).toBe('untouched');
    });
  });
});

describe('assembleReport after a rollback that gave up', () => {
  const check = (name: string, verdict: CheckResult['verdict']): CheckResult => ({
    name,
    verdict,
    message: `${name} ${verdict}`,
    evidence: { query: name },
    durationMs: 1,
  });

  /** The Cause of a child whose rollback of `name` gave up after every deployment failed. */
  function gaveUp(name: string, before: CheckResult[], rollbackOf?: { check: string; message: string }) {
    let earlier: CheckResult[] = [];
    for (let attempt = 1; ; attempt++) {
      const decision = decideRollbackRetry({
        service: name,
        target: `td/${name}:1`,
        attempt,
        failed: check('rollback-deployment', 'failed'),
        earlier,
        current: { status: 'ACTIVE', deployments: [{ status: 'PRIMARY', taskDefinition: `td/${name}:1` }] },
        rollbackOf,
      });
      if (decision.kind === 'retry') {
        earlier = decision.attempts;
        continue;
      }
      const record = serviceSummary({
        service: work.find((w) => w.name === name)!,
        outcome: 'failed',
        taskDefinitionAfter: `td/${name}:1`,
        checks: [...before, ...decision.attempts, decision.check],
        finishedAt: 'end',
      });
      return JSON.parse(childFailureText(decision.cause, record)) as object;
    }
  }

  it('the failing service keeps the check that caused the rollback and every attempt, and claims no collector', () => {
    const cause = gaveUp('worker', [check('deployment', 'passed'), check('logs', 'failed')], {
      check: 'logs',
      message: 'no lines',
    });
    const { report, end } = assembleReport(facts({ failure: childFailure('RolloutFailed', cause) }));

    expect(end?.error).toBe('RolloutFailed');
    expect(report.status).toBe('FAILED');
    expect(report.cause).toMatchObject({ service: 'worker', check: 'rollback' });
    const worker = report.services.find((s) => s.name === 'worker');
    expect(worker?.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['deployment', 'passed'],
      ['logs', 'failed'],
      ['rollback-deployment-attempt-1', 'failed'],
      ['rollback-deployment-attempt-2', 'failed'],
      ['rollback-deployment-attempt-3', 'failed'],
      ['rollback', 'failed'],
    ]);
    expect(worker?.outcome).toBe('failed');
    expect(worker).not.toHaveProperty('finalCollector');
    expect(worker).not.toHaveProperty('logsReceivedBy');
  });

  it('scope all: a service migrated earlier whose rollback gave up keeps its attempts and no longer claims Alloy', () => {
    const onAlloy = {
      ...migrated('worker'),
      finalCollector: 'alloy',
      finalLogDriver: 'json-file',
      logsReceivedBy: 'loki',
    };
    const { report, end } = assembleReport(
      facts({
        migrated: [onAlloy],
        failure: childFailure('RolledBack', { service: 'history', check: 'logs', message: 'm' }),
        rollbacks: [childFailure('RolloutFailed', gaveUp('worker', []))],
      }),
    );

    expect(end?.error).toBe('RolloutFailed');
    const worker = report.services.find((s) => s.name === 'worker');
    expect(worker?.checks.map((c) => c.name)).toEqual([
      'logs',
      'rollback-deployment-attempt-1',
      'rollback-deployment-attempt-2',
      'rollback-deployment-attempt-3',
      'rollback',
    ]);
    expect(worker).toMatchObject({ outcome: 'failed', childExecutionArn: 'arn:child' });
    expect(worker).not.toHaveProperty('finalCollector');
    expect(worker).not.toHaveProperty('finalLogDriver');
    expect(worker).not.toHaveProperty('logsReceivedBy');
  });
});

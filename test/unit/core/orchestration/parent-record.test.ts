import {
  expandRecord,
  isParentRecord,
  jsonBytes,
  parentRecord,
  PARENT_STATE_BUDGET_BYTES,
  RECORD_MAX_BYTES,
  RECORD_MESSAGE_LIMIT,
  recordBudget,
} from '../../../../core/orchestration';
import type { CheckResult, ServiceReport } from '../../../../core/report/types';

const CHILD = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:child-7';
const PARENT = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:run-1';

const check = (name: string, verdict: CheckResult['verdict'], message = `${name} ok`): CheckResult => ({
  name,
  verdict,
  message,
  evidence: { query: `q(${name})`, values: 'v'.repeat(800) },
  durationMs: 1_000,
});

const summary = (checks: CheckResult[]): ServiceReport => ({
  name: 'history',
  phase: 'core',
  ecsService: 'temporal-dev-history',
  outcome: 'migrated',
  taskDefinitionBefore: 'arn:td/history:7',
  taskDefinitionAfter: 'arn:td/history:8',
  finalCollector: 'alloy',
  finalLogDriver: 'json-file',
  logsReceivedBy: 'loki',
  checks,
  warnings: ['resized'],
  startedAt: 's',
  finishedAt: 'f',
});

describe('parentRecord', () => {
  const full = summary([check('deployment', 'passed'), check('logs', 'passed', 'm'.repeat(500))]);

  it('with room, keeps every check (message capped, no evidence), timings and the child ARN', () => {
    const record = parentRecord(full, CHILD, RECORD_MAX_BYTES);
    expect(record).toEqual({
      name: 'history',
      outcome: 'migrated',
      taskDefinitionAfter: 'arn:td/history:8',
      checks: [
        { name: 'deployment', verdict: 'passed', message: 'deployment ok', durationMs: 1_000 },
        {
          name: 'logs',
          verdict: 'passed',
          message: `${'m'.repeat(RECORD_MESSAGE_LIMIT - 1)}…`,
          durationMs: 1_000,
        },
      ],
      warnings: ['resized'],
      startedAt: 's',
      finishedAt: 'f',
      childExecutionArn: CHILD,
    });
    expect(isParentRecord(record)).toBe(true);
    expect(isParentRecord(full)).toBe(false);
  });

  it.each([400, 250, 200, 120, 90, 10])('never exceeds a budget of %i bytes it can meet', (budget) => {
    const record = parentRecord(full, CHILD, budget);
    const minimal = { name: 'history', outcome: 'migrated', checks: [], omittedChecks: 2 };
    expect(jsonBytes(record)).toBeLessThanOrEqual(Math.max(budget, jsonBytes(minimal)));
    expect(record.name).toBe('history');
    expect(record.checks.length + (record.omittedChecks ?? 0)).toBe(2);
  });

  it('drops passed checks before failed ones, and keeps the failed one to the end', () => {
    const mixed = summary([check('deployment', 'passed'), check('logs', 'failed', 'no lines')]);
    const record = parentRecord(mixed, CHILD, 150);
    expect(record.checks).toEqual([
      { name: 'logs', verdict: 'failed', message: 'no lines', durationMs: 1_000 },
    ]);
    expect(record.omittedChecks).toBe(1);
  });

  it("shortens the child's ARN to its name before giving up the revision after", () => {
    const small = summary([check('deployment', 'passed')]);
    const record = parentRecord(small, CHILD, 150);
    expect(record).toMatchObject({ taskDefinitionAfter: 'arn:td/history:8', childExecutionName: 'child-7' });
    expect(record.childExecutionArn).toBeUndefined();
  });
});

describe('recordBudget', () => {
  it('shares what the plan and the work list leave of the parent budget, capped', () => {
    expect(recordBudget({ planBytes: 1_000, services: 5, workItemBytes: 200 })).toBe(RECORD_MAX_BYTES);
    const b = recordBudget({ planBytes: 50_000, services: 500, workItemBytes: 190 });
    expect(b).toBe(Math.floor((PARENT_STATE_BUDGET_BYTES - 50_000) / 500) - 3 - 190);
    expect(recordBudget({ planBytes: 300_000, services: 10, workItemBytes: 190 })).toBe(0);
  });
});

describe('expandRecord', () => {
  it('restores phase, ECS service, revision before and the collector fields; rebuilds the child ARN', () => {
    const entry = expandRecord(
      { name: 'history', outcome: 'migrated', checks: [], omittedChecks: 3, childExecutionName: 'child-7' },
      {
        phase: 'core',
        ecsService: 'temporal-dev-history',
        taskDefinitionBefore: 'arn:td/history:7',
        parentExecutionArn: PARENT,
      },
    );
    expect(entry).toEqual({
      name: 'history',
      phase: 'core',
      ecsService: 'temporal-dev-history',
      outcome: 'migrated',
      taskDefinitionBefore: 'arn:td/history:7',
      finalCollector: 'alloy',
      finalLogDriver: 'json-file',
      logsReceivedBy: 'loki',
      checks: [],
      omittedChecks: 3,
      childExecutionArn: CHILD,
    });
  });
});

describe('parentRecord when nothing but the identity fits', () => {
  it('counts every check it leaves out, failed ones included', () => {
    const failing = summary([check('deployment', 'passed'), check('logs', 'failed', 'f'.repeat(110))]);
    const record = parentRecord(failing, CHILD, 10);
    expect(record).toEqual({ name: 'history', outcome: 'migrated', checks: [], omittedChecks: 2 });
  });
});

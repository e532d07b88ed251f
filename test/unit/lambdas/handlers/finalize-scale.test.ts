import {
  flattenDone,
  jsonBytes,
  PAYLOAD_LIMIT_BYTES,
  REPORT_BUDGET_BYTES,
  type ParentRecord,
} from '../../../../core/orchestration';
import { handler as finalize } from '../../../../lambdas/handlers/finalize';
import {
  migratedChild,
  PARENT_ARN,
  rolledBackChildFailure,
  scaleRollout,
} from '../../core/orchestration/scale-fixture';

/**
 * The parent's state as the definition builds it for a migrate run of `count` services, up to
 * and including the last `ServiceDone`: every state before is a prefix of it, so its size is the
 * largest the parent carries on the clean path. With `lastFails`, the last child instead rolled
 * its service back and the state holds its failure (a Cause of the full 32,768 characters).
 */
function parentState(count: number, lastFails = false): Record<string, unknown> {
  const rollout = scaleRollout(count);
  let done: unknown[] = [];
  let last: { record: ParentRecord } | undefined;
  for (let i = 0; i < (lastFails ? count - 1 : count); i += 1) {
    // MigrateService selects only the record; ServiceDone nests it (States.Array).
    last = { record: migratedChild(rollout, i).record };
    done = [done, last.record];
  }
  const lokiCheck = migratedChild(rollout, 0).report.checks[0];
  return {
    mode: 'migrate',
    plan: rollout.planDocument,
    lock: { acquiredAt: '2026-11-23T18:40:00.000Z', expiresAt: 1_763_924_400, progress: { step: 'lock' } },
    // Preflight's ResultSelector keeps these five (its progress stays in the history only).
    preflight: {
      cluster: 'temporal-dev',
      timing: { pollSeconds: 10, soakSeconds: 60 },
      work: rollout.work,
      count: rollout.work.length,
      reports: [],
    },
    loki: { verdict: 'passed', checks: [lokiCheck, lokiCheck, lokiCheck], progress: { step: 'loki' } },
    run: { index: lastFails ? count - 1 : count, count, done },
    ...(last ? { last } : {}),
    ...(lastFails ? { failure: rolledBackChildFailure(rollout, count - 1) } : {}),
  };
}

describe('parent state and report for hundreds of services', () => {
  it('keeps the child output whole and hands the parent a record without evidence', () => {
    const child = migratedChild(scaleRollout(10), 3);
    expect(child.report.checks.every((c) => Object.keys(c.evidence).length > 0)).toBe(true);
    expect(JSON.stringify(child.record)).not.toContain('evidence');
    expect(jsonBytes(child.record)).toBeLessThan(jsonBytes(child.report) / 3);
  });

  it.each([1, 60, 120, 200, 500])(
    '%i services, the last one rolled back: the largest parent state and the Finalize output stay below 256 KiB',
    async (count) => {
      const state = parentState(count, true);
      expect(jsonBytes(state)).toBeLessThan(PAYLOAD_LIMIT_BYTES - 16_384);
      const result = await finalize({ action: 'finalize', executionArn: PARENT_ARN, state });
      expect(result.status).toBe('ROLLED_BACK');
      expect(jsonBytes({ ...result, progress: undefined, end: undefined })).toBeLessThanOrEqual(
        REPORT_BUDGET_BYTES,
      );
      // The Finalize output (the Lambda's result, and the execution's output) adds progress and end.
      expect(jsonBytes(result)).toBeLessThan(PAYLOAD_LIMIT_BYTES - 16_384);
      expect(result.services).toHaveLength(count);
      const failed = result.services[count - 1];
      expect(failed).toMatchObject({ outcome: 'rolled-back', childExecutionArn: expect.any(String) });
      expect(failed?.checks.find((c) => c.name === 'logs')?.verdict).toBe('failed');
    },
  );

  it('500 services, clean run: every service migrated, named, with its phase and revision before', async () => {
    const state = parentState(500);
    const result = await finalize({ action: 'finalize', executionArn: PARENT_ARN, state });
    expect(result.status).toBe('SUCCEEDED');
    expect(jsonBytes(result)).toBeLessThan(REPORT_BUDGET_BYTES);
    expect(result.services.map((s) => s.name)).toEqual(scaleRollout(500).work.map((w) => w.name));
    for (const s of result.services) {
      expect(s.outcome).toBe('migrated');
      expect(s.phase).toMatch(/^wave-\d+$/);
      expect(s.taskDefinitionBefore).toMatch(/:task-definition\/temporal-dev-svc-\d{4}:7$/);
      // Passed checks the record could not hold are counted, never silently lost.
      expect(s.checks.length + (s.omittedChecks ?? 0)).toBe(4);
    }
  });

  it('400 services, clean run: each service still names its child execution (rebuilt from its name)', async () => {
    const result = await finalize({ action: 'finalize', executionArn: PARENT_ARN, state: parentState(400) });
    expect(jsonBytes(result)).toBeLessThan(REPORT_BUDGET_BYTES);
    for (const s of result.services)
      expect(s.childExecutionArn).toMatch(
        /^arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:\d{8}-/,
      );
  });

  it('120 services, clean run: each service keeps every field the report names', async () => {
    const state = parentState(120);
    expect(flattenDone((state.run as { done: unknown }).done)).toHaveLength(120);
    const result = await finalize({ action: 'finalize', executionArn: PARENT_ARN, state });
    expect(result.warnings).toBeUndefined();
    for (const s of result.services) {
      expect(s).toMatchObject({
        outcome: 'migrated',
        finalCollector: 'alloy',
        finalLogDriver: 'json-file',
        logsReceivedBy: 'loki',
        taskDefinitionAfter: expect.stringMatching(/:8$/),
        childExecutionArn: expect.stringContaining(':execution:alloy-rollout:'),
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      expect(s.checks.map((c) => [c.name, c.verdict])).toEqual([
        ['deployment', 'passed'],
        ['logs', 'passed'],
        ['metrics', 'passed'],
        ['no-error-burst', 'passed'],
      ]);
      expect(s.checks.every((c) => c.message.length > 0 && Object.keys(c.evidence).length === 0)).toBe(true);
    }
  });
});

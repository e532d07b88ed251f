import {
  jsonBytes,
  PARENT_STATE_BUDGET_BYTES,
  PAYLOAD_LIMIT_BYTES,
  REPORT_BUDGET_BYTES,
} from '../../core/orchestration';
import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';

const COUNT = 120;
const names = Array.from({ length: COUNT }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}`);

describe('rollout state machine: a rollout of 120 services', () => {
  const world = useWorld();

  it('keeps every parent state and the report far below 256 KiB, each child output whole', async () => {
    world().addWorkerCopies(names);
    const plan = testPlan((p) => {
      const phases: { name: string; services: unknown[] }[] = [];
      for (let i = 0; i < COUNT; i += 25)
        phases.push({
          name: `wave-${phases.length + 1}`,
          services: names
            .slice(i, i + 25)
            .map((n) => ({ name: n, ecsService: `temporal-dev-${n}`, mainContainers: ['temporal-worker'] })),
        });
      p.phases = phases;
    });
    const run = await runRollout({ mode: 'migrate', plan });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.executions).toHaveLength(COUNT + 1);

    // Every Lambda state receives the whole state document: the parent's largest is among them.
    const parentStates = run.calls
      .filter((c) => (c.input as { executionArn?: string }).executionArn === run.executionArn)
      .map((c) => jsonBytes((c.input as { state: unknown }).state));
    const largestState = Math.max(...parentStates);
    // What the records were budgeted to (the limit less room for a caught failure), not just the limit.
    expect(largestState).toBeLessThan(PARENT_STATE_BUDGET_BYTES);
    expect(largestState).toBeLessThan(PAYLOAD_LIMIT_BYTES);
    expect(jsonBytes(run.output)).toBeLessThan(REPORT_BUDGET_BYTES);

    const services = run.report?.services ?? [];
    expect(services.map((s) => [s.name, s.outcome])).toEqual(names.map((n) => [n, 'migrated']));
    const children = new Set(run.executions.slice(1).map((e) => e.executionArn));
    for (const s of services) {
      expect(children.has(s.childExecutionArn ?? '')).toBe(true);
      expect(s.taskDefinitionAfter).toMatch(/task-definition\/temporal-dev-svc-\d{4}:\d+$/);
      expect(s.checks.map((c) => c.verdict)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    }
    // The child's own output keeps the evidence the parent leaves out.
    const child = run.executions[1]?.output as { report: { checks: { evidence: object }[] } };
    expect(child.report.checks.every((c) => Object.keys(c.evidence).length > 0)).toBe(true);
  }, 60_000);
});

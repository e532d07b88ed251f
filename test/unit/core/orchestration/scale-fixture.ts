import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workItemSchema, type WorkItemInput } from '../../../../core/execution';
import {
  childFailureText,
  childOutput,
  serviceSummary,
  type ParentRecord,
} from '../../../../core/orchestration';
import { validatePlan } from '../../../../core/plan/parse';
import type { Plan } from '../../../../core/plan/schema';
import type { CheckResult } from '../../../../core/report/types';

/**
 * A rollout of `count` generated services, the shape the benchmark's scale figure uses: the
 * example plan with copies of its worker service in phases of 25, realistic ARNs, and per
 * service the checks a clean migration records with evidence of the size real runs produce.
 */
export interface ScaleRollout {
  readonly planDocument: Record<string, unknown>;
  readonly plan: Plan;
  /** As Preflight writes it (the baseline left out where it is the current revision). */
  readonly work: WorkItemInput[];
}

const ACCOUNT = '123456789012';
export const PARENT_ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:alloy-rollout:github-1234567890-1`;
const tdArn = (family: string, revision: number) =>
  `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/${family}:${revision}`;
const childArn = (i: number) =>
  `arn:aws:states:eu-west-1:${ACCOUNT}:execution:alloy-rollout:${String(i).padStart(8, '0')}-1b2c-4d5e-8f90-a1b2c3d4e5f6`;

export function scaleRollout(count: number): ScaleRollout {
  const example = parse(readFileSync(join(__dirname, '../../../../examples/plan.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const names = Array.from({ length: count }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}`);
  const phases: { name: string; services: unknown[] }[] = [];
  for (let i = 0; i < names.length; i += 25)
    phases.push({
      name: `wave-${phases.length + 1}`,
      services: names
        .slice(i, i + 25)
        .map((n) => ({ name: n, ecsService: `temporal-dev-${n}`, mainContainers: ['temporal-worker'] })),
    });
  const planDocument = { ...example, phases };
  const validated = validatePlan(planDocument);
  if (!validated.ok) throw new Error(`generated plan invalid: ${JSON.stringify(validated)}`);
  const work = names.map((name, i) => ({
    name,
    phase: phases[Math.floor(i / 25)]?.name ?? 'wave-1',
    ecsService: `temporal-dev-${name}`,
    taskDefinitionArn: tdArn(`temporal-dev-${name}`, 7),
    seriesBaseline: 42,
  }));
  return { planDocument, plan: validated.plan, work };
}

/** A check as a clean run records it: a message of about 90 characters, about 1 KB of evidence. */
function check(name: string, service: string): CheckResult {
  return {
    name,
    verdict: 'passed',
    message: `${name}: 2 of 2 tasks of ${service} seen under their own task_id, 0 JSON errors in 5m`,
    evidence: {
      query: `sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="${service}"}[5m]))`,
      window: { start: '2026-11-23T18:44:41.111Z', end: '2026-11-23T18:49:41.111Z' },
      values: {
        linesByTask: { '3171cde000d4b3e565f6abb1acad44b8': 120, '23164f5cdd7cb5068253a2cd284a85d4': 118 },
        recentEvents: Array.from({ length: 4 }, (_, i) =>
          `(service temporal-dev-${service}) event ${i} `.repeat(3),
        ),
      },
      threshold: { minLinesPerTask: 1, maxJsonErrorRatio: 0.01 },
    },
    durationMs: 61_234,
    attempts: 3,
  };
}

/** What the service's child returns on a clean migration: its full record and the compact one. */
export function migratedChild(
  rollout: ScaleRollout,
  index: number,
): { report: ReturnType<typeof serviceSummary>; record: ParentRecord } {
  const written = rollout.work[index];
  if (!written) throw new Error(`no service ${index}`);
  // The child parses its input: the baseline is filled in there.
  const service = workItemSchema.parse(written);
  const summary = serviceSummary({
    service,
    outcome: 'migrated',
    taskDefinitionAfter: tdArn(service.ecsService, 8),
    checks: ['deployment', 'logs', 'metrics', 'no-error-burst'].map((c) => check(c, service.name)),
    startedAt: '2026-11-23T18:44:41.111Z',
    finishedAt: '2026-11-23T18:49:41.111Z',
  });
  return childOutput(summary, {
    executionArn: childArn(index),
    planDocument: rollout.planDocument,
    plan: rollout.plan,
    workItem: written,
  });
}

/**
 * The caught error the parent holds when the child of service `index` rolled its service back:
 * the child's DescribeExecution as Cause (its Input cut so the whole stays within the 32,768
 * characters Step Functions allows), whose own Cause is the compact cause and the service record.
 */
export function rolledBackChildFailure(
  rollout: ScaleRollout,
  index: number,
): { Error: string; Cause: string } {
  const child = migratedChild(rollout, index);
  const cause = {
    service: child.report.name,
    check: 'logs',
    message: 'still pending at the deadline (30s after start): 2 of 2 tasks have no lines in Loki yet',
    evidence: child.report.checks[1]?.evidence,
  };
  const record = {
    ...child.report,
    outcome: 'rolled-back' as const,
    checks: child.report.checks.map((c) => (c.name === 'logs' ? { ...c, verdict: 'failed' as const } : c)),
  };
  const described = {
    ExecutionArn: childArn(index),
    Status: 'FAILED',
    Error: 'RolledBack',
    Cause: childFailureText(cause, record),
  };
  const room = 32_768 - JSON.stringify({ ...described, Input: '' }).length;
  return {
    Error: 'States.TaskFailed',
    Cause: JSON.stringify({
      ...described,
      Input: JSON.stringify(rollout.planDocument).slice(0, Math.max(0, room)),
    }),
  };
}

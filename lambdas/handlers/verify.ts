import * as z from 'zod';
import { workItemSchema } from '../../core/execution';
import {
  advanceVerification,
  childOutput,
  deploymentTargetSchema,
  serviceSummary,
  verificationStateSchema,
  type StepResult,
  type VerificationState,
  type VerificationStep,
  type VerificationTiming,
} from '../../core/orchestration';
import type { Plan } from '../../core/plan/schema';
import type { CheckResult } from '../../core/report/types';
import { assessDeployment, type Assessment } from '../../core/verify';
import { serviceBaselineSchema } from '../../core/verify/service-baseline';
import { now } from '../clock';
import { parseEvent, taskEventSchema } from '../event';
import { alloySidecarStates, measureAlloyHealth } from '../measure/alloy-health';
import { measureLogs } from '../measure/logs';
import { measureMetrics, measurePlanChecks } from '../measure/metrics';
import { readDeployment } from '../poll-step';
import { loadPlan, planField, servicePlanOf, shadowChecks, shadowVerifyField, stepResult } from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['verify'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    update: deploymentTargetSchema,
    verify: z.looseObject({ verification: verificationStateSchema }).optional(),
    shadowVerify: shadowVerifyField,
    register: z
      .looseObject({
        startedAt: z.string().optional(),
        warnings: z.array(z.string()).optional(),
        /** The containers whose logs Alloy collects: each must ship lines in every new task. */
        logContainers: z.array(z.string()).optional(),
        baseline: serviceBaselineSchema.optional(),
      })
      .optional(),
  }),
);

/** What Verify leaves at `$.verify`: the poll's result, the tracker, every check's latest result. */
export type VerifyResult = StepResult & {
  readonly verification: VerificationState;
  readonly checks: CheckResult[];
};

function timingOf(plan: Plan): VerificationTiming {
  const { verification } = plan;
  return {
    pollMs: verification.pollInterval,
    soakMs: verification.soak,
    deploymentTimeoutMs: verification.deploymentTimeout,
    allowanceMs: {
      logs: verification.logs.deadline,
      metrics: verification.metrics.deadline,
      // Alloy's own metrics travel with the application's: the same deadline.
      'alloy-health': verification.metrics.deadline,
      ...Object.fromEntries(verification.checks.map((c) => [c.name, c.deadline])),
    },
  };
}

/**
 * One poll of the service under migration, from the update to the end of the soak: the ECS
 * deployment and, once tasks of the new deployment run, the logs, metrics and plan checks on
 * those tasks. core/orchestration `advanceVerification` decides: failed at once on bad evidence,
 * passed only after a whole soak of passes, pending otherwise (the state machine waits
 * `waitSeconds` and polls again).
 */
async function handleVerify(event: unknown): Promise<VerifyResult> {
  const { executionArn, state } = parseEvent(eventSchema, event, 'Verify');
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const target = state.update.taskDefinitionArn;
  const { service, tasks } = await readDeployment(plan, svc, target);
  const atMs = now();
  const deployment = assessDeployment({ name: 'deployment', service, expectedTaskDefinition: target });
  let checks: Assessment[] | undefined;
  if (tasks.length > 0 && deployment.verdict !== 'failed') {
    const taskArns = tasks.map((t) => t.taskArn);
    const startedAtMs = Object.fromEntries(
      tasks.flatMap((t) => (t.startedAtMs !== undefined ? [[t.taskArn, t.startedAtMs]] : [])),
    );
    const { verification } = plan;
    const [logs, metrics, alloyHealth, own] = await Promise.all([
      measureLogs({
        plan,
        service: svc.name,
        taskArns,
        taskStarts: { startedAtMs, deadlineMs: verification.logs.deadline },
        atMs,
        logContainers: state.register?.logContainers,
        jsonBaseline: state.register?.baseline?.logs,
      }),
      measureMetrics({
        plan,
        service: svc.name,
        taskArns,
        taskStarts: { startedAtMs, deadlineMs: verification.metrics.deadline },
        baselineSeriesCount: state.service.seriesBaseline,
        baseline: state.register?.baseline?.metrics,
        atMs,
      }),
      measureAlloyHealth({
        plan,
        service: svc.name,
        taskArns,
        taskStarts: { startedAtMs, deadlineMs: verification.metrics.deadline },
        atMs,
        sidecars: alloySidecarStates(tasks),
      }),
      measurePlanChecks(plan, svc.name, atMs),
    ]);
    checks = [logs, metrics, alloyHealth, ...own];
  }
  const step = advanceVerification(
    state.verify?.verification,
    { nowMs: atMs, deployment, ...(checks ? { checks } : {}) },
    { ...timingOf(plan), startedAtMs: state.update.window.startedAtMs },
  );
  return verifyResult(step, { plan, serviceName: svc.name, state, executionArn, nowMs: atMs });
}

function verifyResult(
  step: VerificationStep,
  context: {
    readonly plan: Plan;
    readonly serviceName: string;
    readonly state: z.infer<typeof eventSchema>['state'];
    readonly executionArn: string;
    readonly nowMs: number;
  },
): VerifyResult {
  const { plan, state } = context;
  const base = stepResult({
    service: context.serviceName,
    step: 'verify',
    verdict: step.verdict,
    check: step.check,
    window: {
      startedAtMs: state.update.window.startedAtMs,
      allowanceMs: plan.verification.deploymentTimeout,
      attempts: step.state.polls,
    },
    waitSeconds: step.waitSeconds,
  });
  const result: VerifyResult = {
    ...base,
    progress: { ...base.progress, message: step.summary },
    verification: step.state,
    checks: step.checks,
  };
  if (step.verdict !== 'passed') return result;
  const summary = serviceSummary({
    service: state.service,
    outcome: 'migrated',
    taskDefinitionAfter: state.update.taskDefinitionArn,
    // The shadow step's completeness figures come first: it ran before the final revision.
    checks: [...shadowChecks(state.shadowVerify), ...step.checks],
    startedAt: state.register?.startedAt,
    finishedAt: new Date(context.nowMs).toISOString(),
    warnings: state.register?.warnings,
  });
  const output = childOutput(summary, {
    executionArn: context.executionArn,
    planDocument: state.plan,
    plan,
    workItem: state.service,
  });
  return { ...result, summary, output };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Verify', handleVerify);

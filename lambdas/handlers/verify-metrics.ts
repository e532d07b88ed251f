import { now } from '../clock';
import * as z from 'zod';
import { workItemSchema } from '../../core/execution';
import {
  childOutput,
  deploymentTargetSchema,
  evaluationTime,
  nextWindow,
  pollWindowSchema,
  serviceSummary,
  type StepResult,
} from '../../core/orchestration';
import type { Plan } from '../../core/plan/schema';
import { expandCheckQuery } from '../../core/plan/check-query';
import { latestSamples, seriesCountForService, upByTask } from '../../core/queries';
import type { CheckResult } from '../../core/report/types';
import {
  assessCustom,
  assessMetrics,
  singleValue,
  worstVerdict,
  type Assessment,
  type CustomValue,
} from '../../core/verify';
import { lokiClientFor } from '../adapters/loki-client';
import { ampClientFor, measure } from '../adapters/observability';
import { parseEvent, taskEventSchema } from '../event';
import { loadCheckedService, pollStep } from '../poll-step';
import { planField, priorCheckField } from '../shared';

const eventSchema = taskEventSchema(
  ['metrics'],
  z.looseObject({
    plan: planField,
    service: workItemSchema,
    update: deploymentTargetSchema,
    metrics: z.looseObject({ window: pollWindowSchema }).optional(),
    deployment: priorCheckField,
    logs: priorCheckField,
    register: z
      .looseObject({ startedAt: z.string().optional(), warnings: z.array(z.string()).optional() })
      .optional(),
  }),
);

/** The plan's own checks, each one number at `atMs` compared with its threshold. */
async function customAssessments(plan: Plan, serviceName: string, atMs: number): Promise<Assessment[]> {
  if (plan.verification.checks.length === 0) return [];
  const amp = ampClientFor(plan);
  const loki = plan.verification.checks.some((c) => c.language === 'logql')
    ? await lokiClientFor(plan)
    : undefined;
  const out: Assessment[] = [];
  for (const planned of plan.verification.checks) {
    const check = { ...planned, query: expandCheckQuery(planned.query, serviceName) };
    const run = () =>
      check.language === 'logql' && loki ? loki.query(check.query, atMs) : amp.query(check.query, atMs);
    const measured = await measure(check.query, run);
    const value: CustomValue =
      'data' in measured ? singleValue(measured.data, atMs) : { error: measured.error };
    out.push(assessCustom(check, value, { startMs: atMs, endMs: atMs }));
  }
  return out;
}

/**
 * `up` for every new task and series continuity in AMP, then the plan's own checks; polled
 * until the metrics deadline. The last step of a migration: on passed it returns the summary.
 */
export async function handler(event: unknown): Promise<StepResult> {
  const { executionArn, state } = parseEvent(eventSchema, event, 'VerifyMetrics');
  const { plan, svc, taskArns } = await loadCheckedService(state, state.update.taskDefinitionArn);
  const amp = ampClientFor(plan);
  const nowMs = now();
  const allowance = Math.max(
    plan.verification.metrics.deadline,
    ...plan.verification.checks.map((c) => c.deadline),
  );
  const window = nextWindow(state.metrics?.window, nowMs, allowance);
  // Evidence as it stood at the deadline at the latest: series that arrived later never count.
  const atMs = evaluationTime(window, nowMs);
  const upQuery = upByTask(svc.name);
  const seriesQuery = seriesCountForService(svc.name);
  const up = await measure(upQuery, async () => latestSamples(await amp.query(upQuery, atMs)));
  const seriesCount = await measure(seriesQuery, async () =>
    latestSamples(await amp.query(seriesQuery, atMs)),
  );
  const metrics = assessMetrics({
    name: 'metrics',
    service: svc.name,
    evaluatedAtMs: atMs,
    expectedTaskIds: taskArns,
    up,
    seriesCount,
    baselineSeriesCount: state.service.seriesBaseline,
    requireBaseline: plan.verification.metrics.requireBaseline,
    minSeriesRatio: plan.verification.metrics.minSeriesRatio,
  });
  const custom = await customAssessments(plan, svc.name, atMs);
  const all = [metrics, ...custom];
  // The step is already named "metrics" where it is shown; only plan checks need their name.
  const shown = (a: Assessment) => (a === metrics ? a.message : `${a.name}: ${a.message}`);
  const failing = all.filter((a) => a.verdict !== 'passed');
  const combined: Assessment = {
    name: 'metrics',
    verdict: worstVerdict(all.map((a) => a.verdict)),
    message: (failing.length === 0 ? all : failing).map(shown).join('; '),
    evidence: {
      ...metrics.evidence,
      checks: custom.map((c) => ({
        name: c.name,
        verdict: c.verdict,
        message: c.message,
        evidence: c.evidence,
      })),
    },
  };
  const result = pollStep({
    plan,
    service: svc.name,
    step: 'metrics',
    assessment: combined,
    window,
    nowMs,
    measuredAtMs: atMs,
  });
  if (result.verdict !== 'passed') return result;
  const customChecks: CheckResult[] = custom.map((c) => ({ ...c, durationMs: result.check.durationMs }));
  const summary = serviceSummary({
    service: state.service,
    outcome: 'migrated',
    taskDefinitionAfter: state.update.taskDefinitionArn,
    checks: [
      state.deployment?.check as CheckResult | undefined,
      state.logs?.check as CheckResult | undefined,
      result.check,
      ...customChecks,
    ],
    startedAt: state.register?.startedAt,
    finishedAt: new Date(nowMs).toISOString(),
    warnings: state.register?.warnings,
  });
  const output = childOutput(summary, {
    executionArn,
    planDocument: state.plan,
    plan,
    workItem: state.service,
  });
  return { ...result, summary, output };
}

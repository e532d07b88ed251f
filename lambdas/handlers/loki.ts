import { now } from '../clock';
import * as z from 'zod';
import { InputInvalidError } from '../../core/errors';
import type { Progress } from '../../core/execution';
import {
  checkResultSchema,
  deploymentTargetSchema,
  evaluationTime,
  nextPollSeconds,
  nextWindow,
  pollWindowSchema,
  settleStep,
  timingFromPlan,
  type DeploymentTarget,
  type PollWindow,
  type StepVerdict,
} from '../../core/orchestration';
import type { Plan } from '../../core/plan/schema';
import type { CheckResult, FailureCause } from '../../core/report/types';
import { toRegisterInput } from '../../core/taskdef';
import { assessDeployment, type Assessment } from '../../core/verify';
import {
  describeService,
  describeTaskDefinition,
  registerTaskDefinition,
  updateService,
} from '../adapters/ecs';
import { lokiClientFor } from '../adapters/loki-client';
import { createEcsClient, type EcsClients } from '../clients/aws-ecs';
import type { LokiClient } from '../clients/loki';
import { parseEvent, taskEventSchema } from '../event';
import { pushCanary, readCanary } from '../loki-canary';
import { pollStorage, storageStateSchema, type StorageState } from '../loki-storage';
import { causeFields, checkProgress, loadPlan, planField } from '../shared';
import { instrumented } from '../observability/instrumented';

/**
 * The stages in order; each poll advances as far as it can. A new stage goes before 'done': give
 * it a block in `poll` after the one before it, which on passing sets `stage` to it and opens its
 * window.
 */
const STAGES = ['deployment', 'ready', 'canary', 'storage', 'done'] as const;
type Stage = (typeof STAGES)[number];

const lokiStateSchema = z.looseObject({
  stage: z.enum(STAGES),
  target: deploymentTargetSchema.nullable(),
  window: pollWindowSchema,
  canary: z.object({ marker: z.string(), pushedAtMs: z.number() }).optional(),
  storage: storageStateSchema.optional(),
  checks: z.array(checkResultSchema),
});
const eventSchema = taskEventSchema(
  ['deploy', 'poll'],
  z.looseObject({ plan: planField, loki: lokiStateSchema.optional() }),
);

export interface LokiResult {
  readonly verdict: StepVerdict;
  readonly stage: Stage;
  readonly target: DeploymentTarget | null;
  readonly window: PollWindow;
  readonly canary?: { readonly marker: string; readonly pushedAtMs: number };
  readonly storage?: StorageState;
  readonly checks: CheckResult[];
  readonly cause?: FailureCause;
  readonly causeText?: string;
  readonly progress: Progress;
  /** Seconds to wait before the next poll; the last one lands at the stage's deadline. */
  readonly waitSeconds?: number;
}

/** Brings the Loki service to the plan's count and image; returns the deployment to watch (or none). */
async function deploy(plan: Plan, aws: EcsClients, nowMs: number): Promise<LokiResult> {
  const name = plan.loki.service;
  if (!name) {
    const window = nextWindow(undefined, nowMs, plan.verification.deploymentTimeout);
    return {
      verdict: 'pending',
      stage: 'ready',
      target: null,
      window,
      checks: [],
      progress: {
        step: 'loki',
        status: 'info',
        message: 'Loki runs outside the cluster: only /ready and the canary are checked',
      },
    };
  }
  const service = await describeService(aws.ecs, plan.cluster, name);
  let taskDefinitionArn = service.taskDefinition ?? '';
  let changedImage = false;
  if (plan.loki.image) {
    const current = await describeTaskDefinition(aws.ecs, taskDefinitionArn);
    const body = toRegisterInput(current);
    const container =
      body.containerDefinitions.find((c) => /(^|\/)loki(:|@|$)/.test(c.image ?? '')) ??
      body.containerDefinitions[0];
    if (container && container.image !== plan.loki.image) {
      container.image = plan.loki.image;
      taskDefinitionArn = await registerTaskDefinition(aws.ecs, body);
      changedImage = true;
    }
  }
  const window = nextWindow(undefined, nowMs, plan.verification.deploymentTimeout);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (!changedImage && service.desiredCount === plan.loki.desiredCount) {
    const target = { taskDefinitionArn, deploymentId: primary?.id ?? null, window };
    return {
      verdict: 'pending',
      stage: 'deployment',
      target,
      window,
      checks: [],
      progress: {
        step: 'loki',
        status: 'ok',
        message: `${name} already at ${plan.loki.desiredCount} task(s) of ${taskDefinitionArn}`,
      },
    };
  }
  const deploymentId = await updateService(aws.ecs, {
    cluster: plan.cluster,
    service: name,
    taskDefinition: taskDefinitionArn,
    desiredCount: plan.loki.desiredCount,
  });
  return {
    verdict: 'pending',
    stage: 'deployment',
    target: { taskDefinitionArn, deploymentId, window },
    window,
    checks: [],
    progress: {
      step: 'loki',
      status: 'ok',
      message: `${name} updated to ${plan.loki.desiredCount} task(s) of ${taskDefinitionArn}`,
      evidence: { deploymentId },
    },
  };
}

/**
 * One poll: advances deployment -> /ready -> canary as far as it can in one call (each stage has
 * its own window), so a healthy Loki costs one poll.
 */
async function poll(
  plan: Plan,
  aws: EcsClients,
  prior: z.infer<typeof lokiStateSchema>,
  executionArn: string,
): Promise<LokiResult> {
  let { stage, window, canary, storage } = prior;
  const checks = [...prior.checks] as CheckResult[];
  const target = prior.target;
  let loki: LokiClient | undefined;
  const settleAt = (assessment: Assessment) => settleStep(assessment, window, now());
  const result = (verdict: StepVerdict, check: CheckResult): LokiResult => {
    const base = {
      verdict,
      stage,
      target,
      window,
      ...(canary ? { canary } : {}),
      ...(storage ? { storage } : {}),
      checks,
      waitSeconds: nextPollSeconds(window, now(), timingFromPlan(plan).pollSeconds),
      progress: checkProgress(verdict, check),
    };
    if (verdict !== 'failed') return base;
    return { ...base, checks: [...checks, check], ...causeFields('loki', check) };
  };
  window = { ...window, attempts: window.attempts + 1 };

  if (stage === 'deployment' && target) {
    const service = await describeService(aws.ecs, plan.cluster, plan.loki.service ?? '');
    const { verdict, check } = settleAt(
      assessDeployment({
        name: 'loki-deployment',
        service,
        expectedTaskDefinition: target.taskDefinitionArn,
      }),
    );
    if (verdict !== 'passed') return result(verdict, check);
    checks.push(check);
    stage = 'ready';
    window = nextWindow(undefined, now(), plan.verification.deploymentTimeout);
  }
  if (stage === 'ready' || stage === 'deployment') {
    loki ??= await lokiClientFor(plan);
    const readiness = await loki.ready();
    const { verdict, check } = settleAt({
      name: 'loki-ready',
      verdict: readiness.ready ? 'passed' : 'pending',
      message: readiness.ready
        ? `Loki /ready answered ${readiness.status ?? ''} ${readiness.detail}`.trim()
        : `Loki not ready: ${readiness.detail}`,
      evidence: {
        query: `GET ${plan.loki.url.replace(/\/+$/, '')}/ready`,
        values: { status: readiness.status, body: readiness.detail },
      },
    });
    if (verdict !== 'passed') return result(verdict, check);
    checks.push(check);
    stage = 'canary';
    window = nextWindow(undefined, now(), plan.verification.logs.deadline);
  }
  loki ??= await lokiClientFor(plan);
  if (stage === 'canary' && !canary) {
    // Pushed once per execution: this poll returns right after the push, so no later failure
    // in the same call (a read-back answered 503) can make a Lambda retry push another line;
    // from the next poll on, only the read-back runs.
    const pushed = await pushCanary(loki, plan, executionArn);
    if ('canary' in pushed) canary = pushed.canary;
    const { verdict, check } = settleAt(pushed.assessment);
    return result(verdict, check);
  }
  if (stage === 'canary' && canary) {
    const atMs = evaluationTime(window, now());
    const { verdict, check } = settleStep(await readCanary(loki, plan, canary, atMs), window, atMs);
    if (verdict !== 'passed') return result(verdict, check);
    checks.push(check);
    stage = 'storage';
    window = nextWindow(undefined, now(), plan.verification.logs.deadline);
  }
  if (!canary)
    throw new InputInvalidError('Loki: bad event: state.loki.canary is missing past the canary stage');
  // Retention, object store, S3 gateway endpoint, chunks flushed since the canary.
  const step = await pollStorage({
    plan,
    aws,
    loki,
    sinceMs: canary.pushedAtMs,
    checks,
    window,
    nowMs: now(),
    state: storage,
  });
  storage = step.state;
  checks.push(...step.done);
  if (step.verdict !== 'passed') return result(step.verdict, step.check);
  stage = 'done';
  return result('passed', step.check);
}

/** `deploy`: Loki service to its count/image. `poll`: deployment, /ready, canary round trip, storage. */
async function handleLoki(event: unknown): Promise<LokiResult> {
  const { action, executionArn, state } = parseEvent(eventSchema, event, 'Loki');
  const plan = loadPlan(state.plan);
  const aws = { ecs: createEcsClient(plan.region) };
  if (action === 'deploy') return deploy(plan, aws, now());
  if (!state.loki)
    throw new InputInvalidError('Loki: bad event: state.loki is missing; expected the result of LokiDeploy');
  return poll(plan, aws, state.loki, executionArn);
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Loki', handleLoki);

import { now } from '../clock';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { timingSchema, type Progress } from '../../core/execution';
import { migrate, shadowTaskDefinition, type ShadowStream } from '../../core/taskdef';
import { logGroupFor } from '../../core/plan/resolve';
import { shadowOf } from '../../core/plan/shadow';
import { awsCall } from '../adapters/aws-errors';
import { readCollectorConfig } from '../adapters/collector-config';
import { describeService, describeTaskDefinition, registerTaskDefinition } from '../adapters/ecs';
import { createEcsClient } from '../clients/aws-ecs';
import { createSsmClient } from '../clients/aws-ssm';
import { createLogsClient } from '../clients/aws-logs';
import { logContainersOf } from '../../core/taskdef/log-containers';
import { measureJsonBaseline } from '../measure/json-baseline';
import { parseEvent, taskEventSchema } from '../event';
import type { ServiceBaseline } from '../../core/verify/service-baseline';
import { measureServiceBaseline } from '../measure/baseline';
import { loadPlan, planField, servicePlanOf, workItemField } from '../shared';
import { parentLinkFields, requireLiveParent } from '../parent-gate';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['register'],
  z.looseObject({ plan: planField, service: workItemField, timing: timingSchema, ...parentLinkFields }),
);

export interface RegisterResult {
  readonly taskDefinitionArn: string;
  readonly baselineArn: string;
  /** False when the service already ran Alloy (a re-run): nothing was registered. */
  readonly registered: boolean;
  readonly configParameter?: string;
  readonly warnings: string[];
  readonly startedAt: string;
  /**
   * The containers of the registered definition whose logs Alloy collects: the logs check wants
   * lines from each of them in every new task. Absent when the definition records none.
   */
  readonly logContainers?: string[];
  /**
   * With a shadow step in the service's phase: the revision that keeps awslogs beside the Alloy
   * sidecar (UpdateService `shadow` deploys it first) and the CloudWatch streams VerifyShadow counts.
   */
  readonly shadow?: { readonly taskDefinitionArn: string; readonly streams: ShadowStream[] };
  /**
   * What the service's metrics (and logs) looked like under ADOT, measured before anything here
   * changed; Verify reads it at `$.register.baseline`. Empty on a re-run over a migrated service.
   */
  readonly baseline: ServiceBaseline;
  readonly progress: Progress;
}

/** The baseline in a few figures for the progress stream (the whole of it stays in the state). */
function baselineSummary(baseline: ServiceBaseline): Record<string, unknown> {
  const logs = jsonBaselineSummary(baseline.logs);
  const m = baseline.metrics;
  if (!m) return logs;
  if ('unreadable' in m) return { ...logs, metrics: { unreadable: m.unreadable } };
  return {
    ...logs,
    metrics: {
      names: Object.keys(m.names).length,
      namesSeen: m.namesSeen,
      samplesPerMinute: m.cadence?.samplesPerMinute ?? null,
    },
  };
}

/** The CloudWatch share of non-JSON lines in a few figures, or why there is none. */
function jsonBaselineSummary(logs: ServiceBaseline['logs']): Record<string, unknown> {
  if (!logs) return {};
  return logs.kind === 'measured'
    ? { logs: { nonJsonShare: logs.share, lines: logs.lines, sampled: logs.sampled } }
    : { logs: { unavailable: logs.reason } };
}

// SSM standard parameters hold 4 KB; bigger configs need the advanced tier.
const STANDARD_TIER_LIMIT = 4096;

function logContainersField(td: Parameters<typeof logContainersOf>[0]): { logContainers?: string[] } {
  const containers = logContainersOf(td);
  return containers ? { logContainers: containers } : {};
}

/** Renders the Alloy task definition from the service's current one, stores the config, registers it. */
async function handleRegister(event: unknown): Promise<RegisterResult> {
  const { executionArn, state } = parseEvent(eventSchema, event, 'Register');
  const plan = loadPlan(state.plan);
  // The first Lambda of a service-migrate child: nothing changes unless a live parent holding the lock started it.
  await requireLiveParent(executionArn, state, plan);
  const svc = servicePlanOf(plan, state.service.name);
  const aws = { ecs: createEcsClient(plan.region), ssm: createSsmClient(plan.region) };
  const startedAt = new Date(now()).toISOString();
  const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
  const currentArn = service.taskDefinition ?? state.service.taskDefinitionArn;
  const current = await describeTaskDefinition(aws.ecs, currentArn);
  const collectorConfig = await readCollectorConfig(aws.ssm, current, svc);
  const result = migrate(current, svc, plan, { baselineArn: state.service.baselineArn, collectorConfig });
  if (result.kind === 'already-migrated') {
    return {
      taskDefinitionArn: currentArn,
      baselineArn: state.service.baselineArn,
      registered: false,
      warnings: [result.reason],
      startedAt,
      ...logContainersField(current),
      // It already runs Alloy: there is nothing under ADOT (or in CloudWatch) to measure.
      baseline: {
        logs: { kind: 'unavailable', reason: 'the service already ran Alloy: no awslogs lines to measure' },
      },
      progress: { service: svc.name, step: 'register', status: 'skipped', message: result.reason },
    };
  }
  // Measured before the config is stored and the definition registered: a step retried after a
  // partial run measures again, and the service still runs ADOT until UpdateService.
  const [metricsBaseline, logsBaseline] = await Promise.all([
    measureServiceBaseline(plan, svc.name, {
      now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
    measureJsonBaseline({
      logs: createLogsClient(plan.region),
      plan,
      taskDefinition: current,
      // The migration's own choice (plan mainContainers, else all but the collector, however found).
      mainContainers: result.mainContainers,
      atMs: now(),
    }),
  ]);
  const baseline: ServiceBaseline = { ...metricsBaseline, logs: logsBaseline };
  // Built (and refused) before anything is stored or registered.
  const shadowPlan = shadowOf(plan, svc.name);
  const shadowBody =
    shadowPlan &&
    shadowTaskDefinition(current, result.taskDefinition, result.mainContainers, svc.name, (container) =>
      logGroupFor(plan, svc.name, container),
    );
  await awsCall(`ssm:PutParameter ${result.configParameter}`, () =>
    aws.ssm.send(
      new PutParameterCommand({
        Name: result.configParameter,
        Value: result.alloyConfig,
        Type: 'String',
        Overwrite: true,
        Tier: Buffer.byteLength(result.alloyConfig) > STANDARD_TIER_LIMIT ? 'Advanced' : 'Standard',
      }),
    ),
  );
  const taskDefinitionArn = await registerTaskDefinition(aws.ecs, result.taskDefinition);
  const shadow = shadowBody && {
    taskDefinitionArn: await registerTaskDefinition(aws.ecs, shadowBody.taskDefinition),
    streams: shadowBody.streams,
  };
  return {
    taskDefinitionArn,
    baselineArn: state.service.baselineArn,
    registered: true,
    ...(shadow ? { shadow } : {}),
    configParameter: result.configParameter,
    warnings: result.warnings,
    startedAt,
    ...logContainersField(result.taskDefinition),
    baseline,
    progress: {
      service: svc.name,
      step: 'register',
      status: 'ok',
      message: `registered ${taskDefinitionArn} (Alloy sidecar, json-file logs)${shadow ? ` and the shadow ${shadow.taskDefinitionArn} (Alloy sidecar, awslogs kept)` : ''}, baseline ${state.service.baselineArn}`,
      evidence: {
        taskDefinitionArn,
        ...(shadow ? { shadowTaskDefinitionArn: shadow.taskDefinitionArn } : {}),
        baselineArn: state.service.baselineArn,
        configParameter: result.configParameter,
        warnings: result.warnings,
        baseline: baselineSummary(baseline),
      },
    },
  };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Register', handleRegister);

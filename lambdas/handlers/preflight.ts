import { now } from '../clock';
import type { Service } from '@aws-sdk/client-ecs';
import { InputInvalidError, RolloutError, UnmigratableError, UnrevertableError } from '../../core/errors';
import { executionInputSchema, type Progress, type Timing, type WorkItemInput } from '../../core/execution';
import { childNamePrefix, selectServices, timingFromPlan, verifyLokiStart } from '../../core/orchestration';
import { latestSamples, seriesCountForService } from '../../core/queries';
import type { ServiceReport } from '../../core/report/types';
import { BASELINE_TAG, collectorOf, migrate, type DescribedTaskDefinition } from '../../core/taskdef';
import {
  baselineReading,
  readBaselines,
  unreadableBaselineProblem,
  type BaselineRead,
} from '../../core/verify';
import type { Plan } from '../../core/plan/schema';
import { describeService, describeTaskDefinition } from '../adapters/ecs';
import { ampClientFor, measure } from '../adapters/observability';
import { checkPermissions, type PermissionTarget } from '../adapters/permissions';
import { readCollectorConfig } from '../adapters/collector-config';
import { createEcsClient } from '../clients/aws-ecs';
import { createIamClient } from '../clients/aws-iam';
import { createSecretsClient } from '../clients/aws-secrets';
import { createSsmClient } from '../clients/aws-ssm';
import { parseEvent, taskEventSchema } from '../event';
import { loadPlan } from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(['preflight'], executionInputSchema.passthrough());

export interface PreflightResult {
  readonly cluster: string;
  readonly timing: Timing;
  /** Services the run works on, in order: migrate (legacy ones) or rollback (migrated ones). */
  readonly work: WorkItemInput[];
  readonly count: number;
  /** Entries decided here: skipped services, and in plan mode each service's diff. */
  readonly reports: ServiceReport[];
  readonly progress: Progress;
  /** Verify mode: the Loki poll's starting state (core/orchestration `verifyLokiStart`). */
  readonly lokiStart?: ReturnType<typeof verifyLokiStart>;
  /** The children's names start with it (`<prefix>-m<i>`, `<prefix>-r<i>`): one string, not one per service. */
  readonly childPrefix: string;
}

/** Each service's series count before anything changes, read with retries (core/verify). */
async function seriesBaselines(plan: Plan, services: readonly string[]): Promise<Map<string, BaselineRead>> {
  const amp = ampClientFor(plan);
  return readBaselines(
    services,
    async (service) => {
      const query = seriesCountForService(service);
      const atMs = now();
      return baselineReading(
        await measure(query, async () => latestSamples(await amp.query(query, atMs))),
        atMs,
      );
    },
    (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  );
}

function isFargate(service: Service): boolean {
  return (
    service.launchType === 'FARGATE' ||
    (service.capacityProviderStrategy ?? []).some((c) => c.capacityProvider?.startsWith('FARGATE') ?? false)
  );
}

function baselineTagOf(td: DescribedTaskDefinition): string | undefined {
  return td.tags?.find((t) => t.key === BASELINE_TAG)?.value;
}

/**
 * Everything that can refuse the run is checked here, before anything changes: the plan, the
 * services and their task definitions (Fargate, migratable at all), and whether their roles may do
 * what the migrated tasks need. Problems of every service are gathered into one refusal, so the
 * user fixes them in one go.
 */
async function handlePreflight(event: unknown): Promise<PreflightResult> {
  const { executionArn, state } = parseEvent(eventSchema, event, 'Preflight');
  const plan = loadPlan(state.plan);
  const aws = { ecs: createEcsClient(plan.region) };
  const selected = selectServices(plan, state.mode, state.services, state.phase);
  const work: WorkItemInput[] = [];
  const reports: ServiceReport[] = [];
  const problems: { service: string; message: string; reason?: unknown }[] = [];
  /** Services whose migrated definition would run: their roles are checked below. */
  const permissionTargets: PermissionTarget[] = [];

  for (const svc of selected) {
    const service = await describeService(aws.ecs, plan.cluster, svc.ecsService);
    const currentArn = service.taskDefinition;
    if (!currentArn)
      throw new InputInvalidError(`ECS service "${svc.ecsService}" has no task definition`, {
        service: svc.name,
      });
    if (state.mode === 'verify') {
      // Read-only: the audit judges what the service runs (drift included); nothing to refuse here.
      work.push({
        name: svc.name,
        phase: svc.phase,
        ecsService: svc.ecsService,
        taskDefinitionArn: currentArn,
      });
      continue;
    }
    if (isFargate(service) && state.mode !== 'rollback') {
      problems.push({
        service: svc.name,
        message: 'runs on Fargate: Fargate has no json-file log driver and no host docker socket',
        reason: 'fargate',
      });
      continue;
    }
    const current = await describeTaskDefinition(aws.ecs, currentArn);
    const collector = collectorOf(current);
    const base = { name: svc.name, phase: svc.phase, ecsService: svc.ecsService, checks: [] };
    if (state.mode === 'rollback') {
      if (collector !== 'alloy') {
        reports.push({
          ...base,
          outcome: 'skipped',
          taskDefinitionBefore: currentArn,
          warnings: [`already on ${collector === 'adot' ? 'ADOT' : 'no collector'}: nothing to roll back`],
        });
        continue;
      }
      const baselineArn = baselineTagOf(current);
      if (!baselineArn) {
        problems.push({
          service: svc.name,
          message: `${currentArn} runs Alloy but has no ${BASELINE_TAG} tag: the baseline is unknown`,
          reason: 'no-baseline',
        });
        continue;
      }
      work.push({
        name: svc.name,
        phase: svc.phase,
        ecsService: svc.ecsService,
        taskDefinitionArn: currentArn,
        baselineArn,
        seriesBaseline: null,
      });
      continue;
    }
    try {
      // ADOT's config as Register reads it: plan mode shows the scrape Register will render, and
      // the scrape port (a port clash refuses) is the one Register will resolve.
      const collectorConfig = await readCollectorConfig(createSsmClient(plan.region), current, svc);
      const result = migrate(current, svc, plan, { baselineArn: currentArn, collectorConfig });
      if (result.kind === 'already-migrated') {
        reports.push({
          ...base,
          outcome: 'skipped',
          taskDefinitionBefore: baselineTagOf(current) ?? currentArn,
          taskDefinitionAfter: currentArn,
          finalCollector: 'alloy',
          warnings: [result.reason],
        });
        continue;
      }
      permissionTargets.push({ service: svc.name, taskDefinition: current.taskDefinition });
      if (state.mode === 'plan') {
        reports.push({
          ...base,
          outcome: 'planned',
          taskDefinitionBefore: currentArn,
          diff: result.diff,
          warnings: result.warnings,
        });
        continue;
      }
    } catch (err) {
      if (err instanceof UnmigratableError) {
        problems.push({ service: svc.name, message: err.message, reason: err.details.reason });
        continue;
      }
      throw err;
    }
    work.push({
      name: svc.name,
      phase: svc.phase,
      ecsService: svc.ecsService,
      taskDefinitionArn: currentArn,
      // The baseline is the current revision: left out (workItemSchema fills it in).
      // The series baseline is read below for all services at once.
      seriesBaseline: null,
    });
  }

  const toMigrate = state.mode === 'migrate' ? work.map((w) => w.name) : [];
  const baselines = await seriesBaselines(plan, toMigrate);
  const unread: string[] = [];
  for (const [i, item] of work.entries()) {
    const read = baselines.get(item.name);
    if (!read) continue;
    if ('count' in read.reading) {
      work[i] = { ...item, seriesBaseline: read.reading.count };
      continue;
    }
    unread.push(item.name);
    if (plan.verification.metrics.requireBaseline)
      problems.push({
        service: item.name,
        message: unreadableBaselineProblem(
          seriesCountForService(item.name),
          read.attempts,
          read.reading.unreadable,
        ),
        reason: 'baseline-unreadable',
      });
  }

  const permissions = await checkPermissions(plan, permissionTargets, {
    iam: createIamClient(plan.region),
    secrets: createSecretsClient(plan.region),
  });
  problems.push(...permissions.problems);

  if (problems.length > 0) {
    const text = problems.map((p) => `${p.service}: ${p.message}`).join('; ');
    const ErrorClass: new (m: string, d: Record<string, unknown>) => RolloutError =
      state.mode === 'rollback' ? UnrevertableError : UnmigratableError;
    throw new ErrorClass(`refused before anything changed: ${text}`, { problems });
  }
  const verb =
    state.mode === 'rollback'
      ? 'to roll back'
      : state.mode === 'plan'
        ? 'planned'
        : state.mode === 'verify'
          ? 'to verify (read-only)'
          : 'to migrate';
  return {
    cluster: plan.cluster,
    timing: timingFromPlan(plan),
    work,
    count: work.length,
    reports,
    childPrefix: childNamePrefix(executionArn),
    ...(state.mode === 'verify' ? { lokiStart: verifyLokiStart(plan, now()) } : {}),
    progress: {
      step: 'preflight',
      status: 'ok',
      message:
        `${state.mode === 'plan' ? reports.filter((r) => r.outcome === 'planned').length : work.length} service(s) ${verb}, ${reports.filter((r) => r.outcome === 'skipped').length} skipped` +
        (unread.length > 0
          ? `; series baseline not read for ${unread.join(', ')} (requireBaseline: false): their continuity will not be checked`
          : '') +
        (permissions.notChecked.length > 0 ? `; not checked: ${permissions.notChecked.join('; ')}` : ''),
      evidence: {
        work: work.map((w) =>
          // A verify run knows no baseline: what each service runs is what it audits.
          state.mode === 'verify'
            ? { name: w.name, running: w.taskDefinitionArn }
            : {
                name: w.name,
                baseline: w.baselineArn ?? w.taskDefinitionArn,
                seriesBaseline: w.seriesBaseline,
              },
        ),
        skipped: reports.filter((r) => r.outcome === 'skipped').map((r) => r.name),
        ...(unread.length > 0 ? { baselineNotRead: unread } : {}),
        permissions: { checked: permissions.checked, notChecked: permissions.notChecked },
      },
    },
  };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Preflight', handlePreflight);

import { SFNClient } from '@aws-sdk/client-sfn';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runRollout } from '../../action/src/run-rollout';
import type { ActionInputs, ActionResult } from '../../action/src/types';
import { lockNote } from '../../core/orchestration/lock-note';
import { orderedServices } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import type { Report, ReportStatus, ServiceReport } from '../../core/report/types';
import { applyEnv } from '../env';
import { checkFaultTargets } from '../fault-targets';
import { describeFault, type Fault } from '../faults';
import { startPrometheus } from '../prometheus';
import { NOTIFY_TOPIC_NAME, startSandbox } from '../sandbox';
import { withScratchDir } from '../scratch-dir';
import { seedPlanCluster } from './cluster';
import { consoleActionIo } from './console-io';
import {
  readRehearsalInputs,
  sandboxGrafanaFields,
  sandboxPlanDocument,
  type RehearsalInputs,
} from './inputs';
import { observe, type Observation } from './observe';
import { collectLambdaLogs, renderOrchestratorLog, writeLambdaLogs } from './orchestrator-log';
import { digestChanges, stateDigest, type StateDigest } from './read-only-proof';

/** The orchestrator's log lines (JSON Lines), written beside the report. */
export const LAMBDA_LOG_FILE = 'lambda-logs.jsonl';

export interface RehearseOptions {
  readonly planFile: string;
  readonly taskDefinitionsDir: string;
  readonly faults: readonly Fault[];
  readonly clockSpeed: number;
  /** Where the report is written. */
  readonly reportFile: string;
  /** Scratch space: each rehearsal runs in a fresh directory under it (Prometheus data), removed at the end. */
  readonly workDir: string;
  readonly write: (text: string) => void;
  /** Repository root (lambdas/, statemachine/); default: this checkout. */
  readonly root?: string;
  /** Aborting stops the sandbox at once (Ctrl-C): the execution is aborted and the report says so. */
  readonly signal?: AbortSignal;
  /** How long to follow the rollout before giving up, in real minutes. */
  readonly timeoutMinutes?: number;
  /**
   * `migrate` (default): the rollout. `verify`: the rollout, then, once it succeeded, a verify run
   * of the same plan (the scheduled audit), whose report is the rehearsal's; faults that act when
   * a verify run starts (reverted-by-iac) act then.
   */
  readonly mode?: 'migrate' | 'verify';
}

/** In `--mode verify`: the migration before the audit, and what the audit changed (it must be nothing). */
export interface VerifyRehearsal {
  readonly migrate: { readonly status: ActionResult['status']; readonly executionArn: string };
  /** From the verify execution's start (after the faults that act then) to its end; empty when read-only. */
  readonly changesDuringVerify: readonly string[];
}

/** The report, extended with what the rehearsal observed and how it ran. */
export interface RehearsalReport extends Report {
  readonly rehearsal: {
    readonly faults: readonly Fault[];
    readonly clockSpeed: number;
    readonly actionStatus: ActionResult['status'];
    readonly observed: Observation;
    readonly verify?: VerifyRehearsal;
  };
}

export interface RehearsalResult {
  readonly exitCode: 0 | 1;
  readonly report: RehearsalReport;
}

/**
 * Starts the sandbox, seeds the plan's cluster, deploys the orchestrator, runs the Action's own
 * code against it as a user would, observes the end state, writes the report and stops everything.
 * Exit code 0 when the rollout succeeded, 1 otherwise (rolled back, failed, refused).
 */
export async function rehearse(options: RehearseOptions): Promise<RehearsalResult> {
  const inputs = await readRehearsalInputs(options.planFile, options.taskDefinitionsDir);
  checkFaultTargets(options.faults, inputs.plan, options.planFile);
  return withScratchDir(options.workDir, (scratchDir) => rehearseIn(scratchDir, inputs, options));
}

/** The rehearsal proper, from an empty scratch directory: nothing of an earlier run is read. */
async function rehearseIn(
  scratchDir: string,
  inputs: RehearsalInputs,
  options: RehearseOptions,
): Promise<RehearsalResult> {
  const { plan } = inputs;
  const aliases = Object.fromEntries(orderedServices(plan).map((s) => [s.name, s.ecsService]));
  const write = options.write;
  write(`Starting the sandbox (clock x${options.clockSpeed}) with Prometheus as AMP...\n`);
  // The state a verify execution starts from (after the faults that act then), to prove it read-only.
  let verifyStart: StateDigest | undefined;
  const sandbox: Awaited<ReturnType<typeof startSandbox>> = await startSandbox({
    onExecutionStart: (input) => {
      if ((input as { mode?: unknown }).mode === 'verify') verifyStart = stateDigest(sandbox);
    },
    port: 0,
    clockSpeed: options.clockSpeed,
    faults: options.faults,
    region: plan.region,
    serviceAliases: aliases,
    ampWorkspaceId: plan.amp.workspaceId,
    grafanaDashboardServices: orderedServices(plan).map((s) => s.name),
    ...(options.root ? { root: options.root } : {}),
    metrics: async () => startPrometheus({ dir: path.join(scratchDir, 'prometheus') }),
  });
  const restoreEnv = applyEnv(sandbox.env);
  const onAbort = () => {
    write('\nInterrupted: stopping the sandbox...\n');
    void sandbox.stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const sfn = new SFNClient({ region: plan.region });
  try {
    write(
      `Sandbox on ${sandbox.url}; seeding cluster ${plan.cluster} (${orderedServices(plan).length} services on ADOT + awslogs, EC2 capacity)\n`,
    );
    // Before any task runs: loading the handlers stalls this process, and with it the scrapes.
    await sandbox.warmLambdas();
    await seedPlanCluster(sandbox, inputs);
    // The baseline: before the rollout, Prometheus has been scraping every ADOT task for a while.
    await sandbox.metricsSettled();
    if (options.faults.some((f) => f.kind === 'lock-held')) sandbox.holdLock(plan.cluster);
    if (options.faults.length > 0) write(`Faults: ${options.faults.map(describeFault).join(', ')}\n`);
    const stateMachineArn = await sandbox.deployOrchestrator();
    write(`Orchestrator deployed: ${stateMachineArn}\n\n`);

    // AMP is reached through the sandbox's AMP-shaped front of Prometheus, where AMP faults act.
    const ampQueryUrl = sandbox.ampQueryUrl ?? sandbox.url;
    const document = sandboxPlanDocument(inputs.document, sandbox.url, ampQueryUrl, sandbox.grafana);
    const io = consoleActionIo(write);
    const migrateInputs: ActionInputs = {
      mode: 'migrate',
      stateMachineArn,
      region: plan.region,
      planFile: options.planFile,
      planDocument: document,
      plan: {
        ...plan,
        loki: { ...plan.loki, url: sandbox.url },
        amp: { ...plan.amp, queryUrl: ampQueryUrl },
        ...(plan.grafana ? { grafana: { ...plan.grafana, ...sandboxGrafanaFields(sandbox.grafana) } } : {}),
      },
      wait: true,
      // The Action follows on simulated time: the real minutes asked for are `speed` times as many.
      ...(options.timeoutMinutes ? { timeoutMinutes: options.timeoutMinutes * options.clockSpeed } : {}),
      github: { repository: 'local/rehearsal', runId: String(Date.now()), runAttempt: 1, actor: 'rehearse' },
    };
    // The Action reads the sandbox's clock like everything else, so its poll interval and pacing
    // are simulated time too. Its sleeps are plain timers rather than the clock's, which end at once
    // when the sandbox stops (Ctrl-C) and would turn the follower into a busy loop.
    const clock = sandbox.clock;
    const run = (inputs: ActionInputs) =>
      runRollout(inputs, {
        sfn,
        io,
        now: () => clock.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(5, clock.realMs(ms)))),
      });
    const migrated = await run(migrateInputs);
    let result = migrated;
    let verify: VerifyRehearsal | undefined;
    if (options.mode === 'verify' && migrated.status === 'SUCCEEDED') {
      write('\nMigration done; now the scheduled audit: mode verify on the same plan...\n\n');
      // Its own run id, as the scheduled workflow's run would have.
      result = await run({
        ...migrateInputs,
        mode: 'verify',
        github: { ...migrateInputs.github, runId: `${migrateInputs.github.runId}-verify` },
      });
      verify = {
        migrate: { status: migrated.status, executionArn: migrated.executionArn },
        changesDuringVerify: verifyStart
          ? digestChanges(verifyStart, stateDigest(sandbox))
          : ['the verify execution never started'],
      };
    }

    write('\nObserving the cluster...\n');
    const observed = await observe(sandbox, plan, result.executionArn);
    const report = buildReport(plan, result, observed, options, verify);
    await mkdir(path.dirname(options.reportFile), { recursive: true });
    await writeFile(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
    // The job summary the Action would have written, beside the report, to read or paste as is.
    const summaryFile = options.reportFile.replace(/(\.json)?$/, '.summary.md');
    await writeFile(summaryFile, io.summary.join('\n'));
    // The Lambdas' own lines, read back from CloudWatch Logs as an operator would, beside the report.
    const logFile = path.join(path.dirname(options.reportFile), LAMBDA_LOG_FILE);
    const lambdaLogs = await collectLambdaLogs(plan.region);
    await writeLambdaLogs(logFile, lambdaLogs);
    write(renderObservation(report));
    write(renderOrchestratorLog(lambdaLogs, logFile, report.status === 'SUCCEEDED'));
    // What the construct's notification topic received (ExecutionEnded runs after the execution ends).
    await sandbox.events.idle();
    write(renderNotifications(sandbox.sns.published(sandbox.notifyTopicArn)));
    write(`Report written to ${options.reportFile}; job summary to ${summaryFile}\n`);
    return { exitCode: report.status === 'SUCCEEDED' ? 0 : 1, report };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    sfn.destroy();
    await sandbox.stop();
    restoreEnv();
  }
}

function statusOf(result: ActionResult): ReportStatus {
  if (result.report) return result.report.status;
  if (result.status === 'SUCCEEDED') return 'SUCCEEDED';
  if (result.status === 'ROLLED_BACK') return 'ROLLED_BACK';
  if (result.status === 'REFUSED') return 'REFUSED';
  return 'FAILED';
}

/** The orchestrator's report with the observed fields replaced by what the sandbox shows. */
export function buildReport(
  plan: Plan,
  result: ActionResult,
  observed: Observation,
  options: Pick<RehearseOptions, 'faults' | 'clockSpeed'>,
  verify?: VerifyRehearsal,
): RehearsalReport {
  const base: Report = result.report ?? {
    status: statusOf(result),
    mode: 'migrate',
    cluster: plan.cluster,
    lockReleased: observed.lockReleased,
    services: [],
  };
  const byName = new Map(base.services.map((s) => [s.name, s]));
  const services: ServiceReport[] = orderedServices(plan).map((s) => {
    const seen = observed.services.find((o) => o.name === s.name);
    const reported: ServiceReport = byName.get(s.name) ?? {
      name: s.name,
      phase: s.phase,
      ecsService: s.ecsService,
      outcome: 'untouched',
      checks: [],
    };
    if (!seen) return reported;
    // What runs replaces what the orchestrator inferred, also where nothing could be observed.
    const fromRunningTasks: ServiceReport = { ...reported, logsReceivedBy: seen.logsReceivedBy };
    delete fromRunningTasks.finalCollector;
    delete fromRunningTasks.finalLogDriver;
    return {
      ...fromRunningTasks,
      ...(seen.finalCollector ? { finalCollector: seen.finalCollector } : {}),
      ...(seen.finalLogDriver ? { finalLogDriver: seen.finalLogDriver } : {}),
    };
  });
  const cause = base.cause ?? result.failure?.cause;
  return {
    ...base,
    status: statusOf(result),
    cluster: plan.cluster,
    ...(result.executionArn ? { executionArn: result.executionArn } : {}),
    ...(cause ? { cause } : {}),
    // A run that never held the lock released none, whatever lock the table shows (another run's).
    lockReleased: base.lockHeld === false ? false : observed.lockReleased,
    services,
    rehearsal: {
      faults: options.faults,
      clockSpeed: options.clockSpeed,
      actionStatus: result.status,
      observed,
      ...(verify ? { verify } : {}),
    },
  };
}

function renderNotifications(published: readonly { readonly subject?: string }[]): string {
  if (published.length === 0) return 'Notifications: none\n';
  return `Notifications (SNS topic ${NOTIFY_TOPIC_NAME}):\n${published
    .map((m) => `  ${m.subject ?? '(no subject)'}\n`)
    .join('')}`;
}

function renderObservation(report: RehearsalReport): string {
  const rows = report.services.map((s) => [
    s.name,
    s.outcome,
    s.finalCollector ?? '?',
    s.finalLogDriver ?? '?',
    s.logsReceivedBy ?? '?',
  ]);
  const head = ['service', 'outcome', 'collector', 'log driver', 'logs reach'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const cause = report.cause
    ? `\nCause: ${report.cause.service ? `${report.cause.service} / ` : ''}${report.cause.check}: ${report.cause.message}\n`
    : '';
  const changes = report.rehearsal.verify?.changesDuringVerify;
  const title =
    report.mode === 'verify'
      ? `Verify ${report.status} (read-only, no lock; ${changes && changes.length > 0 ? `CHANGED during verify: ${changes.join('; ')}` : 'nothing changed during verify'})`
      : `Rollout ${report.status} (${lockNote(report)})`;
  return `\n${title}${cause}\n${[fmt(head), ...rows.map(fmt)].join('\n')}\n\n`;
}

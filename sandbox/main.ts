import * as path from 'node:path';
import { orderedServices } from '../core/plan/resolve';
import { checkFaultTargets } from './fault-targets';
import type { Fault } from './faults';
import { startPrometheus } from './prometheus';
import { seedPlanCluster } from './rehearse/cluster';
import { readRehearsalInputs, type RehearsalInputs } from './rehearse/inputs';
import { startSandbox, type Sandbox } from './sandbox';
import { withScratchDir } from './scratch-dir';

export interface SandboxRunOptions {
  readonly port: number;
  readonly clockSpeed: number;
  readonly faults: readonly Fault[];
  readonly prometheus: boolean;
  readonly planFile?: string;
  readonly taskDefinitionsDir: string;
  /** Scratch space: the sandbox runs in a fresh directory under it (Prometheus data), removed when it stops. */
  readonly workDir: string;
  readonly write: (text: string) => void;
  /** Resolves when the sandbox should stop; default: SIGINT or SIGTERM. */
  readonly until?: Promise<unknown>;
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** The `alloy-rollout sandbox` command: start, optionally seed a plan's cluster, serve until stopped. */
export async function runSandboxUntilStopped(options: SandboxRunOptions): Promise<void> {
  const until = options.until ?? signalled();
  const { planFile } = options;
  const inputs = planFile ? await readRehearsalInputs(planFile, options.taskDefinitionsDir) : undefined;
  if (planFile && inputs) checkFaultTargets(options.faults, inputs.plan, planFile);
  // Only Prometheus keeps state on disk: without it there is nothing to start afresh.
  const run = (prometheusParent?: string) => serve(until, prometheusParent, inputs, options);
  await (options.prometheus ? withScratchDir(options.workDir, run) : run());
}

/**
 * Serves until stopped; with Prometheus under `prometheusParent`, an empty scratch directory, so a
 * new sandbox holds none of an earlier one's metrics.
 */
async function serve(
  until: Promise<unknown>,
  prometheusParent: string | undefined,
  inputs: RehearsalInputs | undefined,
  options: SandboxRunOptions,
): Promise<void> {
  const sandbox: Sandbox = await startSandbox({
    port: options.port,
    clockSpeed: options.clockSpeed,
    faults: options.faults,
    ...(inputs
      ? {
          region: inputs.plan.region,
          ampWorkspaceId: inputs.plan.amp.workspaceId,
          serviceAliases: Object.fromEntries(orderedServices(inputs.plan).map((s) => [s.name, s.ecsService])),
          grafanaDashboardServices: orderedServices(inputs.plan).map((s) => s.name),
        }
      : {}),
    ...(prometheusParent !== undefined
      ? {
          metrics: async () =>
            startPrometheus({ dir: path.join(prometheusParent, 'prometheus'), scrapeIntervalSeconds: 1 }),
        }
      : {}),
  });
  try {
    const w = options.write;
    w(`alloy-rollout sandbox listening on ${sandbox.url} (clock x${options.clockSpeed})\n`);
    if (sandbox.metricsBackend)
      w(
        `AMP query URL: ${sandbox.ampQueryUrl ?? ''} (in front of Prometheus at ${sandbox.metricsBackend.url})\n`,
      );
    w(`Loki API: ${sandbox.url}/loki/api/v1/ (ready: ${sandbox.url}/ready)\n`);
    w(
      `Grafana API: ${sandbox.grafana.url}/api/ (token in secret ${sandbox.grafana.tokenSecretArn}; datasources ${sandbox.grafana.lokiDatasourceUid} (Loki) and ${sandbox.grafana.prometheusDatasourceUid} (AMP), dashboard ${sandbox.grafana.dashboardUid})\n`,
    );
    w('Environment for the AWS SDK and CLI:\n');
    for (const [k, v] of Object.entries(sandbox.env)) w(`  export ${k}=${v}\n`);
    if (inputs) {
      await seedPlanCluster(sandbox, inputs);
      await sandbox.metricsSettled();
      if (options.faults.some((f) => f.kind === 'lock-held')) sandbox.holdLock(inputs.plan.cluster);
      const arn = await sandbox.deployOrchestrator();
      w(`Seeded cluster ${inputs.plan.cluster}; orchestrator: ${arn}\n`);
      w(
        `In plans run here, set loki.url to ${sandbox.url} and amp.queryUrl to ${sandbox.ampQueryUrl ?? '(no Prometheus)'}\n`,
      );
      if (inputs.plan.grafana)
        w(
          `and in the grafana section url to ${sandbox.grafana.url}, tokenSecretArn to ${sandbox.grafana.tokenSecretArn}, datasourceUid to ${sandbox.grafana.lokiDatasourceUid}, prometheusDatasourceUid to ${sandbox.grafana.prometheusDatasourceUid}\n`,
        );
    }
    w('Ready. Stop with Ctrl-C.\n');
    await until;
    w('Stopping the sandbox...\n');
  } finally {
    await sandbox.stop();
  }
}

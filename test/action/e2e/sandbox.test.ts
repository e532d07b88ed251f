import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { orderedServices } from '../../../core/plan/resolve';
import { applyEnv } from '../../../sandbox/env';
import { parseFaults } from '../../../sandbox/faults';
import { startPrometheus } from '../../../sandbox/prometheus';
import { seedPlanCluster } from '../../../sandbox/rehearse/cluster';
import {
  readRehearsalInputs,
  sandboxPlanDocument,
  type RehearsalInputs,
} from '../../../sandbox/rehearse/inputs';
import { startSandbox, type Sandbox } from '../../../sandbox/sandbox';
import { REPO_ROOT } from '../inputs-fixture';
import { runDist, type DistRun } from '../run-dist';

/**
 * The built action/dist/index.js, run as the runner runs it, against the sandbox running the real
 * state machine and handlers: what a user of the Action sees, end to end.
 */

/**
 * The example plan's deadlines are simulated time (the handlers read the sandbox's clock): at x30
 * its 2-minute metrics deadline is 4 real seconds, ample for Prometheus to scrape a new task
 * (about half a second) and for the handlers' own run time, which counts 30 times. At x600 it
 * would be 200 ms, shorter than one scrape.
 */
const CLOCK_SPEED = 30;
const RUN_TIMEOUT_MS = 120_000;
jest.setTimeout(4 * RUN_TIMEOUT_MS);

/** Two services in two phases keep the rollout short and still cross a phase boundary. */
async function smallPlan(): Promise<RehearsalInputs> {
  const full = await readRehearsalInputs(
    join(REPO_ROOT, 'examples', 'plan.yaml'),
    join(REPO_ROOT, 'examples', 'task-definitions'),
  );
  const keep = new Set(['worker', 'history']);
  const phases = (full.document['phases'] as { name: string; services: { name: string }[] }[])
    .map((p) => ({ ...p, services: p.services.filter((s) => keep.has(s.name)) }))
    .filter((p) => p.services.length > 0);
  return {
    document: { ...full.document, phases },
    plan: {
      ...full.plan,
      phases: full.plan.phases
        .map((p) => ({ ...p, services: p.services.filter((s) => keep.has(s.name)) }))
        .filter((p) => p.services.length > 0),
    },
    taskDefinitions: full.taskDefinitions,
  };
}

interface Rig {
  readonly sandbox: Sandbox;
  readonly stateMachineArn: string;
  readonly workspace: string;
  run(inputs: Record<string, string>, github?: Record<string, string>): Promise<DistRun>;
  stop(): Promise<void>;
}

async function rig(faultSpecs: string[]): Promise<Rig> {
  const inputs = await smallPlan();
  const workspace = mkdtempSync(join(tmpdir(), 'alloy-rollout-e2e-'));
  const aliases = Object.fromEntries(orderedServices(inputs.plan).map((s) => [s.name, s.ecsService]));
  const sandbox = await startSandbox({
    port: 0,
    clockSpeed: CLOCK_SPEED,
    faults: parseFaults(faultSpecs),
    region: inputs.plan.region,
    serviceAliases: aliases,
    // The example plan's Grafana dashboard selects the plan's services: the twin serves it for these.
    grafanaDashboardServices: orderedServices(inputs.plan).map((s) => s.name),
    metrics: () => startPrometheus({ dir: join(workspace, 'prometheus') }),
  });
  // The handlers run in this process and build their clients from the environment, as in Lambda.
  const restoreEnv = applyEnv(sandbox.env);
  await seedPlanCluster(sandbox, inputs);
  const stateMachineArn = await sandbox.deployOrchestrator();
  // AMP through the sandbox's stand-in, which asks Prometheus about the simulated instants' real time.
  const document = sandboxPlanDocument(
    inputs.document,
    sandbox.url,
    sandbox.ampQueryUrl ?? sandbox.url,
    sandbox.grafana,
  );
  writeFileSync(join(workspace, 'rollout.yaml'), stringify(document));
  return {
    sandbox,
    stateMachineArn,
    workspace,
    run: (actionInputs, github = {}) =>
      runDist(
        { 'state-machine-arn': stateMachineArn, ...actionInputs },
        {
          ...sandbox.env,
          GITHUB_WORKSPACE: workspace,
          GITHUB_REPOSITORY: 'acme/platform',
          GITHUB_RUN_ID: '1001',
          GITHUB_RUN_ATTEMPT: '1',
          ...github,
        },
        RUN_TIMEOUT_MS,
      ),
    stop: async () => {
      await sandbox.stop();
      restoreEnv();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** Executions of the state machine's parent runs, through the API as a user would list them. */
async function executionNames(r: Rig): Promise<string[]> {
  const sfn = new SFNClient({ region: r.sandbox.region });
  try {
    const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn: r.stateMachineArn }));
    return (out.executions ?? []).map((e) => e.name ?? '').filter((n) => /^(migrate|rollback|plan)-/.test(n));
  } finally {
    sfn.destroy();
  }
}

describe('the Action against the sandbox', () => {
  let healthy: Rig | undefined;

  beforeAll(async () => {
    healthy = await rig([]);
  });
  afterAll(async () => {
    await healthy?.stop();
  });

  it('plan: shows each service diff and changes nothing', async () => {
    const run = await healthy!.run({ mode: 'plan' }, { GITHUB_RUN_ID: '1000' });

    expect(run.exitCode).toBe(0);
    expect(run.outputs['status']).toBe('SUCCEEDED');
    expect(run.summary).toContain('## alloy-rollout plan: ✅ SUCCEEDED');
    expect(run.summary).toContain('Task-definition diff');
    expect(run.outputs['migrated-services']).toBe('');
  });

  it('migrate: follows the rollout live and reports every service migrated', async () => {
    const run = await healthy!.run({ mode: 'migrate' });

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('::group::service worker');
    expect(run.stdout).toContain('::group::service history');
    expect(run.outputs['status']).toBe('SUCCEEDED');
    expect(run.outputs['migrated-services']).toBe('worker,history');
    expect(run.summary).toContain('### worker (phase canary): migrated');
    expect(run.summary).toContain('### history (phase core): migrated');
  });

  it('a re-run of the same attempt attaches to its execution instead of starting another', async () => {
    const before = await executionNames(healthy!);

    const run = await healthy!.run({ mode: 'migrate' });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /Attached to arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:migrate-1001-1-[0-9a-f]{8}-acme-platform/,
    );
    expect(run.outputs['status']).toBe('SUCCEEDED');
    expect(await executionNames(healthy!)).toEqual(before);
    expect(before.filter((n) => /^migrate-1001-1-[0-9a-f]{8}-acme-platform$/.test(n))).toHaveLength(1);
  });

  it('wait: false returns right after the start with the execution ARN', async () => {
    const run = await healthy!.run({ mode: 'plan', wait: 'false' }, { GITHUB_RUN_ID: '1002' });

    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      'execution-arn': expect.stringMatching(
        /^arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:plan-1002-1-[0-9a-f]{8}-acme-platform$/,
      ),
      status: 'RUNNING',
      report: '',
    });
  });
});

describe('the Action against the sandbox with a fault', () => {
  let faulty: Rig | undefined;

  beforeAll(async () => {
    faulty = await rig(['history:no-logs']);
  });
  afterAll(async () => {
    await faulty?.stop();
  });

  it('rolls back after an injected fault, fails the job and names the cause in the annotation', async () => {
    const run = await faulty!.run({ mode: 'migrate' });

    expect(run.exitCode).toBe(1);
    expect(run.outputs['status']).toBe('ROLLED_BACK');
    expect(run.outputs['rolled-back-services']).toContain('history');
    expect(run.stdout).toMatch(
      /::error title=Rolled back%3A history \/ logs::Rolled back: service "history", check "logs"/,
    );
    expect(run.summary).toContain('> **Cause**: service **history**, check **logs**');
  });
});

import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseInputs } from '../../action/src/inputs';
import { runRollout } from '../../action/src/run-rollout';
import type { ActionInputs, ActionResult } from '../../action/src/types';
import { orderedServices } from '../../core/plan/resolve';
import { applyEnv } from '../../sandbox/env';
import { startPrometheus } from '../../sandbox/prometheus';
import { seedPlanCluster } from '../../sandbox/rehearse/cluster';
import { readRehearsalInputs, sandboxPlanDocument } from '../../sandbox/rehearse/inputs';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { REHEARSAL_TEST_SPEED, testPlan } from '../integration/support/rehearsal';
import { recordingIO, type RecordedIO } from './fake-sfn';
import { REPO_ROOT } from './inputs-fixture';

/**
 * The Action's own code (parseInputs, runRollout) against the sandbox running the real state
 * machine and handlers, as `rehearse` runs it: the Action follows on the sandbox's simulated clock.
 * The plan is the rehearsal tests' two services (worker in phase canary, history in core).
 */
export interface ActionRig {
  readonly sandbox: Sandbox;
  readonly stateMachineArn: string;
  readonly sfn: SFNClient;
  /** The plan as the Action reads it from the workspace. */
  readonly planDocument: Record<string, unknown>;
  /** Inputs as a runner would give them; `plan` replaces the workspace's plan file. */
  inputs(
    actionInputs: Record<string, string>,
    github?: Record<string, string>,
    plan?: Record<string, unknown>,
  ): ActionInputs;
  run(inputs: ActionInputs): Promise<{ readonly result: ActionResult; readonly io: RecordedIO }>;
  /** The Action's executions (not the per-service children), and the one named PARENT_STARTED_BY_HAND. */
  parentExecutions(): Promise<{ name: string; status: string }[]>;
  stop(): Promise<void>;
}

/** The name a test gives an execution it starts itself, outside the Action. */
export const PARENT_STARTED_BY_HAND = 'migrate-by-hand';

export async function actionRig(): Promise<ActionRig> {
  const workspace = mkdtempSync(join(tmpdir(), 'alloy-rollout-action-'));
  const planFile = join(workspace, 'source-plan.yaml');
  writeFileSync(planFile, testPlan());
  const rehearsal = await readRehearsalInputs(planFile, join(REPO_ROOT, 'examples', 'task-definitions'));
  const { plan } = rehearsal;
  const sandbox = await startSandbox({
    port: 0,
    clockSpeed: REHEARSAL_TEST_SPEED,
    region: plan.region,
    serviceAliases: Object.fromEntries(orderedServices(plan).map((s) => [s.name, s.ecsService])),
    ampWorkspaceId: plan.amp.workspaceId,
    root: REPO_ROOT,
    metrics: () => startPrometheus({ dir: join(workspace, 'prometheus') }),
  });
  const restoreEnv = applyEnv(sandbox.env);
  const sfn = new SFNClient({ region: plan.region });
  try {
    await sandbox.warmLambdas();
    await seedPlanCluster(sandbox, rehearsal);
    await sandbox.metricsSettled();
  } catch (error) {
    sfn.destroy();
    await sandbox.stop();
    restoreEnv();
    throw error;
  }
  const stateMachineArn = await sandbox.deployOrchestrator();
  const planDocument = sandboxPlanDocument(
    rehearsal.document,
    sandbox.url,
    sandbox.ampQueryUrl ?? sandbox.url,
    sandbox.grafana,
  );
  writeFileSync(join(workspace, 'rollout.yaml'), stringify(planDocument));
  const clock = sandbox.clock;

  return {
    sandbox,
    stateMachineArn,
    sfn,
    planDocument,
    inputs: (actionInputs, github = {}, otherPlan) => {
      const files: Record<string, string> = {
        [join(workspace, 'rollout.yaml')]: otherPlan
          ? stringify(otherPlan)
          : readFileSync(join(workspace, 'rollout.yaml'), 'utf8'),
      };
      const given: Record<string, string> = { 'state-machine-arn': stateMachineArn, ...actionInputs };
      return parseInputs({
        getInput: (name) => given[name] ?? '',
        env: {
          GITHUB_WORKSPACE: workspace,
          GITHUB_REPOSITORY: 'acme/platform',
          GITHUB_RUN_ID: '2001',
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_ACTOR: 'octocat',
          ...github,
        },
        cwd: workspace,
        readFile: (path) => {
          const text = files[path];
          if (text === undefined) throw new Error(`ENOENT: ${path}`);
          return text;
        },
      });
    },
    run: async (inputs) => {
      const io = recordingIO();
      const result = await runRollout(inputs, {
        sfn,
        io,
        now: () => clock.now(),
        // Plain timers for the simulated length, as rehearse does: they end when the sandbox stops.
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(5, clock.realMs(ms)))),
      });
      return { result, io };
    },
    parentExecutions: async () => {
      const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      return (
        (out.executions ?? [])
          .map((e) => ({ name: e.name ?? '', status: e.status ?? '' }))
          // The Action's names end with the repository; the per-service children's do not.
          .filter(
            (e) =>
              /^(migrate|rollback|plan|verify)-\d+-\d+-[0-9a-f]{8}(-w\d+)?-acme-platform$/.test(e.name) ||
              e.name === PARENT_STARTED_BY_HAND,
          )
      );
    },
    stop: async () => {
      sfn.destroy();
      await sandbox.stop();
      restoreEnv();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { LOCK_ATTRIBUTES } from '../../../core/orchestration';
import { applyEnv } from '../../../sandbox/env';
import type { Fault } from '../../../sandbox/faults';
import { seedPlanCluster } from '../../../sandbox/rehearse/cluster';
import { readRehearsalInputs, sandboxPlanDocument } from '../../../sandbox/rehearse/inputs';
import { startSandbox, type Sandbox } from '../../../sandbox/sandbox';
import { ROOT } from './fixtures';
import { testPlan } from './rehearsal';
import { waitFor } from './wait';

/**
 * The orchestrator deployed on a sandbox with the test plan's cluster seeded, driven through the
 * real Step Functions SDK client (no Action): for tests about executions themselves, several at a
 * time, or started the way the Action never starts them. No metrics backend: a migration started
 * here is a lock holder, not a rollout expected to succeed.
 */
export interface OrchestratorSandbox {
  readonly sandbox: Sandbox;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly cluster: string;
  /** The test plan with the sandbox's addresses, as an execution receives it. */
  readonly plan: Record<string, unknown>;
  /** Starts an execution named `name` with `input` (the plan is added unless given). */
  start(name: string, input: Record<string, unknown>): Promise<string>;
  /** Waits (real time) for the execution to end, and describes it. */
  ended(executionArn: string, timeoutMs?: number): Promise<DescribeExecutionCommandOutput>;
  /** The lock item of the plan's cluster as DynamoDB holds it. */
  lock(): { owner?: string | undefined; expiresAt?: number } | undefined;
  /** Rewrites the lock's expiry (epoch seconds), as time passing would. */
  setLockExpiry(expiresAt: number): void;
  stop(): Promise<void>;
}

export async function startOrchestratorSandbox(
  options: {
    clockSpeed?: number;
    faults?: readonly Fault[];
    /** Whether an execution that ends runs the ExecutionEnded cleanup (default: as deployed, yes). */
    executionEndedRule?: boolean;
  } = {},
): Promise<OrchestratorSandbox> {
  const dir = mkdtempSync(path.join(tmpdir(), 'orchestrator-'));
  const planFile = path.join(dir, 'plan.yaml');
  writeFileSync(planFile, testPlan());
  const inputs = await readRehearsalInputs(planFile, path.join(ROOT, 'examples', 'task-definitions'));
  rmSync(dir, { recursive: true, force: true });
  const sandbox = await startSandbox({
    port: 0,
    clockSpeed: options.clockSpeed ?? 10,
    faults: options.faults ?? [],
    region: inputs.plan.region,
    ampWorkspaceId: inputs.plan.amp.workspaceId,
    root: ROOT,
    ...(options.executionEndedRule === undefined ? {} : { executionEndedRule: options.executionEndedRule }),
  });
  const restoreEnv = applyEnv(sandbox.env);
  await sandbox.warmLambdas();
  await seedPlanCluster(sandbox, inputs);
  const stateMachineArn = await sandbox.deployOrchestrator();
  const sfn = new SFNClient({ region: inputs.plan.region, maxAttempts: 1 });
  const plan = sandboxPlanDocument(inputs.document, sandbox.url, sandbox.url);
  const cluster = inputs.plan.cluster;
  const lockItem = () =>
    sandbox.dynamodb
      .items(sandbox.lockTableName)
      .find((item) => (item[LOCK_ATTRIBUTES.key] as { S?: string } | undefined)?.S === cluster) as
      Record<string, { S?: string; N?: string }> | undefined;
  return {
    sandbox,
    sfn,
    stateMachineArn,
    cluster,
    plan,
    async start(name, input) {
      const out = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ plan, ...input }) }),
      );
      return out.executionArn as string;
    },
    async ended(executionArn, timeoutMs = 60_000) {
      return waitFor(
        `${executionArn} to end`,
        async () => {
          const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          return out.status === 'RUNNING' ? undefined : out;
        },
        timeoutMs,
        50,
      );
    },
    lock() {
      const item = lockItem();
      if (!item) return undefined;
      return {
        ...(item[LOCK_ATTRIBUTES.owner]?.S ? { owner: item[LOCK_ATTRIBUTES.owner]?.S } : {}),
        ...(item[LOCK_ATTRIBUTES.expiresAt]?.N
          ? { expiresAt: Number(item[LOCK_ATTRIBUTES.expiresAt]?.N) }
          : {}),
      };
    },
    setLockExpiry(expiresAt) {
      const item = lockItem();
      if (!item) throw new Error(`no lock on ${cluster} to expire`);
      sandbox.dynamodb.putItem(sandbox.lockTableName, {
        ...item,
        [LOCK_ATTRIBUTES.expiresAt]: { N: String(expiresAt) },
      });
    },
    async stop() {
      sfn.destroy();
      await sandbox.stop();
      restoreEnv();
    },
  };
}

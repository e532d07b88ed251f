import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseFaults } from '../../../sandbox/faults';
import { rehearse, type RehearsalResult } from '../../../sandbox/rehearse/rehearse';
import { ROOT } from './fixtures';

/**
 * The speed rehearsal tests run at. Every deadline is simulated time, while Prometheus ingests a
 * new task's samples within about half a real second (one scrape of the collector) and each Lambda
 * call takes real time that counts `speed` times: at x30 the metrics deadline below is 4 real
 * seconds and a 100 ms Lambda call 3 simulated seconds, margins that a busy CI machine keeps.
 * Higher speeds leave Prometheus too little real time to scrape a new task before the deadline.
 */
export const REHEARSAL_TEST_SPEED = 30;

/**
 * A two-service plan (worker, then history) with short deadlines, so a rehearsal with a fault
 * reaches its rollback in seconds. All durations are simulated time (the Lambdas read the
 * sandbox's clock): at REHEARSAL_TEST_SPEED a failing logs check gives up after 2 real seconds.
 */
export function testPlan(scope: 'all' | 'service' = 'all'): string {
  return `version: 1
cluster: temporal-dev
region: eu-west-1
loki:
  service: temporal-dev-loki
  url: http://loki.temporal-dev.internal:3100
  pushUrl: http://loki:3100/loki/api/v1/push
  retention: 744h
  storage:
    bucket: temporal-dev-loki-chunks
amp:
  workspaceId: ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789
phases:
  - name: canary
    services:
      - name: worker
        ecsService: temporal-dev-temporal-worker
        mainContainers: [temporal-worker]
  - name: core
    services:
      - name: history
        ecsService: temporal-dev-temporal-history
        mainContainers: [temporal-history]
verification:
  deploymentTimeout: 5m
  soak: 30s
  pollInterval: 10s
  logs:
    deadline: 1m
    requiredLabels: [service_name, cluster, container_name, task_id]
  metrics:
    deadline: 2m
rollback:
  scope: ${scope}
  verifyDeadline: 5m
`;
}

export interface Rehearsal extends RehearsalResult {
  readonly output: string;
}

/**
 * Runs `rehearse` through its real code paths in a scratch directory that is removed afterwards,
 * or in `workDir` (kept: the caller owns it).
 */
export async function runRehearsal(
  faults: string[],
  options: {
    scope?: 'all' | 'service';
    clockSpeed?: number;
    workDir?: string;
    planText?: string;
    mode?: 'migrate' | 'verify';
  } = {},
): Promise<Rehearsal> {
  const dir = options.workDir ?? mkdtempSync(path.join(tmpdir(), 'rehearsal-'));
  let output = '';
  try {
    const planFile = path.join(dir, 'plan.yaml');
    writeFileSync(planFile, options.planText ?? testPlan(options.scope));
    const result = await rehearse({
      planFile,
      taskDefinitionsDir: path.join(ROOT, 'examples', 'task-definitions'),
      faults: parseFaults(faults),
      clockSpeed: options.clockSpeed ?? REHEARSAL_TEST_SPEED,
      ...(options.mode ? { mode: options.mode } : {}),
      reportFile: path.join(dir, 'report.json'),
      workDir: dir,
      write: (text) => {
        output += text;
      },
      root: ROOT,
      // Stop following well within the test's timeout, so the sandbox is always stopped by rehearse.
      timeoutMinutes: 2,
    });
    return { ...result, output };
  } catch (error) {
    throw new Error(
      `rehearsal failed to run: ${(error as Error).stack ?? String(error)}\n--- output ---\n${output}`,
      { cause: error },
    );
  } finally {
    if (!options.workDir) rmSync(dir, { recursive: true, force: true });
  }
}

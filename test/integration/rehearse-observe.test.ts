import {
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findService, orderedServices } from '../../core/plan/resolve';
import { migrate } from '../../core/taskdef';
import { applyEnv } from '../../sandbox/env';
import { parseFaults } from '../../sandbox/faults';
import { seedPlanCluster } from '../../sandbox/rehearse/cluster';
import { readRehearsalInputs, type RehearsalInputs } from '../../sandbox/rehearse/inputs';
import { observe } from '../../sandbox/rehearse/observe';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { ROOT } from './support/fixtures';
import { REHEARSAL_TEST_SPEED, testPlan } from './support/rehearsal';
import { waitFor } from './support/wait';

jest.setTimeout(60_000);

const WORKER = 'temporal-dev-temporal-worker';

describe("rehearse's observation: what the running tasks are, not what the service names", () => {
  let dir: string;
  let sandbox: Sandbox;
  let restore: () => void;
  let ecs: ECSClient;
  let inputs: RehearsalInputs;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'observe-'));
    writeFileSync(path.join(dir, 'plan.yaml'), testPlan());
    inputs = await readRehearsalInputs(
      path.join(dir, 'plan.yaml'),
      path.join(ROOT, 'examples', 'task-definitions'),
    );
    sandbox = await startSandbox({
      port: 0,
      // As the rehearsals run it: each task logs more than once in the observation's window.
      clockSpeed: REHEARSAL_TEST_SPEED,
      region: inputs.plan.region,
      faults: parseFaults(['worker:deployment-fails']),
      serviceAliases: Object.fromEntries(orderedServices(inputs.plan).map((s) => [s.name, s.ecsService])),
    });
    restore = applyEnv(sandbox.env);
    ecs = new ECSClient({ region: inputs.plan.region, maxAttempts: 1 });
    await seedPlanCluster(sandbox, inputs);
  });

  afterEach(async () => {
    ecs.destroy();
    restore();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a failed deployment leaves the service naming the Alloy revision while the ADOT tasks run on', async () => {
    const { plan } = inputs;
    const baseline = inputs.taskDefinitions.get('worker')!;
    const migrated = migrate(baseline, findService(plan, 'worker')!, plan, {});
    if (migrated.kind !== 'migrated') throw new Error('the example worker did not migrate');
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(migrated.taskDefinition as never));
    const alloyArn = registered.taskDefinition!.taskDefinitionArn!;
    await ecs.send(
      new UpdateServiceCommand({ cluster: plan.cluster, service: WORKER, taskDefinition: alloyArn }),
    );
    await waitFor('the Alloy deployment to fail', async () => {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: plan.cluster, services: [WORKER] }));
      const primary = out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
      return primary?.rolloutState === 'FAILED' ? primary : undefined;
    });

    const observed = await observe(sandbox, plan, undefined);

    const worker = observed.services.find((s) => s.name === 'worker');
    expect(worker).toMatchObject({
      taskDefinition: alloyArn,
      // The seeded revision, which the sandbox registered as the service's first.
      runningTaskDefinitions: [expect.stringMatching(/:task-definition\/temporal-dev-temporal-worker:1$/)],
      finalCollector: 'adot',
      finalLogDriver: 'awslogs',
      logsReceivedBy: 'cloudwatch',
    });
    expect(worker?.runningTasks).toBe(2);
  });
});

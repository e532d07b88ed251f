import { BASELINE_TAG, collectorOf, type DescribedTaskDefinition } from '../../core/taskdef';
import { RECORD_LABELS, ROLE } from '../../core/taskdef/names';
import { registeredByAlloyRollout } from '../../core/verify/drift';
import { parseFaults } from '../../sandbox/faults';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { describeTaskDefinition } from '../../sandbox/ecs/task-definitions';
import { adotTaskDefinition } from './support/fixtures';

const PASS_MACHINE = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

/** The baseline's app container on json-file, plus an Alloy sidecar marked as alloy-rollout marks it. */
function migratedTaskDefinition(family: string, baselineArn: string): Record<string, unknown> {
  const baseline = adotTaskDefinition(family) as { containerDefinitions: Record<string, unknown>[] };
  const app = { ...baseline.containerDefinitions[0], logConfiguration: { logDriver: 'json-file' } };
  return {
    ...baseline,
    containerDefinitions: [
      app,
      {
        name: 'alloy',
        image: 'grafana/alloy:v1.18.1',
        essential: false,
        memory: 128,
        dockerLabels: { [RECORD_LABELS.role]: ROLE.sidecar },
      },
    ],
    tags: [{ key: BASELINE_TAG, value: baselineArn }],
  };
}

describe('sandbox fault reverted-by-iac', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, clockSpeed: 200, faults: parseFaults(['svc:reverted-by-iac']) });
    sandbox.ecs.createCluster('c1');
    sandbox.ecs.addContainerInstance('c1', { cpu: 4096, memory: 16384 });
    const baseline = sandbox.ecs.registerTaskDefinition(adotTaskDefinition('svc'));
    const migrated = sandbox.ecs.registerTaskDefinition(
      migratedTaskDefinition('svc', baseline.taskDefinitionArn),
    );
    sandbox.ecs.createService({
      cluster: 'c1',
      serviceName: 'svc',
      taskDefinition: migrated.taskDefinitionArn,
      desiredCount: 1,
    });
    sandbox.sfn.createStateMachine('m', PASS_MACHINE, 'arn:aws:iam::000000000000:role/sfn');
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  const running = () =>
    sandbox.ecs.allServices().find((s) => s.serviceName === 'svc')?.taskDefinitionArn ?? '';
  const described = (arn: string): DescribedTaskDefinition => ({
    taskDefinition: describeTaskDefinition(
      sandbox.ecs.taskDefinitions.resolve(arn),
    ) as DescribedTaskDefinition['taskDefinition'],
    tags: sandbox.ecs.tagsOf(arn),
  });
  const machineArn = () => 'arn:aws:states:eu-west-1:000000000000:stateMachine:m';

  it('leaves the service alone when a migrate execution starts', () => {
    const before = running();
    sandbox.sfn.startExecution(machineArn(), 'migrate-1', JSON.stringify({ mode: 'migrate', plan: {} }));
    expect(running()).toBe(before);
  });

  it('registers the baseline containers as a new revision, without alloy-rollout marks, and deploys it when verify starts', () => {
    const before = running();
    sandbox.sfn.startExecution(machineArn(), 'verify-1', JSON.stringify({ mode: 'verify', plan: {} }));
    const after = running();
    expect(after).not.toBe(before);
    expect(after).toMatch(/task-definition\/svc:3$/);
    const td = described(after);
    expect(collectorOf(td)).toBe('adot');
    expect(registeredByAlloyRollout(td)).toBe(false);
    expect(td.tags).toEqual([]);
    expect(td.taskDefinition.containerDefinitions.map((c) => c.name)).toEqual(['app', 'adot-collector']);
    expect(td.taskDefinition.containerDefinitions[0]?.logConfiguration?.logDriver).toBe('awslogs');
  });
});

import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  type Deployment,
} from '@aws-sdk/client-ecs';
import { applyEnv } from '../../sandbox/env';
import { parseFaults } from '../../sandbox/faults';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { adotTaskDefinition } from './support/fixtures';
import { waitFor } from './support/wait';

describe('sandbox ECS through the real SDK client', () => {
  let sandbox: Sandbox;
  let ecs: ECSClient;
  let restore: () => void;

  beforeEach(async () => {
    sandbox = await startSandbox({
      port: 0,
      clockSpeed: 200,
      faults: parseFaults(['failing:deployment-fails']),
    });
    // The client finds the sandbox through AWS_ENDPOINT_URL_ECS, as the product's clients do.
    restore = applyEnv(sandbox.env);
    ecs = new ECSClient({ maxAttempts: 1 });
    sandbox.ecs.createCluster('c1');
    sandbox.ecs.addContainerInstance('c1', { cpu: 4096, memory: 16384 });
    sandbox.logs.createGroup('/ecs/test/svc');
  });

  afterEach(async () => {
    ecs.destroy();
    restore();
    await sandbox.stop();
  });

  async function primary(service: string): Promise<Deployment | undefined> {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'c1', services: [service] }));
    return out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
  }

  it('rejects a task definition without an essential container, as ECS does', async () => {
    const td = adotTaskDefinition('svc');
    const containers = (td['containerDefinitions'] as Record<string, unknown>[]).map((c) => ({
      ...c,
      essential: false,
    }));
    await expect(
      ecs.send(new RegisterTaskDefinitionCommand({ ...td, containerDefinitions: containers } as never)),
    ).rejects.toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining('at least one essential container'),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('rejects a mount of a volume the definition does not declare', async () => {
    const td = adotTaskDefinition('svc');
    const [app, adot] = td['containerDefinitions'] as Record<string, unknown>[];
    const withMount = {
      ...app,
      mountPoints: [{ sourceVolume: 'docker-socket', containerPath: '/var/run/docker.sock' }],
    };
    await expect(
      ecs.send(
        new RegisterTaskDefinitionCommand({ ...td, containerDefinitions: [withMount, adot] } as never),
      ),
    ).rejects.toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining("volume 'docker-socket'"),
    });
  });

  it('rolls a service onto a new revision: IN_PROGRESS, new tasks RUNNING, old ones STOPPED, COMPLETED', async () => {
    const rev1 = await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'c1',
        serviceName: 'svc',
        taskDefinition: rev1.taskDefinition?.taskDefinitionArn,
        desiredCount: 3,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    await waitFor('first deployment COMPLETED', async () =>
      (await primary('svc'))?.rolloutState === 'COMPLETED' ? true : undefined,
    );
    const before = await ecs.send(new ListTasksCommand({ cluster: 'c1', serviceName: 'svc' }));
    expect(before.taskArns).toHaveLength(3);

    const rev2 = await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    expect(rev2.taskDefinition?.revision).toBe(2);
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: 'c1', service: 'svc', taskDefinition: 'svc:2' }),
    );
    const started = updated.service?.deployments?.find((d) => d.status === 'PRIMARY');
    expect(started).toMatchObject({
      rolloutState: 'IN_PROGRESS',
      taskDefinition: rev2.taskDefinition?.taskDefinitionArn,
    });
    expect(started?.id).toMatch(/^ecs-svc\/\d{19}$/);

    const done = await waitFor('second deployment COMPLETED', async () => {
      const d = await primary('svc');
      return d?.rolloutState === 'COMPLETED' ? d : undefined;
    });
    expect(done).toMatchObject({ runningCount: 3, failedTasks: 0 });
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'c1', services: ['svc'] }));
    expect(described.services?.[0]?.deployments).toHaveLength(1);
    const after = await ecs.send(new ListTasksCommand({ cluster: 'c1', serviceName: 'svc' }));
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: 'c1', tasks: after.taskArns }));
    expect(tasks.tasks?.map((t) => t.taskDefinitionArn)).toEqual([
      rev2.taskDefinition?.taskDefinitionArn,
      rev2.taskDefinition?.taskDefinitionArn,
      rev2.taskDefinition?.taskDefinitionArn,
    ]);
    expect(tasks.tasks?.every((t) => t.lastStatus === 'RUNNING' && t.containers?.length === 2)).toBe(true);
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: 'c1', serviceName: 'svc', desiredStatus: 'STOPPED' }),
    );
    expect(stopped.taskArns).toHaveLength(3);
    expect(new Set([...(before.taskArns ?? []), ...(after.taskArns ?? [])]).size).toBe(6);
  });

  it('never runs fewer healthy tasks than minimumHealthyPercent allows during a deployment', async () => {
    const rev1 = await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'c1',
        serviceName: 'svc',
        taskDefinition: rev1.taskDefinition?.taskDefinitionArn,
        desiredCount: 4,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
      }),
    );
    await waitFor('first deployment COMPLETED', async () =>
      (await primary('svc'))?.rolloutState === 'COMPLETED' ? true : undefined,
    );
    await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    await ecs.send(new UpdateServiceCommand({ cluster: 'c1', service: 'svc', taskDefinition: 'svc:2' }));
    let lowest = Infinity;
    let highest = 0;
    await waitFor('rollout COMPLETED', async () => {
      const live = [...sandbox.ecs.scheduler.tasks.values()].filter(
        (t) => t.serviceName === 'svc' && t.desiredStatus === 'RUNNING',
      );
      lowest = Math.min(lowest, live.filter((t) => t.lastStatus === 'RUNNING').length);
      highest = Math.max(highest, live.length);
      return (await primary('svc'))?.rolloutState === 'COMPLETED' ? true : undefined;
    });
    expect(lowest).toBeGreaterThanOrEqual(2);
    expect(highest).toBeLessThanOrEqual(4);
  });

  it('fails a deployment by circuit breaker when its tasks cannot start (injected fault)', async () => {
    const td = adotTaskDefinition('failing', '/ecs/test/svc');
    const rev1 = await ecs.send(new RegisterTaskDefinitionCommand(td as never));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'c1',
        serviceName: 'failing',
        taskDefinition: rev1.taskDefinition?.taskDefinitionArn,
        desiredCount: 2,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    await waitFor('first deployment COMPLETED', async () =>
      (await primary('failing'))?.rolloutState === 'COMPLETED' ? true : undefined,
    );
    // An Alloy revision: the fault makes its tasks exit.
    const containers = [
      ...(td['containerDefinitions'] as Record<string, unknown>[]).slice(0, 1),
      { name: 'alloy', image: 'grafana/alloy:v1.18.1', essential: false, memory: 128 },
    ];
    await ecs.send(new RegisterTaskDefinitionCommand({ ...td, containerDefinitions: containers } as never));
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'c1', service: 'failing', taskDefinition: 'failing:2' }),
    );
    const failed = await waitFor('deployment FAILED', async () => {
      const d = await primary('failing');
      return d?.rolloutState === 'FAILED' ? d : undefined;
    });
    expect(failed.rolloutStateReason).toContain('circuit breaker');
    expect(failed.failedTasks).toBeGreaterThanOrEqual(3);
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: 'c1', serviceName: 'failing', desiredStatus: 'STOPPED' }),
    );
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'c1', tasks: stopped.taskArns }));
    expect(described.tasks?.some((t) => t.stopCode === 'EssentialContainerExited')).toBe(true);
    // The old tasks kept serving: minimum healthy was respected.
    const live = await ecs.send(new ListTasksCommand({ cluster: 'c1', serviceName: 'failing' }));
    const liveTasks = await ecs.send(new DescribeTasksCommand({ cluster: 'c1', tasks: live.taskArns }));
    const serving = liveTasks.tasks?.filter(
      (t) => t.lastStatus === 'RUNNING' && t.taskDefinitionArn === rev1.taskDefinition?.taskDefinitionArn,
    );
    expect(serving).toHaveLength(2);
  });

  it('places tasks only where the EC2 capacity and CPU architecture fit, and says why otherwise', async () => {
    const arm = {
      ...adotTaskDefinition('armsvc'),
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    };
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(arm as never));
    sandbox.ecs.createCluster('x86only');
    sandbox.ecs.addContainerInstance('x86only', { cpu: 4096, memory: 16384, architecture: 'x86_64' });
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'x86only',
        serviceName: 'armsvc',
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
      }),
    );
    const event = await waitFor('an unplaceable-task event', async () => {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: 'x86only', services: ['armsvc'] }));
      return out.services?.[0]?.events?.find((e) => e.message?.includes('unable to place a task'))?.message;
    });
    expect(event).toContain('ecs.cpu-architecture: arm64');
    expect((await ecs.send(new ListTasksCommand({ cluster: 'x86only' }))).taskArns).toEqual([]);

    // 384 MiB per task on a 1024 MiB instance: two fit, the third waits for capacity.
    sandbox.ecs.createCluster('small');
    sandbox.ecs.addContainerInstance('small', { cpu: 1024, memory: 1024 });
    const td = await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'small',
        serviceName: 'svc',
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 3,
      }),
    );
    await waitFor('the capacity event', async () => {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: 'small', services: ['svc'] }));
      return out.services?.[0]?.events?.find((e) => e.message?.includes('insufficient CPU or memory'))
        ? true
        : undefined;
    });
    expect((await ecs.send(new ListTasksCommand({ cluster: 'small' }))).taskArns).toHaveLength(2);
  });

  it('refuses to update a service onto an INACTIVE revision', async () => {
    const rev1 = await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'c1',
        serviceName: 'svc',
        taskDefinition: rev1.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
      }),
    );
    await ecs.send(new RegisterTaskDefinitionCommand(adotTaskDefinition('svc') as never));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'svc:2' }));
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'svc:2' }));
    expect(described.taskDefinition?.status).toBe('INACTIVE');
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'c1', service: 'svc', taskDefinition: 'svc:2' })),
    ).rejects.toMatchObject({ name: 'ClientException', message: 'TaskDefinition is inactive' });
  });

  it('answers unknown clusters and services with the ECS exceptions', async () => {
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'nope', service: 'svc', desiredCount: 1 })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'c1', service: 'nope', desiredCount: 1 })),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'c1', services: ['nope'] }));
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:000000000000:service/c1/nope', reason: 'MISSING' },
    ]);
    await ecs.send(new CreateClusterCommand({ clusterName: 'c2' }));
  });

  it('tags task definitions and returns the tags with DescribeTaskDefinition include TAGS', async () => {
    const rev1 = await ecs.send(
      new RegisterTaskDefinitionCommand({
        ...adotTaskDefinition('svc'),
        tags: [{ key: 'team', value: 'platform' }],
      } as never),
    );
    const arn = rev1.taskDefinition?.taskDefinitionArn as string;
    await ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          {
            key: 'alloy-rollout:baseline',
            value: 'arn:aws:ecs:eu-west-1:000000000000:task-definition/svc:1',
          },
        ],
      }),
    );
    const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toEqual([
      { key: 'team', value: 'platform' },
      { key: 'alloy-rollout:baseline', value: 'arn:aws:ecs:eu-west-1:000000000000:task-definition/svc:1' },
    ]);
    const described = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    expect(described.tags).toHaveLength(2);
    await expect(
      ecs.send(
        new TagResourceCommand({
          resourceArn: 'arn:aws:ecs:eu-west-1:000000000000:task-definition/none:1',
          tags: [{ key: 'a', value: 'b' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ClientException' });
  });
});

describe('sandbox ECS throttling fault', () => {
  it('answers ThrottlingException the given number of times, then serves', async () => {
    const sandbox = await startSandbox({ port: 0, faults: parseFaults(['ecs:throttlex2']) });
    const ecs = new ECSClient({
      endpoint: sandbox.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    try {
      sandbox.ecs.createCluster('c1');
      const call = () => ecs.send(new ListTasksCommand({ cluster: 'c1' }));
      await expect(call()).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
      await expect(call()).rejects.toMatchObject({ name: 'ThrottlingException' });
      await expect(call()).resolves.toMatchObject({ taskArns: [] });
    } finally {
      ecs.destroy();
      await sandbox.stop();
    }
  });
});

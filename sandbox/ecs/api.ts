import type { SimClock } from '../clock';
import { AwsApiError, clientError, requireString } from '../aws/errors';
import type { AwsJsonService } from '../aws/protocol';
import {
  Arns,
  hexId,
  type Cluster,
  type ContainerInstance,
  type DeploymentConfiguration,
  type Service,
  type Task,
  type TaskDefinition,
} from './model';
import { Scheduler, type SchedulerHooks } from './scheduler';
import { describeTaskDefinition, TaskDefinitionRegistry } from './task-definitions';

const E = 'InvalidParameterException';
const s = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function tagsIn(value: unknown): { key: string; value: string }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw clientError(E, 'tags must be a list of {key, value}');
  return value.map((t: { key?: unknown; value?: unknown }) => {
    if (typeof t?.key !== 'string' || t.key.length === 0 || t.key.length > 128)
      throw clientError(E, 'Tag keys must be 1 to 128 characters');
    if (t.value !== undefined && typeof t.value !== 'string')
      throw clientError(E, `Tag value for "${t.key}" must be a string`);
    return { key: t.key, value: (t.value as string | undefined) ?? '' };
  });
}

export interface EcsTwinOptions {
  readonly region: string;
  readonly account: string;
  readonly clock: SimClock;
  readonly hooks: SchedulerHooks;
  /** Called before every operation: lets fault injection answer ThrottlingException. */
  readonly before?: (operation: string) => void;
}

/** ECS: clusters with EC2 capacity, task definitions, services with rolling deployments, tasks, tags. */
export class EcsTwin {
  readonly arns: Arns;
  readonly taskDefinitions: TaskDefinitionRegistry;
  readonly scheduler: Scheduler;
  private readonly clusters = new Map<string, Cluster>();
  private readonly tags = new Map<string, Map<string, string>>();

  constructor(private readonly options: EcsTwinOptions) {
    this.arns = new Arns(options.region, options.account);
    this.taskDefinitions = new TaskDefinitionRegistry(this.arns, () => options.clock.now());
    this.scheduler = new Scheduler(
      this.arns,
      options.clock,
      (arn) => this.taskDefinitions.resolve(arn),
      options.hooks,
      (service, td, need) => this.place(service, td, need),
    );
  }

  createCluster(name: string): Cluster {
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const cluster: Cluster = {
      clusterArn: this.arns.cluster(name),
      clusterName: name,
      instances: [],
      services: new Map(),
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  /** EC2 capacity: container instances registered with the cluster. */
  addContainerInstance(
    clusterName: string,
    spec: { cpu: number; memory: number; architecture?: 'x86_64' | 'arm64' },
  ): ContainerInstance {
    const cluster = this.cluster(clusterName);
    const instance: ContainerInstance = {
      arn: this.arns.containerInstance(clusterName, hexId()),
      ec2InstanceId: `i-${hexId(9).slice(0, 17)}`,
      cpu: spec.cpu,
      memory: spec.memory,
      architecture: spec.architecture ?? 'arm64',
    };
    cluster.instances.push(instance);
    return instance;
  }

  /**
   * EC2 placement: the first instance of the cluster, of the task's CPU architecture, with enough
   * CPU units and memory left once the tasks already on it are counted.
   */
  private place(
    service: Service,
    td: TaskDefinition,
    need: { cpu: number; memory: number },
  ): { instanceArn: string } | { reason: string } {
    const cluster = this.cluster(service.clusterName);
    const wanted = (td['runtimePlatform'] as { cpuArchitecture?: string } | undefined)?.cpuArchitecture;
    const arch = wanted === 'ARM64' ? 'arm64' : wanted === 'X86_64' ? 'x86_64' : undefined;
    const live = [...this.scheduler.tasks.values()].filter(
      (t) => t.desiredStatus === 'RUNNING' || t.lastStatus !== 'STOPPED',
    );
    for (const instance of cluster.instances) {
      if (arch && instance.architecture !== arch) continue;
      const used = live
        .filter((t) => t.containerInstanceArn === instance.arn)
        .reduce((u, t) => ({ cpu: u.cpu + t.cpu, memory: u.memory + t.memory }), { cpu: 0, memory: 0 });
      if (instance.cpu - used.cpu >= need.cpu && instance.memory - used.memory >= need.memory)
        return { instanceArn: instance.arn };
    }
    if (cluster.instances.length === 0)
      return { reason: 'No Container Instances were found in your cluster.' };
    if (arch && !cluster.instances.some((i) => i.architecture === arch))
      return {
        reason: `The closest matching container-instance is missing an attribute required by your task (ecs.cpu-architecture: ${arch}).`,
      };
    return { reason: 'The closest matching container-instance has insufficient CPU or memory available.' };
  }

  cluster(ref: string | undefined): Cluster {
    const name = Arns.lastSegment(ref ?? 'default');
    const cluster = this.clusters.get(name);
    if (!cluster) throw clientError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  service(cluster: Cluster, ref: string): Service {
    const service = cluster.services.get(Arns.lastSegment(ref));
    if (!service || service.status === 'INACTIVE')
      throw clientError('ServiceNotFoundException', 'Service not found.');
    return service;
  }

  allServices(): Service[] {
    return [...this.clusters.values()].flatMap((c) => [...c.services.values()]);
  }

  private deploymentConfiguration(input: unknown, base?: DeploymentConfiguration): DeploymentConfiguration {
    const raw = (input ?? {}) as {
      minimumHealthyPercent?: number;
      maximumPercent?: number;
      deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean };
    };
    const config: DeploymentConfiguration = {
      minimumHealthyPercent: raw.minimumHealthyPercent ?? base?.minimumHealthyPercent ?? 100,
      maximumPercent: raw.maximumPercent ?? base?.maximumPercent ?? 200,
      deploymentCircuitBreaker: {
        enable: raw.deploymentCircuitBreaker?.enable ?? base?.deploymentCircuitBreaker.enable ?? false,
        rollback: raw.deploymentCircuitBreaker?.rollback ?? base?.deploymentCircuitBreaker.rollback ?? false,
      },
    };
    if (config.minimumHealthyPercent < 0 || config.minimumHealthyPercent > 100)
      throw clientError(E, 'minimumHealthyPercent must be between 0 and 100.');
    if (config.maximumPercent < 100 || config.maximumPercent > 200)
      throw clientError(E, 'maximumPercent must be between 100 and 200.');
    if (config.maximumPercent <= config.minimumHealthyPercent && config.minimumHealthyPercent > 0)
      throw clientError(
        E,
        'The maximumPercent must be greater than the minimumHealthyPercent so that a deployment can make progress.',
      );
    return config;
  }

  createService(input: Record<string, unknown>): Service {
    const cluster = this.cluster(input['cluster'] as string | undefined);
    const name = requireString(input, 'serviceName', E);
    const existing = cluster.services.get(name);
    if (existing && existing.status === 'ACTIVE')
      throw clientError(E, 'Creation of service was not idempotent.');
    const td = this.taskDefinitions.resolve(requireString(input, 'taskDefinition', 'ClientException'));
    if (td.status !== 'ACTIVE') throw clientError('ClientException', `TaskDefinition is inactive`);
    const launchType = input['launchType'] === 'FARGATE' ? 'FARGATE' : 'EC2';
    if (launchType === 'FARGATE' && !td.compatibilities.includes('FARGATE'))
      throw clientError('ClientException', 'Task definition does not support launch_type FARGATE.');
    const desiredCount = typeof input['desiredCount'] === 'number' ? input['desiredCount'] : 1;
    if (desiredCount < 0) throw clientError(E, 'desiredCount must be >= 0');
    const service: Service = {
      serviceArn: this.arns.service(cluster.clusterName, name),
      serviceName: name,
      clusterName: cluster.clusterName,
      status: 'ACTIVE',
      desiredCount,
      taskDefinitionArn: td.taskDefinitionArn,
      deploymentConfiguration: this.deploymentConfiguration(input['deploymentConfiguration']),
      launchType,
      ...(input['networkConfiguration'] ? { networkConfiguration: input['networkConfiguration'] } : {}),
      deployments: [],
      events: [],
      createdAt: this.options.clock.now(),
    };
    cluster.services.set(name, service);
    this.setTags(service.serviceArn, tagsIn(input['tags']));
    this.scheduler.newDeployment(service, td.taskDefinitionArn);
    return service;
  }

  updateService(input: Record<string, unknown>): Service {
    const cluster = this.cluster(input['cluster'] as string | undefined);
    const service = this.service(cluster, requireString(input, 'service', E));
    const tdRef = input['taskDefinition'];
    const td = typeof tdRef === 'string' ? this.taskDefinitions.resolve(tdRef) : undefined;
    if (td && td.status !== 'ACTIVE') throw clientError('ClientException', 'TaskDefinition is inactive');
    if (td && service.launchType === 'FARGATE' && !td.compatibilities.includes('FARGATE'))
      throw clientError('ClientException', 'Task definition does not support launch_type FARGATE.');
    if (input['deploymentConfiguration'])
      service.deploymentConfiguration = this.deploymentConfiguration(
        input['deploymentConfiguration'],
        service.deploymentConfiguration,
      );
    if (typeof input['desiredCount'] === 'number') {
      if (input['desiredCount'] < 0) throw clientError(E, 'desiredCount must be >= 0');
      service.desiredCount = input['desiredCount'];
    }
    const changedTd = td && td.taskDefinitionArn !== service.taskDefinitionArn;
    if (changedTd || input['forceNewDeployment'] === true)
      this.scheduler.newDeployment(service, td?.taskDefinitionArn ?? service.taskDefinitionArn);
    else this.scheduler.tick(service);
    return service;
  }

  /** RegisterTaskDefinition: validated, stored, tagged with the input's tags. */
  registerTaskDefinition(input: Record<string, unknown>): TaskDefinition {
    const td = this.taskDefinitions.register(input);
    this.setTags(td.taskDefinitionArn, tagsIn(input['tags']));
    return td;
  }

  private setTags(arn: string, tags: { key: string; value: string }[]): void {
    const map = this.tags.get(arn) ?? new Map<string, string>();
    for (const t of tags) map.set(t.key, t.value);
    if (map.size > 50) throw clientError(E, 'A resource can have at most 50 tags.');
    this.tags.set(arn, map);
  }

  tagsOf(arn: string): { key: string; value: string }[] {
    return [...(this.tags.get(arn)?.entries() ?? [])].map(([key, value]) => ({ key, value }));
  }

  private resourceExists(arn: string): boolean {
    if (/:task-definition\//.test(arn)) {
      try {
        this.taskDefinitions.resolve(arn);
        return true;
      } catch {
        return false;
      }
    }
    if (/:service\//.test(arn)) return this.allServices().some((sv) => sv.serviceArn === arn);
    if (/:cluster\//.test(arn)) return [...this.clusters.values()].some((c) => c.clusterArn === arn);
    if (/:task\//.test(arn)) return this.scheduler.tasks.has(arn);
    return false;
  }

  describeService(service: Service): Record<string, unknown> {
    const sch = this.scheduler;
    const counts = (deploymentId?: string) => {
      const tasks = sch.tasksOf(service).filter((t) => !deploymentId || t.deploymentId === deploymentId);
      const live = tasks.filter((t) => t.desiredStatus === 'RUNNING');
      return {
        runningCount: live.filter((t) => t.lastStatus === 'RUNNING').length,
        pendingCount: live.filter((t) => t.lastStatus !== 'RUNNING').length,
      };
    };
    return {
      serviceArn: service.serviceArn,
      serviceName: service.serviceName,
      clusterArn: this.arns.cluster(service.clusterName),
      status: service.status,
      desiredCount: service.desiredCount,
      ...counts(),
      launchType: service.launchType,
      taskDefinition: service.taskDefinitionArn,
      deploymentConfiguration: service.deploymentConfiguration,
      deployments: service.deployments.map((d) => ({
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinitionArn,
        desiredCount: d.desiredCount,
        ...counts(d.id),
        failedTasks: d.failedTasks,
        createdAt: s(d.createdAt),
        updatedAt: s(d.updatedAt),
        launchType: service.launchType,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason,
      })),
      events: service.events.map((e) => ({ id: e.id, createdAt: s(e.createdAt), message: e.message })),
      createdAt: s(service.createdAt),
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
    };
  }

  describeTask(task: Task): Record<string, unknown> {
    const definitions = this.taskDefinitions.resolve(task.taskDefinitionArn).containerDefinitions;
    // A container with a health check that runs is taken as passing it; one without reports UNKNOWN.
    const health = (c: Task['containers'][number]) =>
      c.lastStatus === 'RUNNING' && definitions.some((d) => d.name === c.name && d.healthCheck)
        ? 'HEALTHY'
        : 'UNKNOWN';
    return {
      taskArn: task.taskArn,
      clusterArn: this.arns.cluster(task.clusterName),
      taskDefinitionArn: task.taskDefinitionArn,
      containerInstanceArn: task.containerInstanceArn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      ...(task.serviceName ? { group: `service:${task.serviceName}`, startedBy: task.deploymentId } : {}),
      launchType: 'EC2',
      cpu: String(task.cpu),
      memory: String(task.memory),
      createdAt: s(task.createdAt),
      ...(task.startedAt ? { startedAt: s(task.startedAt) } : {}),
      ...(task.stoppingAt ? { stoppingAt: s(task.stoppingAt) } : {}),
      ...(task.stoppedAt ? { stoppedAt: s(task.stoppedAt) } : {}),
      ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
      ...(task.stopCode ? { stopCode: task.stopCode } : {}),
      healthStatus: task.lastStatus === 'RUNNING' ? 'HEALTHY' : 'UNKNOWN',
      containers: task.containers.map((c) => ({
        containerArn: `arn:aws:ecs:${this.options.region}:${this.options.account}:container/${task.clusterName}/${task.id}/${c.name}`,
        taskArn: task.taskArn,
        name: c.name,
        image: c.image,
        lastStatus: c.lastStatus,
        ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
        healthStatus: health(c),
      })),
    };
  }

  api(): AwsJsonService {
    const before = this.options.before;
    return {
      targetPrefix: 'AmazonEC2ContainerServiceV20141113',
      contentType: 'application/x-amz-json-1.1',
      ...(before ? { before } : {}),
      operations: {
        CreateCluster: (input) => {
          const c = this.createCluster(
            typeof input['clusterName'] === 'string' ? input['clusterName'] : 'default',
          );
          return { cluster: this.describeCluster(c) };
        },
        DescribeClusters: (input) => {
          const refs = Array.isArray(input['clusters']) ? (input['clusters'] as string[]) : ['default'];
          const clusters: unknown[] = [];
          const failures: unknown[] = [];
          for (const ref of refs) {
            const c = this.clusters.get(Arns.lastSegment(ref));
            if (c) clusters.push(this.describeCluster(c));
            else
              failures.push({
                arn: ref.startsWith('arn:') ? ref : this.arns.cluster(ref),
                reason: 'MISSING',
              });
          }
          return { clusters, failures };
        },
        ListContainerInstances: (input) => ({
          containerInstanceArns: this.cluster(input['cluster'] as string | undefined).instances.map(
            (i) => i.arn,
          ),
        }),
        DescribeContainerInstances: (input) => {
          const cluster = this.cluster(input['cluster'] as string | undefined);
          const wanted = Array.isArray(input['containerInstances'])
            ? (input['containerInstances'] as string[])
            : [];
          const found = cluster.instances.filter(
            (i) => wanted.includes(i.arn) || wanted.includes(Arns.lastSegment(i.arn)),
          );
          return {
            containerInstances: found.map((i) => ({
              containerInstanceArn: i.arn,
              ec2InstanceId: i.ec2InstanceId,
              status: 'ACTIVE',
              agentConnected: true,
              registeredResources: [
                { name: 'CPU', type: 'INTEGER', integerValue: i.cpu },
                { name: 'MEMORY', type: 'INTEGER', integerValue: i.memory },
              ],
              attributes: [
                { name: 'ecs.cpu-architecture', value: i.architecture },
                { name: 'ecs.capability.logging-driver.awslogs' },
                { name: 'ecs.capability.logging-driver.json-file' },
              ],
            })),
            failures: wanted
              .filter((w) => !found.some((i) => i.arn === w || Arns.lastSegment(i.arn) === w))
              .map((arn) => ({ arn, reason: 'MISSING' })),
          };
        },
        RegisterTaskDefinition: (input) => {
          const td = this.registerTaskDefinition(input);
          return { taskDefinition: describeTaskDefinition(td), tags: this.tagsOf(td.taskDefinitionArn) };
        },
        DescribeTaskDefinition: (input) => {
          const td = this.taskDefinitions.resolve(requireString(input, 'taskDefinition', 'ClientException'));
          const include = Array.isArray(input['include']) ? (input['include'] as string[]) : [];
          return {
            taskDefinition: describeTaskDefinition(td),
            ...(include.includes('TAGS') ? { tags: this.tagsOf(td.taskDefinitionArn) } : {}),
          };
        },
        DeregisterTaskDefinition: (input) => ({
          taskDefinition: describeTaskDefinition(
            this.taskDefinitions.deregister(requireString(input, 'taskDefinition', 'ClientException')),
          ),
        }),
        ListTaskDefinitions: (input) => ({
          taskDefinitionArns: this.taskDefinitions.list(
            typeof input['familyPrefix'] === 'string' ? input['familyPrefix'] : undefined,
            typeof input['status'] === 'string' ? input['status'] : 'ACTIVE',
          ),
        }),
        CreateService: (input) => ({ service: this.describeService(this.createService(input)) }),
        UpdateService: (input) => ({ service: this.describeService(this.updateService(input)) }),
        DescribeServices: (input) => {
          const cluster = this.cluster(input['cluster'] as string | undefined);
          const refs = input['services'];
          if (!Array.isArray(refs) || refs.length === 0 || refs.length > 10)
            throw clientError(E, 'services must list 1 to 10 service names or ARNs.');
          const services: unknown[] = [];
          const failures: unknown[] = [];
          const include = Array.isArray(input['include']) ? (input['include'] as string[]) : [];
          for (const ref of refs as string[]) {
            const sv = cluster.services.get(Arns.lastSegment(ref));
            if (sv)
              services.push({
                ...this.describeService(sv),
                ...(include.includes('TAGS') ? { tags: this.tagsOf(sv.serviceArn) } : {}),
              });
            else
              failures.push({
                arn: ref.startsWith('arn:') ? ref : this.arns.service(cluster.clusterName, ref),
                reason: 'MISSING',
              });
          }
          return { services, failures };
        },
        ListServices: (input) => ({
          serviceArns: [...this.cluster(input['cluster'] as string | undefined).services.values()].map(
            (sv) => sv.serviceArn,
          ),
        }),
        ListTasks: (input) => {
          const cluster = this.cluster(input['cluster'] as string | undefined);
          const serviceName =
            typeof input['serviceName'] === 'string' ? Arns.lastSegment(input['serviceName']) : undefined;
          if (serviceName) this.service(cluster, serviceName);
          const desired =
            input['desiredStatus'] === 'STOPPED'
              ? 'STOPPED'
              : input['desiredStatus'] === 'PENDING'
                ? 'PENDING'
                : 'RUNNING';
          const family = typeof input['family'] === 'string' ? input['family'] : undefined;
          const startedBy = typeof input['startedBy'] === 'string' ? input['startedBy'] : undefined;
          const all = [...this.scheduler.tasks.values()].filter(
            (t) =>
              t.clusterName === cluster.clusterName &&
              (!serviceName || t.serviceName === serviceName) &&
              (desired === 'PENDING'
                ? t.desiredStatus === 'RUNNING' && t.lastStatus !== 'RUNNING'
                : t.desiredStatus === desired) &&
              (!family || this.taskDefinitions.resolve(t.taskDefinitionArn).family === family) &&
              (!startedBy || t.deploymentId === startedBy),
          );
          const maxResults = typeof input['maxResults'] === 'number' ? input['maxResults'] : 100;
          if (maxResults < 1 || maxResults > 100)
            throw clientError(E, 'maxResults must be between 1 and 100.');
          const start =
            typeof input['nextToken'] === 'string'
              ? Number(Buffer.from(input['nextToken'], 'base64').toString('utf8')) || 0
              : 0;
          const page = all.slice(start, start + maxResults);
          return {
            taskArns: page.map((t) => t.taskArn),
            ...(start + maxResults < all.length
              ? { nextToken: Buffer.from(String(start + maxResults)).toString('base64') }
              : {}),
          };
        },
        DescribeTasks: (input) => {
          const cluster = this.cluster(input['cluster'] as string | undefined);
          const refs = input['tasks'];
          if (!Array.isArray(refs) || refs.length === 0 || refs.length > 100)
            throw clientError(E, 'tasks must list 1 to 100 task ids or ARNs.');
          const tasks: unknown[] = [];
          const failures: unknown[] = [];
          for (const ref of refs as string[]) {
            const t = this.scheduler.tasks.get(
              ref.startsWith('arn:') ? ref : this.arns.task(cluster.clusterName, ref),
            );
            if (t && t.clusterName === cluster.clusterName) tasks.push(this.describeTask(t));
            else failures.push({ arn: ref, reason: 'MISSING' });
          }
          return { tasks, failures };
        },
        StopTask: (input) => {
          const cluster = this.cluster(input['cluster'] as string | undefined);
          const ref = requireString(input, 'task', E);
          const t = this.scheduler.tasks.get(
            ref.startsWith('arn:') ? ref : this.arns.task(cluster.clusterName, ref),
          );
          if (!t) throw clientError(E, 'The referenced task was not found.');
          this.scheduler.stop(
            t,
            typeof input['reason'] === 'string' ? input['reason'] : 'Task stopped by user',
            'UserInitiated',
          );
          return { task: this.describeTask(t) };
        },
        TagResource: (input) => {
          const arn = requireString(input, 'resourceArn', E);
          if (!this.resourceExists(arn))
            throw clientError('ClientException', 'The specified resource could not be found.');
          this.setTags(arn, tagsIn(input['tags']));
          return {};
        },
        UntagResource: (input) => {
          const arn = requireString(input, 'resourceArn', E);
          if (!this.resourceExists(arn))
            throw clientError('ClientException', 'The specified resource could not be found.');
          const keys = Array.isArray(input['tagKeys']) ? (input['tagKeys'] as string[]) : [];
          for (const k of keys) this.tags.get(arn)?.delete(k);
          return {};
        },
        ListTagsForResource: (input) => {
          const arn = requireString(input, 'resourceArn', E);
          if (!this.resourceExists(arn))
            throw clientError('ClientException', 'The specified resource could not be found.');
          return { tags: this.tagsOf(arn) };
        },
      },
    };
  }

  private describeCluster(c: Cluster) {
    const tasks = [...this.scheduler.tasks.values()].filter(
      (t) => t.clusterName === c.clusterName && t.desiredStatus === 'RUNNING',
    );
    return {
      clusterArn: c.clusterArn,
      clusterName: c.clusterName,
      status: 'ACTIVE',
      registeredContainerInstancesCount: c.instances.length,
      runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
      pendingTasksCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
      activeServicesCount: [...c.services.values()].filter((sv) => sv.status === 'ACTIVE').length,
      capacityProviders: [],
      settings: [{ name: 'containerInsights', value: 'disabled' }],
    };
  }

  stop(): void {
    this.scheduler.stopAll();
  }
}

export function throttlingError(): AwsApiError {
  return new AwsApiError('ThrottlingException', 'Rate exceeded', 400);
}

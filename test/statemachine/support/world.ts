import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toRegisterInput, type ContainerDefinition } from '../../../core/taskdef';
import { FakeLokiStorage } from './loki-storage';

/**
 * A small in-memory Temporal cluster for the scenario tests: task definitions, services whose
 * deployments complete or fail on demand, running tasks, and what Loki, AMP and CloudWatch Logs
 * would see from them. Faults are set per test.
 */
export interface Faults {
  /**
   * ECS service name -> outcome of deployments onto an Alloy revision. `completeAfterMs`: the new
   * tasks run from the first look, and ECS says COMPLETED only that long after the update.
   */
  deployment?: Record<string, 'FAILED' | 'STUCK' | { completeAfterMs: number }>;
  /**
   * ECS service name -> outcome of deployments back onto an ADOT revision: every one fails, or
   * the first N fail and later ones complete.
   */
  rollbackDeployment?: Record<string, 'FAILED' | { failFirst: number }>;
  /**
   * Plan service name -> Alloy loses every Nth line it reads through the dual-logging cache while
   * the shadow revision runs (awslogs kept): CloudWatch has them all, Loki misses 1/N.
   */
  shadowDropEvery?: Record<string, number>;
  /** Plan service names whose Alloy tasks ship nothing to Loki. */
  logsMissing?: string[];
  /** A label Alloy fails to set on a service's streams. */
  labelMissing?: { service: string; label: string };
  /** Plan service names whose lines do not parse as JSON. */
  jsonBroken?: string[];
  /** Plan service name -> lines stop parsing as JSON this long after its Alloy tasks started. */
  jsonBrokenAfterMs?: Record<string, number>;
  /** Plan service name -> `up` is missing for its Alloy tasks during these [from, to) ms after they started. */
  upGapMs?: Record<string, [number, number]>;
  /** Plan service names whose `up` series flaps: present 20 s, missing 10 s, over and over. */
  upFlapping?: string[];
  /** Plan service names whose metrics never reach AMP after the migration. */
  metricsMissing?: string[];
  /** AMP refuses the series API (an error body) for these plan service names. */
  ampSeriesRejected?: string[];
  /** Plan service names whose Alloy tasks export `temporal_request_latency` under another name. */
  metricRenamed?: string[];
  /**
   * Plan service name -> the scrape interval of its Alloy tasks. ADOT's, and the default, is 2 s:
   * the test clock moves a second per reading, so a 5 s cadence window holds two or three scrapes.
   */
  alloyScrapeIntervalMs?: Record<string, number>;
  lokiNotReady?: boolean;
  canaryLost?: boolean;
  /** HTTP statuses returned, one per request, by the next Loki API calls other than /ready (e.g. [429, 503]). */
  lokiStatuses?: number[];
  /** Plan service names whose Alloy config SSM refuses to store (AccessDenied). */
  ssmDenied?: string[];
  /** The next N DescribeServices calls are throttled. */
  ecsThrottles?: number;
  /** IAM actions the services' roles may not do (e.g. aps:RemoteWrite); everything else is allowed. */
  permissionDenied?: string[];
}

interface StoredTd {
  body: Record<string, unknown> & { family: string; containerDefinitions: ContainerDefinition[] };
  tags: { key?: string; value?: string }[];
  status: 'ACTIVE' | 'INACTIVE';
}

export interface FakeDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  /** When the rollout state last changed, as ECS reports it. */
  updatedAt: Date;
  createdAt: Date;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
}

export interface FakeService {
  serviceName: string;
  serviceArn: string;
  status: 'ACTIVE';
  launchType: 'EC2' | 'FARGATE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  deployments: FakeDeployment[];
  tasks: { taskArn: string; taskDefinitionArn: string; startedBy: string; startedAt: Date }[];
  /** The plan's name for it (service_name label), when it is a plan service. */
  planName?: string;
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
export const CLUSTER = 'temporal-dev';
export const LOKI_SERVICE = 'temporal-dev-loki';

export const PLAN_SERVICES = [
  { name: 'worker', ecsService: 'temporal-dev-temporal-worker' },
  { name: 'history', ecsService: 'temporal-dev-temporal-history' },
  { name: 'matching', ecsService: 'temporal-dev-temporal-matching' },
  { name: 'frontend', ecsService: 'temporal-dev-temporal-frontend' },
  { name: 'benchmark-worker', ecsService: 'temporal-dev-benchmark-worker' },
] as const;

export class World {
  nowMs = Date.UTC(2026, 10, 23, 12, 0, 0);
  faults: Faults = {};
  readonly taskDefinitions = new Map<string, StoredTd>();
  readonly services = new Map<string, FakeService>();
  readonly ssm = new Map<string, string>();
  readonly logGroups = new Map<string, { retentionInDays?: number }>();
  readonly lock = new Map<string, Record<string, string>>();
  /** Executions other than the harness's own, by ARN, with the status DescribeExecution gives. */
  readonly executions = new Map<string, string>();
  /** Loki's /config, the chunks /flush writes to S3, and the VPC routing of Loki's subnets. */
  readonly lokiStorage = new FakeLokiStorage();
  /** Canary entries Loki stored, as pushed. */
  readonly canaryLines: { labels: Record<string, string>; ts: string; line: string }[] = [];
  readonly calls: string[] = [];
  private counter = 0;
  /** ECS service name -> deployments back onto ADOT that failed so far (for `failFirst`). */
  private readonly rollbackFailures = new Map<string, number>();

  constructor() {
    for (const s of PLAN_SERVICES) {
      const described = JSON.parse(
        readFileSync(join(__dirname, '../../../examples/task-definitions', `${s.name}.json`), 'utf8'),
      ) as {
        taskDefinition: StoredTd['body'] & { taskDefinitionArn: string };
        tags?: StoredTd['tags'];
      };
      const taskDefinitionArn = described.taskDefinition.taskDefinitionArn;
      const body = toRegisterInput(described as never);
      delete body.tags;
      this.taskDefinitions.set(taskDefinitionArn, {
        body: body as StoredTd['body'],
        tags: described.tags ?? [],
        status: 'ACTIVE',
      });
      this.addService(s.ecsService, taskDefinitionArn, 2, s.name);
      this.seedCollectorConfig((body as StoredTd['body']).containerDefinitions, s.name);
      for (const c of (body as StoredTd['body']).containerDefinitions) {
        const group = c.logConfiguration?.options?.['awslogs-group'];
        if (group) this.logGroups.set(group, { retentionInDays: 14 });
      }
    }
    const lokiTd = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/temporal-dev-loki:3`;
    this.taskDefinitions.set(lokiTd, {
      body: {
        family: 'temporal-dev-loki',
        networkMode: 'awsvpc',
        containerDefinitions: [{ name: 'loki', image: 'grafana/loki:3.5.3', essential: true, memory: 1024 }],
      },
      tags: [],
      status: 'ACTIVE',
    });
    this.addService(LOKI_SERVICE, lokiTd, 1);
  }

  /**
   * Copies of the worker service (its task definition under the family `ecsService`), for
   * rollouts of many services; `names` are the plan names, `temporal-dev-<name>` the ECS names.
   */
  addWorkerCopies(names: readonly string[]): void {
    const worker = this.service('temporal-dev-temporal-worker');
    const td = this.taskDefinitions.get(worker.taskDefinition);
    if (!td) throw new Error('the worker task definition is missing');
    for (const name of names) {
      const ecsService = `${CLUSTER}-${name}`;
      const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${ecsService}:1`;
      this.taskDefinitions.set(arn, { ...td, body: { ...td.body, family: ecsService } });
      this.addService(ecsService, arn, 2, name);
    }
  }

  /**
   * The SSM parameter each ADOT collector reads its config from (`--config env:ADOT_CONFIG`, a
   * secret from SSM), holding a config in ADOT's documented shape: a `temporal` job scraping the
   * service's port every 15 s, as Register reads it to keep the job, instance and cadence.
   */
  private seedCollectorConfig(containers: readonly ContainerDefinition[], planName: string): void {
    // benchmark-worker serves its metrics on 9091 (examples/plan.yaml), the others on 9090.
    const port = planName === 'benchmark-worker' ? 9091 : 9090;
    for (const c of containers)
      for (const secret of c.secrets ?? []) {
        const name = /^arn:aws:ssm:[^:]+:\d+:parameter(\/.+)$/.exec(secret.valueFrom)?.[1];
        if (name)
          this.ssm.set(
            name,
            [
              'receivers:',
              '  prometheus:',
              '    config:',
              '      global: { scrape_interval: 15s, scrape_timeout: 10s }',
              '      scrape_configs:',
              '        - job_name: temporal',
              '          metrics_path: /metrics',
              `          static_configs: [{ targets: ["localhost:${port}"] }]`,
              'service:',
              '  pipelines:',
              '    metrics: { receivers: [prometheus], exporters: [prometheusremotewrite] }',
              '',
            ].join('\n'),
          );
      }
  }

  /** Every call of Date.now() moves the clock one second: deadlines are reached in a few polls. */
  tick(): number {
    this.nowMs += 1000;
    return this.nowMs;
  }

  private addService(name: string, taskDefinition: string, count: number, planName?: string): void {
    const service: FakeService = {
      serviceName: name,
      serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`,
      status: 'ACTIVE',
      launchType: 'EC2',
      taskDefinition,
      desiredCount: count,
      runningCount: count,
      deployments: [],
      tasks: [],
      ...(planName ? { planName } : {}),
    };
    service.deployments = [this.deployment(taskDefinition, count, 'COMPLETED')];
    service.tasks = this.startTasks(taskDefinition, count, service.deployments[0]!.id);
    this.services.set(name, service);
  }

  private deployment(
    taskDefinition: string,
    count: number,
    state: FakeDeployment['rolloutState'],
  ): FakeDeployment {
    this.counter += 1;
    const done = state === 'COMPLETED';
    return {
      id: `ecs-svc/${1000 + this.counter}`,
      status: 'PRIMARY',
      taskDefinition,
      rolloutState: state,
      desiredCount: count,
      runningCount: done ? count : 0,
      pendingCount: done ? 0 : count,
      failedTasks: 0,
      updatedAt: new Date(this.nowMs),
      createdAt: new Date(this.nowMs),
    };
  }

  private startTasks(taskDefinitionArn: string, count: number, startedBy: string) {
    return Array.from({ length: count }, () => {
      this.counter += 1;
      return {
        taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${(0xabc000 + this.counter).toString(16)}f00d${this.counter}`,
        taskDefinitionArn,
        startedBy,
        startedAt: new Date(this.nowMs),
      };
    });
  }

  service(name: string): FakeService {
    const s = this.services.get(name);
    if (!s) throw new Error(`no service ${name}`);
    return s;
  }

  servicePlanName(planName: string): FakeService {
    const s = [...this.services.values()].find((x) => x.planName === planName);
    if (!s) throw new Error(`no plan service ${planName}`);
    return s;
  }

  collectorOf(taskDefinitionArn: string): 'alloy' | 'adot' | 'none' {
    const td = this.taskDefinitions.get(taskDefinitionArn);
    if (!td) return 'none';
    if (td.body.containerDefinitions.some((c) => c.name === 'alloy')) return 'alloy';
    if (td.body.containerDefinitions.some((c) => (c.image ?? '').includes('aws-otel-collector')))
      return 'adot';
    return 'none';
  }

  // ---- ECS ----
  registerTaskDefinition(input: StoredTd['body'] & { tags?: StoredTd['tags'] }): string {
    const { tags, ...body } = input;
    const revisions = [...this.taskDefinitions.keys()]
      .filter((arn) => arn.includes(`/${body.family}:`))
      .map((arn) => Number(arn.split(':').pop()));
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${body.family}:${Math.max(0, ...revisions) + 1}`;
    this.taskDefinitions.set(arn, {
      body: JSON.parse(JSON.stringify(body)),
      tags: tags ?? [],
      status: 'ACTIVE',
    });
    this.calls.push(`register ${arn}`);
    return arn;
  }

  describeTaskDefinition(arn: string) {
    const td = this.taskDefinitions.get(arn);
    if (!td) return undefined;
    return {
      taskDefinition: {
        ...JSON.parse(JSON.stringify(td.body)),
        taskDefinitionArn: arn,
        revision: Number(arn.split(':').pop()),
        status: td.status,
      },
      tags: td.tags,
    };
  }

  updateService(name: string, taskDefinition: string, desiredCount?: number, force = false): FakeService {
    const s = this.service(name);
    if (desiredCount !== undefined) s.desiredCount = desiredCount;
    s.taskDefinition = taskDefinition;
    s.deployments = [
      this.deployment(taskDefinition, s.desiredCount, 'IN_PROGRESS'),
      ...s.deployments.map((d) => ({ ...d, status: 'ACTIVE' as const })),
    ];
    this.calls.push(`update ${name} ${taskDefinition}${force ? ' force' : ''}`);
    return s;
  }

  /** Deployments move on when someone looks: completed (tasks replaced), failed or stuck per the faults. */
  describeService(name: string): FakeService | undefined {
    const s = this.services.get(name);
    if (!s) return undefined;
    const primary = s.deployments[0];
    if (primary && primary.rolloutState === 'IN_PROGRESS') {
      const toAlloy = this.collectorOf(primary.taskDefinition) === 'alloy';
      const fault = toAlloy ? this.faults.deployment?.[name] : this.rollbackFault(name);
      if (typeof fault === 'object') {
        // Slow: the new tasks run while ECS still reports IN_PROGRESS, as it does while old tasks drain.
        if (!s.tasks.some((t) => t.taskDefinitionArn === primary.taskDefinition)) {
          s.tasks = this.startTasks(primary.taskDefinition, primary.desiredCount, primary.id);
          primary.runningCount = primary.desiredCount;
          primary.pendingCount = 0;
        }
        if (this.nowMs - primary.createdAt.getTime() >= fault.completeAfterMs) {
          primary.rolloutState = 'COMPLETED';
          primary.updatedAt = new Date(this.nowMs);
          s.deployments = [primary];
        }
      } else if (fault === 'FAILED') {
        primary.rolloutState = 'FAILED';
        primary.updatedAt = new Date(this.nowMs);
        primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
        primary.failedTasks = 3;
      } else if (fault !== 'STUCK') {
        primary.rolloutState = 'COMPLETED';
        primary.updatedAt = new Date(this.nowMs);
        primary.runningCount = primary.desiredCount;
        primary.pendingCount = 0;
        s.deployments = [primary];
        s.tasks = this.startTasks(primary.taskDefinition, primary.desiredCount, primary.id);
        s.runningCount = primary.desiredCount;
      }
    }
    return JSON.parse(JSON.stringify(s)) as FakeService;
  }

  /** FAILED while the service's rollback deployments are meant to fail, counting each one. */
  private rollbackFault(name: string): 'FAILED' | undefined {
    const fault = this.faults.rollbackDeployment?.[name];
    if (fault === undefined || fault === 'FAILED') return fault;
    const failed = this.rollbackFailures.get(name) ?? 0;
    if (failed >= fault.failFirst) return undefined;
    this.rollbackFailures.set(name, failed + 1);
    return 'FAILED';
  }

  // ---- what the collectors deliver ----
  private alloyTasksOf(planName: string) {
    const s = [...this.services.values()].find((x) => x.planName === planName);
    return s ? s.tasks.filter((t) => this.collectorOf(t.taskDefinitionArn) === 'alloy') : [];
  }

  lokiLinesByTask(planName: string, perContainer = false) {
    if (this.faults.logsMissing?.includes(planName)) return [];
    return this.alloyTasksOf(planName).flatMap((t) =>
      this.lokiGroups(t, perContainer).map((metric) => ({ metric, value: [this.nowMs / 1000, '42'] })),
    );
  }

  /**
   * The label sets a `sum by` answers with for one task: its task_id, or with `perContainer` one
   * set per container whose json-file logs the sidecar reads (the Alloy containers aside).
   */
  private lokiGroups(
    t: { taskArn: string; taskDefinitionArn: string },
    perContainer: boolean,
  ): Record<string, string>[] {
    const taskId = t.taskArn.split('/').pop()!;
    if (!perContainer) return [{ task_id: taskId }];
    return (this.taskDefinitions.get(t.taskDefinitionArn)?.body.containerDefinitions ?? [])
      .filter((c) => c.logConfiguration?.logDriver === 'json-file' && !c.name.startsWith('alloy'))
      .map((c) => ({ task_id: taskId, container_name: c.name }));
  }

  /** How long a task has run, in ms. */
  private ageOf(task: { startedAt: Date }): number {
    return this.nowMs - task.startedAt.getTime();
  }

  lokiJsonErrorsByTask(planName: string, perContainer = false) {
    const after = this.faults.jsonBrokenAfterMs?.[planName];
    const broken = (t: { startedAt: Date }) =>
      this.faults.jsonBroken?.includes(planName) || (after !== undefined && this.ageOf(t) >= after);
    return this.alloyTasksOf(planName)
      .filter(broken)
      .flatMap((t) =>
        this.lokiGroups(t, perContainer).map((metric) => ({ metric, value: [this.nowMs / 1000, '7'] })),
      );
  }

  lokiSeries(planName: string) {
    if (this.faults.logsMissing?.includes(planName)) return [];
    const s = this.servicePlanName(planName);
    const container = s.serviceName.replace('temporal-dev-', '');
    return this.alloyTasksOf(planName).map((t) => {
      const labels: Record<string, string> = {
        service_name: planName,
        cluster: CLUSTER,
        container_name: container,
        task_id: t.taskArn.split('/').pop()!,
        level: 'info',
      };
      if (this.faults.labelMissing?.service === planName) delete labels[this.faults.labelMissing.label];
      return labels;
    });
  }

  ampUp(planName: string) {
    if (this.faults.metricsMissing?.includes(planName)) return [];
    const gap = this.faults.upGapMs?.[planName];
    const flapping = this.faults.upFlapping?.includes(planName);
    const missing = (t: { startedAt: Date }) =>
      (gap !== undefined && this.ageOf(t) >= gap[0] && this.ageOf(t) < gap[1]) ||
      (flapping === true && Math.floor(this.ageOf(t) / 1000) % 30 >= 20);
    return this.alloyTasksOf(planName)
      .filter((t) => !missing(t))
      .map((t) => ({
        metric: { __name__: 'up', service_name: planName, task_id: t.taskArn.split('/').pop()! },
        value: [this.nowMs / 1000, '1'],
      }));
  }

  /**
   * The service's running tasks whose series reach AMP (only those of `taskIds` when given): ADOT
   * tasks always, Alloy tasks unless the metrics-missing fault is set for the service.
   */
  private ampTasksOf(planName: string, taskIds?: readonly string[]) {
    const s = [...this.services.values()].find((x) => x.planName === planName);
    if (!s) return [];
    return s.tasks.flatMap((task) => {
      const taskId = task.taskArn.split('/').pop()!;
      if (taskIds && !taskIds.includes(taskId)) return [];
      const onAlloy = this.collectorOf(task.taskDefinitionArn) === 'alloy';
      if (onAlloy && this.faults.metricsMissing?.includes(planName)) return [];
      return [{ task, taskId, onAlloy }];
    });
  }

  /** The label sets of the series AMP holds for the service's running tasks (both collectors). */
  ampSeries(planName: string, taskIds?: readonly string[]) {
    return this.ampTasksOf(planName, taskIds).flatMap(({ taskId, onAlloy }) => {
      const target = { job: 'temporal', instance: '127.0.0.1:9090', service_name: planName, task_id: taskId };
      const renamed = onAlloy && this.faults.metricRenamed?.includes(planName);
      return [
        { __name__: 'up', ...target },
        { __name__: 'service_requests', ...target, operation: 'StartWorkflowExecution' },
        { __name__: renamed ? 'temporal_request_latency_renamed' : 'temporal_request_latency', ...target },
        // ADOT's own telemetry, which the plan's mayDisappear lets go.
        ...(onAlloy
          ? []
          : [
              {
                __name__: 'otelcol_exporter_sent_metric_points',
                ...target,
                exporter: 'prometheusremotewrite',
              },
            ]),
      ];
    });
  }

  /** The raw `up` samples of each task over the window: one per scrape, from the task's start. */
  ampUpSamples(planName: string, windowMs: number, taskIds?: readonly string[]) {
    return this.ampTasksOf(planName, taskIds).map(({ task: t, taskId, onAlloy }) => {
      const interval = (onAlloy ? this.faults.alloyScrapeIntervalMs?.[planName] : undefined) ?? 2_000;
      const values: [number, string][] = [];
      for (let at = t.startedAt.getTime(); at <= this.nowMs; at += interval)
        if (at >= this.nowMs - windowMs) values.push([at / 1000, '1']);
      return {
        metric: { __name__: 'up', service_name: planName, task_id: taskId, instance: '127.0.0.1:9090' },
        values,
      };
    });
  }

  /**
   * Alloy's own metrics of the service's Alloy tasks, healthy: entries and samples sent, nothing
   * dropped or failed, every component healthy, the process started with its task. Absent, as the
   * application's series, under the metrics-missing fault (its remote write reaches nothing).
   */
  ampAlloySelf(planName: string) {
    if (this.faults.metricsMissing?.includes(planName)) return [];
    return this.alloyTasksOf(planName).flatMap((t) => {
      const series = {
        service_name: planName,
        job: 'integrations/self',
        task_id: t.taskArn.split('/').pop()!,
      };
      const sample = (name: string, value: number, labels: Record<string, string> = {}) => ({
        metric: { __name__: name, ...series, ...labels },
        value: [this.nowMs / 1000, String(value)],
      });
      return [
        sample('loki_write_sent_entries_total', 100),
        sample('loki_write_dropped_entries_total', 0, { reason: 'ingester_error' }),
        sample('prometheus_remote_storage_samples_total', 400),
        sample('prometheus_remote_storage_samples_failed_total', 0),
        sample('alloy_component_controller_running_components', 11, { health_type: 'healthy' }),
        sample('process_start_time_seconds', t.startedAt.getTime() / 1000),
      ];
    });
  }

  ampSeriesCount(planName: string) {
    const s = [...this.services.values()].find((x) => x.planName === planName);
    if (!s) return [];
    const onAlloy = this.collectorOf(s.taskDefinition) === 'alloy';
    if (onAlloy && this.faults.metricsMissing?.includes(planName)) return [];
    return [{ metric: {}, value: [this.nowMs / 1000, '120'] }];
  }

  /** awslogs: every running task whose revision logs to the group writes a line now. */
  /**
   * The shadow revision's awslogs containers, per running task: each writes one line per second of
   * the task's life, to its CloudWatch stream and to the dual-logging cache Alloy reads.
   */
  private shadowStreams(planName?: string) {
    return [...this.services.values()]
      .filter((s) => planName === undefined || s.planName === planName)
      .flatMap((s) =>
        s.tasks
          .filter((t) => this.collectorOf(t.taskDefinitionArn) === 'alloy')
          .flatMap((t) =>
            (this.taskDefinitions.get(t.taskDefinitionArn)?.body.containerDefinitions ?? [])
              .filter((c) => c.logConfiguration?.logDriver === 'awslogs' && !c.name.startsWith('alloy'))
              .map((c) => {
                const o = c.logConfiguration?.options ?? {};
                const taskId = t.taskArn.split('/').pop()!;
                return {
                  planName: s.planName,
                  taskId,
                  container: c.name,
                  group: o['awslogs-group'],
                  stream: `${o['awslogs-stream-prefix'] ?? 'ecs'}/${c.name}/${taskId}`,
                  startedAtMs: t.startedAt.getTime(),
                };
              }),
          ),
      );
  }

  /** Timestamps of the lines a shadow stream wrote in (fromMs, toMs], up to now. */
  private shadowLineTimes(startedAtMs: number, fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    const last = Math.min(toMs, this.nowMs);
    for (let at = startedAtMs + 1000; at <= last; at += 1000) if (at > fromMs) out.push(at);
    return out;
  }

  /** FilterLogEvents on named streams over [startTime, endTime]: the shadow streams' lines. */
  shadowCloudWatchEvents(group: string, names: readonly string[], startTime: number, endTime: number) {
    return this.shadowStreams()
      .filter((s) => s.group === group && names.includes(s.stream))
      .flatMap((s) =>
        this.shadowLineTimes(s.startedAtMs, startTime - 1, endTime).map((timestamp) => ({
          logStreamName: s.stream,
          timestamp,
          message: '{"level":"info"}',
        })),
      );
  }

  /** Loki's lines per task and container of the shadow streams over (atMs - rangeMs, atMs]. */
  shadowLokiLines(planName: string, rangeMs: number, atMs: number) {
    const every = this.faults.shadowDropEvery?.[planName];
    return this.shadowStreams(planName).map((s) => {
      const lines = this.shadowLineTimes(s.startedAtMs, atMs - rangeMs, atMs);
      // Line n of the stream (1-based) is lost when n is a multiple of `every`.
      const kept = every ? lines.filter((at) => ((at - s.startedAtMs) / 1000) % every !== 0) : lines;
      return {
        metric: { task_id: s.taskId, container_name: s.container },
        value: [atMs / 1000, String(kept.length)],
      };
    });
  }

  /** Whether the service's Alloy tasks keep awslogs on their main containers (the shadow revision). */
  runsShadow(planName: string): boolean {
    return this.shadowStreams(planName).length > 0;
  }

  cloudWatchEvents(group: string, sinceMs: number) {
    const events: { logStreamName: string; timestamp: number; message: string }[] = [];
    for (const s of this.services.values()) {
      for (const t of s.tasks) {
        const td = this.taskDefinitions.get(t.taskDefinitionArn);
        for (const c of td?.body.containerDefinitions ?? []) {
          const o = c.logConfiguration?.options;
          if (
            c.logConfiguration?.logDriver !== 'awslogs' ||
            o?.['awslogs-group'] !== group ||
            !this.logGroups.has(group)
          )
            continue;
          if (this.nowMs >= sinceMs)
            events.push({
              logStreamName: `${o['awslogs-stream-prefix'] ?? 'ecs'}/${c.name}/${t.taskArn.split('/').pop()}`,
              timestamp: this.nowMs,
              message: '{"level":"info"}',
            });
        }
      }
    }
    return events;
  }
}

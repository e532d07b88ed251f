import { CONFIG_ENV } from '../../../../core/taskdef/names';
import { CloudWatchLogsTwin } from '../../../../sandbox/aws/cloudwatch-logs';
import { SecretsManagerTwin } from '../../../../sandbox/aws/secrets-manager';
import { SsmTwin } from '../../../../sandbox/aws/ssm';
import { SimClock } from '../../../../sandbox/clock';
import type { ContainerDefinition, Task, TaskDefinition } from '../../../../sandbox/ecs/model';
import { FaultInjector, parseFaults } from '../../../../sandbox/faults';
import type { AlloyShipping } from '../../../../sandbox/workload/alloy-summary';
import { Workload, type LokiSink, type WorkloadOptions } from '../../../../sandbox/workload/workload';

/**
 * What the workload tests share: a Workload wired to the CloudWatch Logs and SSM twins, with a Loki
 * sink and a CloudWatch tap that record every line, on a fast simulated clock. The tests drive it
 * with fake timers, so simulated seconds advance exactly and nothing depends on the machine's speed.
 */

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';
export const CLUSTER = 'temporal-dev';
/** Simulated seconds per real second. */
export const SPEED = 20;
/** One line pair per container every 5 simulated seconds (the workload's floor at this speed). */
export const LOG_PERIOD_MS = 5_000;
/** No container of these tasks exits on its own. */
export const NO_AGENT = { exited: () => undefined };

/** The ECS service under test and the names it is known by. */
export interface ServiceUnderTest {
  /** Plan service name: the service_name label and the fault specs' prefix. */
  readonly label: string;
  readonly ecsService: string;
  /** SSM parameter of the rendered Alloy config, read by alloy-init. */
  readonly configParam: string;
  /** The application container's awslogs group. */
  readonly logGroup: string;
}

export const HISTORY: ServiceUnderTest = {
  label: 'history',
  ecsService: 'temporal-dev-temporal-history',
  configParam: '/alloy-rollout/temporal-dev/history/config',
  logGroup: '/ecs/temporal-dev/temporal-history',
};

/** What the history service's Alloy config ships: logs with the usual labels, metrics by task. */
export const HISTORY_SHIPPING: AlloyShipping = {
  shipsLogs: true,
  staticLabels: { service_name: 'history', cluster: 'temporal-dev' },
  mapsContainerName: true,
  mapsTaskId: true,
  mapsLevel: true,
  metrics: { staticLabels: { service_name: 'history' }, taskIdMapped: true },
};

/** The init container that writes the rendered Alloy config from SSM. */
export function alloyInit(configParam: string): ContainerDefinition {
  return {
    name: 'alloy-init',
    image: 'public.ecr.aws/docker/library/busybox:1.36',
    essential: false,
    secrets: [{ name: CONFIG_ENV, valueFrom: configParam }],
  };
}

/** An ACTIVE revision of the family, as the ECS twin would hold it. */
export function definition(
  family: string,
  revision: number,
  containerDefinitions: ContainerDefinition[],
): TaskDefinition {
  return {
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`,
    family,
    revision,
    status: 'ACTIVE',
    containerDefinitions,
    compatibilities: ['EC2'],
    registeredAt: 0,
  };
}

let nextTask = 0;
/** A RUNNING task of the definition in the service, with an id of its own. */
export function runningTask(td: TaskDefinition, serviceName: string): Task {
  nextTask += 1;
  const id = nextTask.toString(16).padStart(32, '0');
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${id}`,
    id,
    clusterName: CLUSTER,
    taskDefinitionArn: td.taskDefinitionArn,
    serviceName,
    containerInstanceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${CLUSTER}/ci`,
    containers: [],
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    createdAt: Date.now(),
    startedAt: Date.now(),
    cpu: 256,
    memory: 512,
  };
}

/** A line that reached Loki. */
export interface LokiLine {
  /** The labels of its stream. */
  readonly labels: Record<string, string>;
  readonly line: string;
  /** When the line was written (its Loki timestamp), simulated ms. */
  readonly timeMs: number;
  /** When it was pushed, simulated ms. */
  readonly arrivedMs: number;
}

/** An event written to CloudWatch Logs. */
export interface CloudWatchEvent {
  readonly group: string;
  readonly message: string;
  readonly timestamp: number;
}

/** What the running test started and must stop, in the order started. */
const started: { stop(): void }[] = [];

/** Stops `it` after the running test (see onFakeTimers), last started first. */
export function stopAfterTest<T extends { stop(): void }>(it: T): T {
  started.push(it);
  return it;
}

/**
 * Runs each test of the enclosing describe on fake timers and, after it, stops every world it
 * made, so that no timer of one test is left for the next.
 */
export function onFakeTimers(): void {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    for (const it of started.splice(0).reverse()) it.stop();
    jest.useRealTimers();
  });
}

export interface WorkloadWorld {
  readonly workload: Workload;
  readonly clock: SimClock;
  readonly ssm: SsmTwin;
  readonly loki: LokiLine[];
  readonly cloudwatch: CloudWatchEvent[];
  /** Advances the simulated clock. */
  advance(simulatedMs: number): void;
  /** Starts the task's containers in the workload. */
  run(td: TaskDefinition): Task;
  /** Stops the workload's timers and the clock (done after each test under onFakeTimers). */
  stop(): void;
}

export interface WorldOptions {
  readonly service: ServiceUnderTest;
  readonly shipping: AlloyShipping;
  readonly faults?: readonly string[];
  readonly speed?: number;
  /** Log groups besides the service's own (helper containers'). */
  readonly moreLogGroups?: readonly string[];
  /** When stack traces come; absent: the workload's defaults. */
  readonly traces?: Pick<WorkloadOptions, 'stackTraceFirst' | 'stackTraceEvery'>;
}

export function workloadWorld(o: WorldOptions): WorkloadWorld {
  const clock = new SimClock({ speed: o.speed ?? SPEED });
  const now = () => clock.now();
  const logs = new CloudWatchLogsTwin(REGION, ACCOUNT, now);
  for (const group of [o.service.logGroup, ...(o.moreLogGroups ?? [])]) logs.createGroup(group);
  const ssm = new SsmTwin(REGION, ACCOUNT, now);
  ssm.put({ name: o.service.configParam, value: 'rendered Alloy config' });
  const loki: LokiLine[] = [];
  const cloudwatch: CloudWatchEvent[] = [];
  const sink: LokiSink = {
    ready: () => true,
    push: (streams) => {
      for (const s of streams)
        for (const [ns, line] of s.values)
          loki.push({ labels: s.stream, line, timeMs: Number(BigInt(ns) / 1_000_000n), arrivedMs: now() });
    },
  };
  const append = logs.append.bind(logs);
  logs.append = (group, stream, events) => {
    cloudwatch.push(...events.map((e) => ({ group, message: e.message, timestamp: e.timestamp })));
    append(group, stream, events);
  };
  const workload = new Workload({
    clock,
    logs,
    ssm,
    secrets: new SecretsManagerTwin(REGION, ACCOUNT, now),
    loki: sink,
    faults: new FaultInjector(parseFaults([...(o.faults ?? [])]), {
      [o.service.label]: o.service.ecsService,
    }),
    describeAlloy: () => o.shipping,
    metricsAddress: () => '127.0.0.1:4566',
    onTargets: () => undefined,
    serviceLabel: () => o.service.label,
    logPeriodMs: LOG_PERIOD_MS,
    ...o.traces,
  });
  return stopAfterTest({
    workload,
    clock,
    ssm,
    loki,
    cloudwatch,
    advance: (ms) => jest.advanceTimersByTime(clock.realMs(ms)),
    run(td) {
      const t = runningTask(td, o.service.ecsService);
      workload.onRunning(t, td, NO_AGENT);
      return t;
    },
    stop() {
      workload.stop();
      clock.stop();
    },
  });
}

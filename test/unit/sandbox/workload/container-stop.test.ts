import { CONFIG_ENV } from '../../../../core/taskdef/names';
import { EcsTwin } from '../../../../sandbox/ecs/api';
import type { Task } from '../../../../sandbox/ecs/model';
import {
  ACCOUNT,
  CLUSTER,
  HISTORY,
  HISTORY_SHIPPING,
  REGION,
  SPEED,
  onFakeTimers,
  stopAfterTest,
  workloadWorld,
  type LokiLine,
  type WorkloadWorld,
} from './harness';

/**
 * Containers stopping inside a simulated task, through the ECS twin's scheduler and the workload,
 * on a fast simulated clock driven by fake timers: simulated seconds advance exactly.
 */

/** Task start-up (20 s) and a scheduler tick: the service's task is RUNNING by then. */
const STARTED_MS = 30_000;

const awslogs = (prefix: string) => ({
  logDriver: 'awslogs',
  options: {
    'awslogs-group': HISTORY.logGroup,
    'awslogs-region': 'eu-west-1',
    'awslogs-stream-prefix': prefix,
  },
});

interface SidecarOptions {
  /** ALLOY_DRAIN_SECONDS; absent: no such variable. */
  readonly drainSeconds?: number;
  readonly stopTimeout?: number;
  /** restartAttemptPeriod of an enabled restart policy; absent: no policy. */
  readonly restartAttemptPeriod?: number;
}

/** A migrated definition with the sidecar as the transform renders it, fields as the test asks. */
function alloyDefinition(o: SidecarOptions): Record<string, unknown> {
  return {
    family: 'temporal-history',
    networkMode: 'host',
    containerDefinitions: [
      {
        name: 'temporal-history',
        image: 'temporalio/server:1.24',
        essential: true,
        memory: 1024,
        logConfiguration: { logDriver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
      },
      {
        name: 'alloy-init',
        image: 'public.ecr.aws/docker/library/busybox:1.37',
        essential: false,
        memory: 32,
        secrets: [{ name: CONFIG_ENV, valueFrom: HISTORY.configParam }],
      },
      {
        name: 'alloy',
        image: 'grafana/alloy:v1.18.1',
        essential: false,
        memory: 256,
        dependsOn: [{ containerName: 'alloy-init', condition: 'SUCCESS' }],
        environment:
          o.drainSeconds === undefined
            ? []
            : [{ name: 'ALLOY_DRAIN_SECONDS', value: String(o.drainSeconds) }],
        ...(o.stopTimeout !== undefined ? { stopTimeout: o.stopTimeout } : {}),
        ...(o.restartAttemptPeriod !== undefined
          ? { restartPolicy: { enabled: true, restartAttemptPeriod: o.restartAttemptPeriod } }
          : {}),
        healthCheck: { command: ['CMD', '/bin/bash', '-c', 'true'], interval: 30, retries: 3 },
        logConfiguration: awslogs('alloy'),
        portMappings: [{ containerPort: 12345, hostPort: 12345, protocol: 'tcp' }],
      },
    ],
  };
}

function adotDefinition(): Record<string, unknown> {
  return {
    family: 'temporal-history',
    networkMode: 'host',
    containerDefinitions: [
      {
        name: 'temporal-history',
        image: 'temporalio/server:1.24',
        essential: true,
        memory: 1024,
        logConfiguration: awslogs('temporal-history'),
      },
      {
        name: 'adot-collector',
        image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
        essential: false,
        memory: 256,
        logConfiguration: awslogs('adot'),
      },
    ],
  };
}

interface World extends WorkloadWorld {
  readonly ecs: EcsTwin;
  /** Creates the service with one task on the definition and advances until it runs. */
  start(definition: Record<string, unknown>): Task;
  /** Scales the service to nothing: its task is stopped by the service scheduler. */
  scaleToZero(): void;
  container(task: Task, name: string): Record<string, unknown>;
}

function world(faultSpecs: string[] = [], speed = SPEED): World {
  const w = workloadWorld({ service: HISTORY, shipping: HISTORY_SHIPPING, faults: faultSpecs, speed });
  const { workload, clock, advance } = w;
  const ecs = stopAfterTest(new EcsTwin({ region: REGION, account: ACCOUNT, clock, hooks: workload }));
  ecs.createCluster(CLUSTER);
  ecs.addContainerInstance(CLUSTER, { cpu: 4096, memory: 16384 });
  return {
    ...w,
    ecs,
    start(definition) {
      const td = ecs.registerTaskDefinition(definition);
      const service = ecs.createService({
        cluster: CLUSTER,
        serviceName: HISTORY.ecsService,
        taskDefinition: td.taskDefinitionArn,
        desiredCount: 1,
      });
      advance(STARTED_MS);
      const [task] = ecs.scheduler.tasksOf(service);
      if (task?.lastStatus !== 'RUNNING') throw new Error('the task did not start');
      return task;
    },
    scaleToZero() {
      ecs.updateService({ cluster: CLUSTER, service: HISTORY.ecsService, desiredCount: 0 });
    },
    container(task, name) {
      const described = ecs.describeTask(task)['containers'] as Record<string, unknown>[];
      const c = described.find((x) => x['name'] === name);
      if (!c) throw new Error(`no container ${name}`);
      return c;
    },
  };
}

const ofTask = (lines: readonly LokiLine[], task: Task) =>
  lines.filter((l) => l.labels['task_id'] === task.id);
const SIGTERM_LINE = /Received terminated signal, shutting down/;
const STOPPED_LINE = /Temporal server stopped/;

describe('a task that stops: last lines and the sidecar drain', () => {
  let w: World | undefined;
  onFakeTimers();

  it('with ALLOY_DRAIN_SECONDS=30 the sidecar ships the last lines: every line written reaches Loki', () => {
    w = world();
    const task = w.start(alloyDefinition({ drainSeconds: 30, stopTimeout: 40, restartAttemptPeriod: 60 }));
    w.advance(30_000);
    w.scaleToZero();
    w.advance(60_000);

    const lines = ofTask(w.loki, task).map((l) => l.line);
    expect(lines.filter((l) => SIGTERM_LINE.test(l))).toHaveLength(1);
    expect(lines.filter((l) => STOPPED_LINE.test(l))).toHaveLength(1);
    expect(w.workload.linesOf(task.id)).toMatchObject({ shipped: lines.length, written: lines.length });
    // DEACTIVATING 5 s, then SIGTERM; the task is STOPPED once the sidecar ended its drain.
    expect(task.lastStatus).toBe('STOPPED');
    expect((task.stoppedAt ?? 0) - (task.stoppingAt ?? 0)).toBe(35_000);
    expect(w.container(task, 'alloy')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
    expect(w.container(task, 'temporal-history')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
  });

  it('without ALLOY_DRAIN_SECONDS the sidecar stops at SIGTERM: the last lines stay in json-file, never in Loki', () => {
    w = world();
    const task = w.start(alloyDefinition({}));
    w.advance(30_000);
    w.scaleToZero();
    w.advance(60_000);

    const lines = ofTask(w.loki, task).map((l) => l.line);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => SIGTERM_LINE.test(l) || STOPPED_LINE.test(l))).toBe(false);
    const ledger = w.workload.linesOf(task.id);
    // The two last lines of the one application container were written after Alloy stopped.
    expect((ledger?.written ?? 0) - (ledger?.shipped ?? 0)).toBe(2);
    expect((task.stoppedAt ?? 0) - (task.stoppingAt ?? 0)).toBe(10_000);
  });

  it('a drain longer than the stop timeout: ECS kills the sidecar at stopTimeout (137), after the last lines went out', () => {
    w = world();
    const task = w.start(alloyDefinition({ drainSeconds: 60, stopTimeout: 20 }));
    w.scaleToZero();
    w.advance(60_000);

    expect(ofTask(w.loki, task).filter((l) => STOPPED_LINE.test(l.line))).toHaveLength(1);
    expect(w.container(task, 'alloy')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 137 });
    expect((task.stoppedAt ?? 0) - (task.stoppingAt ?? 0)).toBe(25_000);
  });

  it('an awslogs container ships its last lines to CloudWatch through the stop', () => {
    w = world();
    w.start(adotDefinition());
    w.scaleToZero();
    w.advance(30_000);
    const messages = w.cloudwatch.map((e) => e.message);
    expect(messages.filter((m) => SIGTERM_LINE.test(m))).toHaveLength(1);
    expect(messages.filter((m) => STOPPED_LINE.test(m))).toHaveLength(1);
  });

  it.each([
    ['with a drain, its stack trace reaches Loki', 30, true],
    ['without a drain, the sidecar stops before reading its stack trace', undefined, false],
  ])('an essential container that crashes stops the task at once; %s', (_what, drainSeconds, shipped) => {
    w = world();
    const task = w.start(
      alloyDefinition(drainSeconds === undefined ? {} : { drainSeconds, stopTimeout: 40 }),
    );
    const crashedAt = w.clock.now();
    expect(w.workload.crashContainer(task.id, 'temporal-history')).toBe(true);
    w.advance(60_000);

    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
    expect(task.stoppingAt).toBe(crashedAt);
    expect(w.container(task, 'temporal-history')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 2 });
    const panic = ofTask(w.loki, task).filter((l) => l.line.startsWith('panic: ') || l.line.startsWith('\t'));
    expect(panic.length).toBe(shipped ? 3 : 0);
    // A stack trace is not JSON: it gets no level label.
    expect(panic.every((l) => l.labels['level'] === undefined)).toBe(true);
  });
});

describe('alloy-crash: the sidecar exits once while its task runs', () => {
  let w: World | undefined;
  onFakeTimers();

  it('with a restart policy ECS restarts it, the task goes on, and the lines written meanwhile arrive with their own times', () => {
    w = world(['history:alloy-crash']);
    const task = w.start(alloyDefinition({ drainSeconds: 30, stopTimeout: 40, restartAttemptPeriod: 60 }));
    // The task ran from 20 s after the service was created; the crash comes 60 s + 15 s later.
    w.advance(20_000 + 75_000 - STARTED_MS + 1_000);
    expect(w.container(task, 'alloy')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 1 });
    expect(w.container(task, 'temporal-history')).toMatchObject({ lastStatus: 'RUNNING' });
    const shippedWhileDown = ofTask(w.loki, task).length;
    w.advance(5_000);
    expect(ofTask(w.loki, task)).toHaveLength(shippedWhileDown);

    w.advance(10_000);
    const alloy = w.container(task, 'alloy');
    expect(alloy).toMatchObject({ lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
    expect(alloy).not.toHaveProperty('exitCode');
    expect(alloy).not.toHaveProperty('restartCount');
    expect(task.lastStatus).toBe('RUNNING');
    // Read from the stored positions: lines written while it was down, shipped late, times unchanged.
    const late = ofTask(w.loki, task).filter((l) => l.arrivedMs - l.timeMs >= 5_000);
    expect(late.length).toBeGreaterThanOrEqual(2);

    w.advance(60_000);
    w.scaleToZero();
    w.advance(60_000);
    const ledger = w.workload.linesOf(task.id);
    expect(ledger).toMatchObject({ sidecarExits: 1, sidecarRestarts: 1 });
    expect(ledger?.shipped).toBe(ledger?.written);
    expect(ofTask(w.loki, task)).toHaveLength(ledger?.written ?? -1);
    // Each line once, none twice.
    expect(new Set(ofTask(w.loki, task).map((l) => `${l.timeMs} ${l.line}`)).size).toBe(ledger?.written);
  });

  it('without a restart policy it stays down: the task runs on and goes silent in Loki', () => {
    w = world(['history:alloy-crash']);
    const task = w.start(alloyDefinition({ drainSeconds: 30, stopTimeout: 40 }));
    w.advance(80_000);
    const shipped = ofTask(w.loki, task).length;
    w.advance(120_000);
    expect(ofTask(w.loki, task)).toHaveLength(shipped);
    expect(task.lastStatus).toBe('RUNNING');
    expect(w.container(task, 'alloy')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 1 });
    expect(w.container(task, 'temporal-history')).toMatchObject({ lastStatus: 'RUNNING' });
    const ledger = w.workload.linesOf(task.id);
    expect(ledger).toMatchObject({ sidecarExits: 1, sidecarRestarts: 0 });
    expect(ledger?.written ?? 0).toBeGreaterThan(ledger?.shipped ?? 0);
  });

  it('alloy-crash-after sooner than restartAttemptPeriod: ECS does not restart it (it ran too briefly)', () => {
    w = world(['history:alloy-crash-after=30s']);
    const task = w.start(alloyDefinition({ restartAttemptPeriod: 60 }));
    w.advance(30_000);
    const shipped = ofTask(w.loki, task).length;
    w.advance(120_000);
    expect(ofTask(w.loki, task)).toHaveLength(shipped);
    expect(w.container(task, 'alloy')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 1 });
    expect(w.workload.linesOf(task.id)).toMatchObject({ sidecarExits: 1, sidecarRestarts: 0 });
  });

  it('crashes each task once and leaves ADOT tasks alone', () => {
    w = world(['history:alloy-crash']);
    const task = w.start(adotDefinition());
    w.advance(200_000);
    expect(task.lastStatus).toBe('RUNNING');
    expect(w.workload.linesOf(task.id)).toMatchObject({ sidecarExits: 0 });
  });
});

describe('line density at any clock speed', () => {
  let w: World | undefined;
  onFakeTimers();

  it('at x60 (an emission timer every 15 simulated seconds) a container still writes a pair every 5 s, stamped when due', () => {
    w = world([], 60);
    const task = w.start(alloyDefinition({ drainSeconds: 30, stopTimeout: 40, restartAttemptPeriod: 60 }));
    w.advance(120_000);
    // Each pair is stamped `at` and `at + 1`: the pair's time is its first line's.
    const times = new Set(ofTask(w.loki, task).map((l) => l.timeMs));
    const stamps = [...times].filter((t) => !times.has(t - 1)).sort((a, b) => a - b);
    expect(stamps.length).toBeGreaterThanOrEqual(24);
    const gaps = new Set(stamps.slice(1).map((t, i) => t - (stamps[i] ?? 0)));
    expect(gaps).toEqual(new Set([5_000]));
    expect(w.workload.linesOf(task.id)?.written).toBe(w.workload.linesOf(task.id)?.shipped);
  });
});

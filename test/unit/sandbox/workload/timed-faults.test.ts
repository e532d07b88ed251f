import { CONFIG_ENV } from '../../../../core/taskdef/names';
import { CloudWatchLogsTwin } from '../../../../sandbox/aws/cloudwatch-logs';
import { SecretsManagerTwin } from '../../../../sandbox/aws/secrets-manager';
import { SsmTwin } from '../../../../sandbox/aws/ssm';
import { SimClock } from '../../../../sandbox/clock';
import type { Task, TaskDefinition } from '../../../../sandbox/ecs/model';
import { FaultInjector, parseFaults } from '../../../../sandbox/faults';
import type { AlloyShipping } from '../../../../sandbox/workload/alloy-summary';
import { ScrapeFailedError, Workload, type LokiSink } from '../../../../sandbox/workload/workload';

/**
 * Faults that set in while a migrated task runs, on a fast simulated clock driven by fake timers:
 * simulated seconds are advanced exactly, nothing depends on how fast the machine is.
 */

const SERVICE = 'temporal-dev-temporal-history';
const CONFIG_PARAM = '/alloy-rollout/temporal-dev/history/config';
const LOG_GROUP = '/ecs/temporal-dev/temporal-history';
const SPEED = 20;
/** No container of these tasks exits on its own. */
const NO_AGENT = { exited: () => undefined };
/** One line pair per container every 5 simulated seconds (the workload's floor at this speed). */
const LOG_PERIOD_MS = 5_000;

const SHIPPING: AlloyShipping = {
  shipsLogs: true,
  staticLabels: { service_name: 'history', cluster: 'temporal-dev' },
  mapsContainerName: true,
  mapsTaskId: true,
  mapsLevel: true,
  metrics: { staticLabels: { service_name: 'history' }, taskIdMapped: true },
};

function taskDefinition(collector: 'alloy' | 'adot'): TaskDefinition {
  const app =
    collector === 'alloy'
      ? {
          name: 'temporal-history',
          image: 'temporalio/server:1.24',
          logConfiguration: { logDriver: 'json-file' },
        }
      : {
          name: 'temporal-history',
          image: 'temporalio/server:1.24',
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': LOG_GROUP, 'awslogs-stream-prefix': 'temporal-history' },
          },
        };
  const collectors =
    collector === 'alloy'
      ? [
          { name: 'alloy', image: 'grafana/alloy:v1.8.0', essential: false },
          {
            name: 'alloy-init',
            image: 'public.ecr.aws/docker/library/busybox:1.36',
            essential: false,
            secrets: [{ name: CONFIG_ENV, valueFrom: CONFIG_PARAM }],
          },
        ]
      : [{ name: 'adot-collector', image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0' }];
  return {
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:000000000000:task-definition/temporal-history:${collector === 'alloy' ? 2 : 1}`,
    family: 'temporal-history',
    revision: collector === 'alloy' ? 2 : 1,
    status: 'ACTIVE',
    containerDefinitions: [app, ...collectors],
    compatibilities: ['EC2'],
    registeredAt: 0,
  };
}

let nextTask = 0;
function task(td: TaskDefinition): Task {
  nextTask += 1;
  const id = nextTask.toString(16).padStart(32, '0');
  return {
    taskArn: `arn:aws:ecs:eu-west-1:000000000000:task/temporal-dev/${id}`,
    id,
    clusterName: 'temporal-dev',
    taskDefinitionArn: td.taskDefinitionArn,
    serviceName: SERVICE,
    containerInstanceArn: 'arn:aws:ecs:eu-west-1:000000000000:container-instance/temporal-dev/ci',
    containers: [],
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    createdAt: Date.now(),
    startedAt: Date.now(),
    cpu: 256,
    memory: 512,
  };
}

interface World {
  readonly workload: Workload;
  readonly clock: SimClock;
  /** Lines that reached Loki, with the labels of their stream. */
  readonly loki: { labels: Record<string, string>; line: string }[];
  /** Lines written to CloudWatch Logs. */
  readonly cloudwatch: string[];
  /** Advances the simulated clock. */
  advance(simulatedMs: number): void;
}

function world(faultSpecs: string[]): World {
  const clock = new SimClock({ speed: SPEED });
  const now = () => clock.now();
  const logs = new CloudWatchLogsTwin('eu-west-1', '000000000000', now);
  logs.createGroup(LOG_GROUP);
  const ssm = new SsmTwin('eu-west-1', '000000000000', now);
  ssm.put({ name: CONFIG_PARAM, value: 'rendered Alloy config' });
  const loki: World['loki'] = [];
  const cloudwatch: string[] = [];
  const sink: LokiSink = {
    ready: () => true,
    push: (streams) => {
      for (const s of streams) for (const [, line] of s.values) loki.push({ labels: s.stream, line });
    },
  };
  const append = logs.append.bind(logs);
  logs.append = (group, stream, events) => {
    cloudwatch.push(...events.map((e) => e.message));
    append(group, stream, events);
  };
  const workload = new Workload({
    clock,
    logs,
    ssm,
    secrets: new SecretsManagerTwin('eu-west-1', '000000000000', now),
    loki: sink,
    faults: new FaultInjector(parseFaults(faultSpecs), { history: SERVICE }),
    describeAlloy: () => SHIPPING,
    metricsAddress: () => '127.0.0.1:4566',
    onTargets: () => undefined,
    serviceLabel: () => 'history',
    logPeriodMs: LOG_PERIOD_MS,
    // Lines are counted one by one here; stack traces are covered by the continuity tests.
    stackTraceEvery: 0,
  });
  return {
    workload,
    clock,
    loki,
    cloudwatch,
    advance: (ms) => jest.advanceTimersByTime(clock.realMs(ms)),
  };
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` and returns what was appended to `list` meanwhile. */
function during<T>(list: T[], fn: () => void): T[] {
  const from = list.length;
  fn();
  return list.slice(from);
}

describe('faults that set in during the soak', () => {
  let w: World | undefined;

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    w?.workload.stop();
    w?.clock.stop();
    w = undefined;
    jest.useRealTimers();
  });

  it('broken-json-after=60s: JSON lines until 60 s after the task started, then lines that are not JSON', () => {
    w = world(['history:broken-json-after=60s']);
    const t = task(taskDefinition('alloy'));
    const { advance } = w;
    const before = during(w.loki, () => {
      w?.workload.onRunning(t, taskDefinition('alloy'), NO_AGENT);
      advance(55_000);
    });
    // The first emission and one every 5 s up to 55 s: twelve pairs, all JSON, with a level label.
    expect(before).toHaveLength(24);
    expect(before.every((l) => isJson(l.line) && l.labels['level'] !== undefined)).toBe(true);

    advance(10_000);
    const after = during(w.loki, () => advance(30_000));
    expect(after.length).toBeGreaterThan(0);
    // Still shipped under the task's own stream, but no line parses (and so gets no level label).
    expect(after.every((l) => !isJson(l.line) && l.labels['task_id'] === t.id)).toBe(true);
    expect(after.some((l) => l.labels['level'] !== undefined)).toBe(false);
  });

  it('no-logs-after=60s: lines reach Loki until 60 s after the task started, then none', () => {
    w = world(['history:no-logs-after=60s']);
    const t = task(taskDefinition('alloy'));
    const { advance } = w;
    const before = during(w.loki, () => {
      w?.workload.onRunning(t, taskDefinition('alloy'), NO_AGENT);
      advance(55_000);
    });
    expect(before).toHaveLength(24);
    expect(before.every((l) => isJson(l.line))).toBe(true);

    advance(10_000);
    expect(during(w.loki, () => advance(120_000))).toEqual([]);
  });

  it("measures the onset from each task's own start: a task started later ships on until its own onset", () => {
    w = world(['history:no-logs-after=60s']);
    const first = task(taskDefinition('alloy'));
    const second = task(taskDefinition('alloy'));
    w.workload.onRunning(first, taskDefinition('alloy'), NO_AGENT);
    w.advance(40_000);
    w.workload.onRunning(second, taskDefinition('alloy'), NO_AGENT);
    // 65 s after the first started, 25 s after the second: only the second still ships.
    w.advance(25_000);
    const shipped = during(w.loki, () => w?.advance(30_000));
    expect(new Set(shipped.map((l) => l.labels['task_id']))).toEqual(new Set([second.id]));
  });

  it.each([['history:broken-json-after=60s'], ['history:no-logs-after=60s']])(
    '%s leaves the ADOT tasks alone (after a rollback their lines reach CloudWatch as JSON)',
    (spec) => {
      w = world([spec]);
      const { advance } = w;
      const lines = during(w.cloudwatch, () => {
        w?.workload.onRunning(task(taskDefinition('adot')), taskDefinition('adot'), NO_AGENT);
        advance(180_000);
      });
      // One pair at start and one every 5 s for three minutes.
      expect(lines).toHaveLength(74);
      expect(lines.every(isJson)).toBe(true);
    },
  );

  it('flapping-metrics: scrapes of a migrated task are answered for 30 s, then fail for 30 s, repeating', () => {
    w = world(['history:flapping-metrics']);
    const t = task(taskDefinition('alloy'));
    w.workload.onRunning(t, taskDefinition('alloy'), NO_AGENT);
    const scrapeAt = (): 'up' | 'failed' => {
      try {
        return w?.workload.metrics(t.id)?.includes('service_requests') ? 'up' : 'failed';
      } catch (error) {
        expect(error).toBeInstanceOf(ScrapeFailedError);
        return 'failed';
      }
    };
    // A scrape every 10 simulated seconds, as Prometheus at a 10 s interval.
    const seen: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      seen.push(scrapeAt());
      w.advance(10_000);
    }
    expect(seen).toEqual([
      'up',
      'up',
      'up',
      'failed',
      'failed',
      'failed',
      'up',
      'up',
      'up',
      'failed',
      'failed',
      'failed',
    ]);
    // The target stays listed: Prometheus keeps scraping it and records the failures as up=0.
    expect(w.workload.targets().map((target) => target.metricsPath)).toEqual([`/_tasks/${t.id}/metrics`]);
  });

  it('flapping-metrics: a phase lasts until a scrape saw it, so a scrape interval longer than a phase still sees both', () => {
    w = world(['history:flapping-metrics']);
    const t = task(taskDefinition('alloy'));
    w.workload.onRunning(t, taskDefinition('alloy'), NO_AGENT);
    const seen: string[] = [];
    // A scrape every 60 simulated seconds (1 s of wall clock at a clock speed of 60).
    for (let i = 0; i < 6; i += 1) {
      w.advance(60_000);
      try {
        w.workload.metrics(t.id);
        seen.push('up');
      } catch {
        seen.push('failed');
      }
    }
    expect(seen).toEqual(['up', 'failed', 'up', 'failed', 'up', 'failed']);
  });

  it('flapping-metrics leaves the ADOT tasks alone', () => {
    w = world(['history:flapping-metrics']);
    const t = task(taskDefinition('adot'));
    w.workload.onRunning(t, taskDefinition('adot'), NO_AGENT);
    for (let i = 0; i < 10; i += 1) {
      expect(w.workload.metrics(t.id)).toContain('service_requests');
      w.advance(10_000);
    }
  });

  it('a stopped task leaves no timers behind', () => {
    w = world(['history:broken-json-after=60s', 'history:no-logs-after=2m', 'history:flapping-metrics']);
    const t = task(taskDefinition('alloy'));
    w.workload.onRunning(t, taskDefinition('alloy'), NO_AGENT);
    expect(jest.getTimerCount()).toBe(4);
    w.workload.onStopped(t);
    expect(jest.getTimerCount()).toBe(0);
  });
});

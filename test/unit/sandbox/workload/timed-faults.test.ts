import type { TaskDefinition } from '../../../../sandbox/ecs/model';
import { ScrapeFailedError } from '../../../../sandbox/workload/workload';
import {
  HISTORY,
  HISTORY_SHIPPING,
  NO_AGENT,
  alloyInit,
  definition,
  onFakeTimers,
  runningTask,
  workloadWorld,
  type WorkloadWorld,
} from './harness';

/**
 * Faults that set in while a migrated task runs, on a fast simulated clock driven by fake timers:
 * simulated seconds are advanced exactly, nothing depends on how fast the machine is.
 */

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
            options: { 'awslogs-group': HISTORY.logGroup, 'awslogs-stream-prefix': 'temporal-history' },
          },
        };
  const collectors =
    collector === 'alloy'
      ? [{ name: 'alloy', image: 'grafana/alloy:v1.8.0', essential: false }, alloyInit(HISTORY.configParam)]
      : [{ name: 'adot-collector', image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0' }];
  return definition('temporal-history', collector === 'alloy' ? 2 : 1, [app, ...collectors]);
}

const task = (td: TaskDefinition) => runningTask(td, HISTORY.ecsService);

function world(faultSpecs: string[]): WorkloadWorld {
  return workloadWorld({
    service: HISTORY,
    shipping: HISTORY_SHIPPING,
    faults: faultSpecs,
    // Lines are counted one by one here; stack traces are covered by the continuity tests.
    traces: { stackTraceEvery: 0 },
  });
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
  let w: WorkloadWorld | undefined;
  onFakeTimers();

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
      }).map((e) => e.message);
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

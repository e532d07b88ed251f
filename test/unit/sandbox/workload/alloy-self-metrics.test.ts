import type { TaskDefinition } from '../../../../sandbox/ecs/model';
import { readAlloyShipping, type AlloyShipping } from '../../../../sandbox/workload/alloy-summary';
import { renderServiceAlloyConfig } from '../../../../core/alloy';
import { basePlan, serviceOf } from '../../core/alloy/plans';
import { parseExposition } from '../../../../sandbox/prometheus/exposition';
import { HISTORY, HISTORY_SHIPPING, alloyInit, definition, onFakeTimers, workloadWorld } from './harness';

/**
 * The simulated Alloy's own metrics (prometheus.exporter.self): a target of their own, as job
 * integrations/self with the task's labels, while the process runs; counters that follow what the
 * sidecar does (entries sent and dropped, samples sent and refused); the process start time that a
 * restart moves.
 */

const SHIPPING: AlloyShipping = {
  ...HISTORY_SHIPPING,
  metrics: { ...HISTORY_SHIPPING.metrics!, jobName: 'history', scrapeIntervalMs: 15_000 },
  selfMetrics: {
    jobName: 'integrations/self',
    components: 11,
    lokiHost: 'loki:3100',
    tenant: '',
    remoteWriteUrl: 'http://amp/api/v1/remote_write',
  },
};

function alloyTask(): TaskDefinition {
  return definition('temporal-history', 2, [
    {
      name: 'temporal-history',
      image: 'temporalio/server:1.24',
      logConfiguration: { logDriver: 'json-file' },
    },
    { name: 'alloy', image: 'grafana/alloy:v1.18.1', essential: false },
    alloyInit(HISTORY.configParam),
  ]);
}

/** One value of the exposition: `name{k="v"}` summed over its series matching `labels`. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  return parseExposition(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + Number(s.value), 0);
}

const world = (faults: string[] = []) =>
  workloadWorld({ service: HISTORY, shipping: SHIPPING, faults, traces: { stackTraceEvery: 0 } });

describe("the simulated Alloy's own metrics", () => {
  onFakeTimers();

  it('are a target of their own, job integrations/self with service_name and task_id, every scrape interval', () => {
    const w = world();
    const t = w.run(alloyTask());
    const self = w.workload.targets().find((x) => x.metricsPath === `/_tasks/${t.id}/alloy-metrics`);
    expect(self).toMatchObject({
      labels: { job: 'integrations/self', service_name: 'history', task_id: t.id },
      scrapeIntervalMs: 15_000,
    });
  });

  it('count the entries sent, the samples written, healthy components and the start of the process', () => {
    const w = world();
    const t = w.run(alloyTask());
    const startedAt = w.clock.now();
    w.advance(60_000);
    w.workload.metrics(t.id);
    const text = w.workload.alloyMetrics(t.id) ?? '';
    expect(value(text, 'loki_write_sent_entries_total')).toBe(w.loki.length);
    expect(w.loki.length).toBeGreaterThan(0);
    expect(value(text, 'loki_write_dropped_entries_total')).toBe(0);
    expect(value(text, 'prometheus_remote_storage_samples_total')).toBeGreaterThan(0);
    expect(value(text, 'prometheus_remote_storage_samples_failed_total')).toBe(0);
    expect(value(text, 'alloy_component_controller_running_components', { health_type: 'healthy' })).toBe(11);
    expect(value(text, 'process_start_time_seconds')).toBeCloseTo(startedAt / 1000, 1);
  });

  it('alloy-dropping: every 10th entry is dropped, counted under rate_limited, and never reaches Loki', () => {
    const w = world(['history:alloy-dropping']);
    const t = w.run(alloyTask());
    w.advance(120_000);
    const text = w.workload.alloyMetrics(t.id) ?? '';
    const dropped = value(text, 'loki_write_dropped_entries_total', { reason: 'rate_limited' });
    const sent = value(text, 'loki_write_sent_entries_total');
    expect(dropped).toBeGreaterThan(0);
    expect(sent).toBe(w.loki.length);
    expect(Math.floor((sent + dropped) / 10)).toBe(dropped);
    expect(w.workload.linesOf(t.id)).toMatchObject({ shipped: sent });
  });

  it('remote-write-rejected: a quarter of the samples of each scrape fail, the rest are sent', () => {
    const w = world(['history:remote-write-rejected']);
    const t = w.run(alloyTask());
    const samples = parseExposition(w.workload.metrics(t.id) ?? '').length;
    const text = w.workload.alloyMetrics(t.id) ?? '';
    expect(value(text, 'prometheus_remote_storage_samples_failed_total')).toBe(Math.ceil(samples / 4));
    expect(value(text, 'prometheus_remote_storage_samples_total')).toBe(samples - Math.ceil(samples / 4));
  });

  it('are not scraped while the sidecar is down; a restart is a new process: counters from 0, a later start', () => {
    const w = world();
    const t = w.run(alloyTask());
    w.advance(30_000);
    const before = w.workload.alloyMetrics(t.id) ?? '';
    w.workload.onContainerStopped(t, 'alloy', 1);
    expect(w.workload.alloyMetrics(t.id)).toBeUndefined();
    expect(w.workload.targets().map((x) => x.metricsPath)).toEqual([`/_tasks/${t.id}/metrics`]);
    w.advance(10_000);
    w.workload.onContainerRestarted(t, 'alloy');
    const after = w.workload.alloyMetrics(t.id) ?? '';
    expect(
      value(after, 'process_start_time_seconds') - value(before, 'process_start_time_seconds'),
    ).toBeCloseTo(40, 0);
    expect(value(after, 'loki_write_sent_entries_total')).toBeLessThan(
      value(before, 'loki_write_sent_entries_total') + 1,
    );
    expect(w.workload.targets()).toHaveLength(2);
  });

  it('ADOT tasks and configs that do not export them have no such target', () => {
    const w = workloadWorld({ service: HISTORY, shipping: HISTORY_SHIPPING });
    const t = w.run(alloyTask());
    expect(w.workload.alloyMetrics(t.id)).toBeUndefined();
    expect(w.workload.targets().map((x) => x.metricsPath)).toEqual([`/_tasks/${t.id}/metrics`]);
  });
});

describe("the sandbox's reading of a rendered config", () => {
  it('knows that it exports Alloy’s own metrics, as which job, and where it writes', () => {
    const plan = basePlan();
    const { config } = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), {
      mainContainers: ['temporal-history'],
      networkMode: 'awsvpc',
    });
    expect(readAlloyShipping(config).selfMetrics).toEqual({
      jobName: 'integrations/self',
      components: 11,
      lokiHost: 'loki:3100',
      tenant: '',
      remoteWriteUrl:
        'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789/api/v1/remote_write',
    });
  });
});

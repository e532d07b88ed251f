import { renderAdotConfig } from '../../../../sandbox/adot-config';
import type { ContainerDefinition, TaskDefinition } from '../../../../sandbox/ecs/model';
import type { AlloyShipping } from '../../../../sandbox/workload/alloy-summary';
import {
  alloyInit,
  definition,
  onFakeTimers,
  workloadWorld,
  type ServiceUnderTest,
  type WorkloadWorld,
} from './harness';

/**
 * What continuity checks measure, as the simulated tasks produce it: the job, instance and interval
 * of their series, multi-line stack traces under awslogs and Alloy, the fallback level, a helper
 * container's lines, and the metric-renamed and app-logs-missing faults. Fake timers drive a fast
 * simulated clock, so simulated seconds advance exactly.
 */

const FRONTEND: ServiceUnderTest = {
  label: 'frontend',
  ecsService: 'temporal-dev-temporal-frontend',
  configParam: '/alloy-rollout/temporal-dev/frontend/config',
  logGroup: '/ecs/temporal-dev/temporal-frontend',
};
const ADOT_PARAM = '/temporal-dev/adot/sidecar/frontend';
const APP_GROUP = FRONTEND.logGroup;
/** The stack trace comes with the fourth line pair, 15 s after the task started. */
const PAST_FIRST_TRACE_MS = 20_000;

const SHIPPING: AlloyShipping = {
  shipsLogs: true,
  staticLabels: { service_name: 'frontend', cluster: 'temporal-dev' },
  mapsContainerName: true,
  mapsTaskId: true,
  mapsLevel: true,
  levelFallback: 'unknown',
  multiline: [{ containers: ['temporal-frontend'], firstline: /^\{/ }],
  metrics: {
    staticLabels: { service_name: 'frontend' },
    taskIdMapped: true,
    jobName: 'temporal',
    instance: 'localhost:9090',
    scrapeIntervalMs: 15_000,
  },
};

const awslogs = (group: string, extra: Record<string, string> = {}) => ({
  logDriver: 'awslogs',
  options: { 'awslogs-group': group, 'awslogs-stream-prefix': 'p', ...extra },
});
const jsonFile = { logDriver: 'json-file' };

function taskDefinition(
  collector: 'alloy' | 'adot',
  awslogsOptions: Record<string, string> = {},
): TaskDefinition {
  const alloy = collector === 'alloy';
  const containers: ContainerDefinition[] = [
    {
      name: 'temporal-frontend',
      image: 'temporalio/server:1.24',
      essential: true,
      logConfiguration: alloy ? jsonFile : awslogs(APP_GROUP, awslogsOptions),
    },
    {
      name: 'envoy',
      image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.0-prod',
      essential: false,
      logConfiguration: alloy ? jsonFile : awslogs('/ecs/temporal-dev/envoy'),
    },
    ...(alloy
      ? [{ name: 'alloy', image: 'grafana/alloy:v1.18.1', essential: false }, alloyInit(FRONTEND.configParam)]
      : [
          {
            name: 'adot-collector',
            image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
            essential: false,
            command: ['--config', 'env:ADOT_CONFIG'],
            secrets: [
              { name: 'ADOT_CONFIG', valueFrom: `arn:aws:ssm:eu-west-1:000000000000:parameter${ADOT_PARAM}` },
            ],
          },
        ]),
  ];
  return definition('frontend', alloy ? 2 : 1, containers);
}

function world(
  faultSpecs: string[] = [],
  shipping: AlloyShipping = SHIPPING,
  traces: 'early' | 'default' = 'early',
): WorkloadWorld {
  const w = workloadWorld({
    service: FRONTEND,
    shipping,
    faults: faultSpecs,
    moreLogGroups: ['/ecs/temporal-dev/envoy'],
    // A stack trace with the fourth line pair, then every 40 (the default waits ten minutes).
    ...(traces === 'early' ? { traces: { stackTraceFirst: 4, stackTraceEvery: 40 } } : {}),
  });
  w.ssm.put({
    name: ADOT_PARAM,
    value: renderAdotConfig({ region: 'eu-west-1', ampWorkspaceId: 'ws-1', metricsPort: 9091 }),
  });
  return w;
}

describe('what continuity checks measure in the sandbox', () => {
  let w: WorkloadWorld | undefined;
  onFakeTimers();

  it("an ADOT task's series carry its collector config's job and target, scraped at its interval", () => {
    w = world();
    w.run(taskDefinition('adot'));
    const [target] = w.workload.targets();
    expect(target?.labels).toMatchObject({
      job: 'temporal',
      instance: 'localhost:9091',
      service_name: 'frontend',
    });
    expect(target?.scrapeIntervalMs).toBe(15_000);
  });

  it('an ADOT task whose config the sandbox cannot read keeps the default job and interval', () => {
    w = world();
    w.ssm.put({ name: ADOT_PARAM, value: '# not a collector config\n', overwrite: true });
    w.run(taskDefinition('adot'));
    const [target] = w.workload.targets();
    expect(target?.labels['job']).toBeUndefined();
    expect(target?.labels['instance']).toBeUndefined();
    expect(target?.scrapeIntervalMs).toBeUndefined();
  });

  it("an Alloy task's series carry what its config says, at Alloy's 60 s when it sets no interval", () => {
    w = world();
    w.run(taskDefinition('alloy'));
    expect(w.workload.targets()[0]).toMatchObject({
      labels: { job: 'temporal', instance: 'localhost:9090', task_id: expect.any(String) },
      scrapeIntervalMs: 15_000,
    });
    w.stop();
    const metrics = { staticLabels: {}, taskIdMapped: true };
    w = world([], { ...SHIPPING, metrics });
    w.run(taskDefinition('alloy'));
    const [target] = w.workload.targets();
    expect(target?.scrapeIntervalMs).toBe(60_000);
    expect(target?.labels['job']).toBeUndefined();
  });

  it('awslogs with a multiline pattern sends a stack trace as one event; without, one event per line', () => {
    w = world();
    w.run(taskDefinition('adot', { 'awslogs-multiline-pattern': '^\\{' }));
    w.advance(PAST_FIRST_TRACE_MS);
    const app = w.cloudwatch.filter((e) => e.group === APP_GROUP);
    const traces = app.filter((e) => e.message.includes('goroutine'));
    expect(traces).toHaveLength(1);
    const lines = traces[0]?.message.split('\n') ?? [];
    // Docker ends every line of a multi-line event with "\n".
    expect(lines).toHaveLength(8);
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'error' });
    expect(lines[1]).toMatch(/^goroutine \d+ \[running\]:$/);
    expect(
      app.filter((e) => !e.message.includes('goroutine')).every((e) => JSON.parse(e.message)),
    ).toBeTruthy();

    w.stop();
    w = world();
    w.run(taskDefinition('adot'));
    w.advance(PAST_FIRST_TRACE_MS);
    const plain = w.cloudwatch.filter((e) => e.group === APP_GROUP);
    expect(plain.filter((e) => /^goroutine \d+ \[running\]:$/.test(e.message))).toHaveLength(1);
    expect(plain.filter((e) => e.message.includes('\n'))).toHaveLength(0);
  });

  it("awslogs-datetime-format starts an event at Docker's expression for the format", () => {
    w = world();
    // Zap's ISO timestamps sit inside the JSON; the format matches them anywhere, as Docker does.
    w.run(taskDefinition('adot', { 'awslogs-datetime-format': '%Y-%m-%dT%H:%M:%S' }));
    w.advance(PAST_FIRST_TRACE_MS);
    const traces = w.cloudwatch.filter((e) => e.group === APP_GROUP && e.message.includes('goroutine'));
    expect(traces).toHaveLength(1);
    expect(traces[0]?.message.split('\n')).toHaveLength(8);
  });

  it('by default a task logs its first stack trace ten minutes after it started, then every 30 minutes', () => {
    w = world([], SHIPPING, 'default');
    w.run(taskDefinition('alloy'));
    const traces = () => w?.loki.filter((l) => l.line.includes('goroutine')).length;
    w.advance(590_000);
    expect(traces()).toBe(0);
    w.advance(10_000);
    expect(traces()).toBe(1);
    w.advance(30 * 60_000 - 10_000);
    expect(traces()).toBe(1);
    w.advance(10_000);
    expect(traces()).toBe(2);
  });

  it("Alloy joins a trace as its stage.multiline says and gives it the config's fallback level", () => {
    w = world();
    const t = w.run(taskDefinition('alloy'));
    w.advance(PAST_FIRST_TRACE_MS);
    const app = w.loki.filter((l) => l.labels['container_name'] === 'temporal-frontend');
    const traces = app.filter((l) => l.line.includes('goroutine'));
    expect(traces).toHaveLength(1);
    expect(traces[0]?.line.split('\n')).toHaveLength(7);
    expect(traces[0]?.line.endsWith('\n')).toBe(false);
    expect(traces[0]?.labels['level']).toBe('unknown');
    // Every entry has a level: its own when JSON, the fallback otherwise.
    expect(w.loki.every((l) => l.labels['level'] !== undefined)).toBe(true);
    // A joined block counts once: nothing is lost.
    const lines = w.workload.linesOf(t.id);
    expect(lines?.shipped).toBe(lines?.written);
    expect(lines?.shipped).toBe(w.loki.length);
  });

  it('without a multiline stage each frame is its own entry; without a fallback it has no level', () => {
    w = world([], { ...SHIPPING, multiline: [] });
    w.run(taskDefinition('alloy'));
    w.advance(PAST_FIRST_TRACE_MS);
    const frame = w.loki.find((l) => /^goroutine \d+ \[running\]:$/.test(l.line));
    expect(frame?.labels['level']).toBe('unknown');
    w.stop();
    const { levelFallback: _fallback, ...noFallback } = SHIPPING;
    void _fallback;
    w = world([], { ...noFallback, multiline: [] });
    w.run(taskDefinition('alloy'));
    w.advance(PAST_FIRST_TRACE_MS);
    expect(w.loki.find((l) => /^goroutine/.test(l.line))?.labels['level']).toBeUndefined();
  });

  it("a helper's lines are told apart by container_name: JSON access logs at the fallback level", () => {
    w = world();
    w.run(taskDefinition('alloy'));
    w.advance(PAST_FIRST_TRACE_MS);
    const envoy = w.loki.filter((l) => l.labels['container_name'] === 'envoy');
    expect(envoy.length).toBeGreaterThan(0);
    expect(envoy.every((l) => (JSON.parse(l.line) as { method?: string }).method === 'POST')).toBe(true);
    expect(envoy.every((l) => l.labels['level'] === 'unknown')).toBe(true);
    expect(envoy.some((l) => l.line.includes('goroutine'))).toBe(false);
  });

  it("app-logs-missing: only the helper's lines reach Loki; ADOT tasks write as before", () => {
    w = world(['frontend:app-logs-missing']);
    w.run(taskDefinition('alloy'));
    w.run(taskDefinition('adot'));
    w.advance(PAST_FIRST_TRACE_MS);
    expect(w.loki.length).toBeGreaterThan(0);
    expect(new Set(w.loki.map((l) => l.labels['container_name']))).toEqual(new Set(['envoy']));
    expect(w.cloudwatch.some((e) => e.group === APP_GROUP)).toBe(true);
  });

  it('metric-renamed: Alloy tasks export service_requests as service_requests_total, ADOT tasks do not', () => {
    w = world(['frontend:metric-renamed']);
    const alloy = w.run(taskDefinition('alloy'));
    const adot = w.run(taskDefinition('adot'));
    const renamed = w.workload.metrics(alloy.id) ?? '';
    expect(renamed).toMatch(/^service_requests_total\{operation="StartWorkflowExecution"/m);
    expect(renamed).not.toMatch(/^service_requests\{/m);
    expect(w.workload.metrics(adot.id)).toMatch(/^service_requests\{/m);
  });
});

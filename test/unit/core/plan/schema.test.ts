import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanInvalidError } from '../../../../core/errors';
import { parsePlanOrThrow, validatePlan, type PlanProblem } from '../../../../core/plan/parse';
import { parsePlanText, parsePlanTextOrThrow } from '../../../../core/plan/parse-text';
import { minimalPlan } from './minimal-plan';

const ROOT = join(__dirname, '../../../..');

/** Sets a value at a dotted path with [n] indexes, creating nothing: the path must exist up to its parent. */
function withValue(path: string, value: unknown): Record<string, unknown> {
  const doc = minimalPlan();
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let target: Record<string, unknown> = doc;
  for (const key of keys.slice(0, -1)) {
    const next = (target[key] ?? {}) as Record<string, unknown>;
    target[key] = next;
    target = next;
  }
  target[keys[keys.length - 1] as string] = value;
  return doc;
}

function problems(doc: unknown): readonly PlanProblem[] {
  const result = validatePlan(doc);
  if (result.ok) throw new Error('expected the plan to be invalid');
  return result.problems;
}

describe('the plan schema', () => {
  it('accepts examples/plan.yaml', () => {
    const result = parsePlanText(readFileSync(join(ROOT, 'examples/plan.yaml'), 'utf8'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.phases.map((p) => p.name)).toEqual(['canary', 'core', 'benchmark']);
    expect(result.plan.phases[2]?.services[0]?.metricsPort).toBe(9091);
  });

  it('fills in the defaults', () => {
    const plan = parsePlanOrThrow(minimalPlan());
    expect(plan.version).toBe(1);
    expect(plan.alloy).toEqual({
      version: 'v1.18.1',
      initImage: 'public.ecr.aws/docker/library/busybox:1.37',
      initCpu: 16,
      initMemory: 32,
      logSource: 'docker-api',
      allowResize: false,
      logMaxSize: '10m',
      logMaxFile: 5,
      listenPort: 12345,
      dockerAccess: 'socket',
      dockerProxyImage: 'wollomatic/socket-proxy:1.13.1',
      dockerProxyUser: '0',
    });
    expect(plan.phases[0]?.enabled).toBe(true);
    // No scrape defaults here: they are resolved with the ADOT config at registration.
    expect(plan.phases[0]?.services[0]).toEqual({ name: 's1', ecsService: 'svc-1' });
    expect(plan.verification).toEqual({
      deploymentTimeout: 900_000,
      soak: 120_000,
      pollInterval: 10_000,
      logs: {
        deadline: 30_000,
        window: 300_000,
        requiredLabels: ['service_name', 'cluster', 'container_name', 'task_id'],
        maxJsonErrorIncrease: 0.01,
        maxJsonErrorRatio: 0.05,
      },
      metrics: {
        deadline: 120_000,
        minSeriesRatio: 0.9,
        requireBaseline: true,
        baselineWindow: 300_000,
        mayDisappear: ['otelcol_*', 'target_info'],
        maxCadenceDeviation: 0.1,
        cadenceWindow: 60_000,
      },
      checks: [],
    });
    expect(plan.rollback).toEqual({
      scope: 'all',
      logGroupPattern: '/ecs/{cluster}/{container}',
      retentionDays: 30,
      verifyDeadline: 300_000,
    });
    expect(plan.lock).toEqual({ ttl: 21_600_000 });
    expect(plan.loki.desiredCount).toBe(1);
  });

  it.each<[string, unknown, RegExp]>([
    ['version', 2, /expected 1/],
    ['cluster', 'bad name!', /expected an ECS cluster name/],
    ['cluster', 42, /expected an ECS cluster name/],
    ['region', 'europe', /expected an AWS region/],
    ['configPrefix', 'no-slash', /expected an SSM path/],
    ['loki.url', 'loki:3100', /expected an http\(s\) URL/],
    ['loki.pushUrl', 'ftp://x', /expected an http\(s\) URL/],
    ['loki.desiredCount', 0, /./],
    [
      'loki.authSecretArn',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/x',
      /expected an ARN of secretsmanager/,
    ],
    ['amp.workspaceId', 'abc', /expected an AMP workspace id/],
    ['alloy.version', '1.18', /expected an Alloy release/],
    ['alloy.memory', 4, /at least 6 MiB/],
    ['alloy.logSource', 'syslog', /expected "docker-api" or "file-tail"/],
    ['alloy.logMaxSize', '10MB', /expected a size such as "10m"/],
    ['alloy.logMaxFile', 0, /./],
    ['alloy.allowResize', 'yes', /./],
    ['phases', [], /expected at least one phase/],
    ['phases[0].enabled', 'no', /expected true or false/],
    ['phases[0].services', [], /expected at least one service/],
    ['phases[0].services[0].metricsPort', 70000, /./],
    ['phases[0].services[0].metricsPort', 90.5, /expected a whole number/],
    ['phases[0].services[0].metricsPath', 'metrics', /starting with "\/"/],
    ['phases[0].services[0].mainContainers', [], /expected at least one container name/],
    ['phases[0].services[0].adotContainer', '', /expected a container name/],
    ['phases[0].services[0].switchLogDrivers', ['app', ''], /expected a container name/],
    ['phases[0].services[0].switchLogDrivers', 'app', /./],
    ['verification.soak', '2 minutes', /expected a duration such as "90s"/],
    ['verification.soak', '0s', /expected a duration/],
    ['verification.logs.maxJsonErrorRatio', 2, /./],
    ['verification.logs.requiredLabels', ['ok', 'not-a-label'], /expected a Loki label name/],
    [
      'verification.logs.requiredLabels',
      ['service_name', 'level'],
      /level cannot be a required label: it is derived by parsing each line as JSON/,
    ],
    ['verification.logs.maxJsonErrorIncrease', -0.1, /./],
    ['verification.metrics.minSeriesRatio', -1, /./],
    ['rollback.scope', 'some', /expected "service" or "all"/],
    ['rollback.logGroupPattern', 'has space', /expected a log group name pattern/],
    ['rollback.retentionDays', 0, /./],
    ['lock.ttl', 6, /expected a duration/],
  ])('names %s when it is %j', (path, value, message) => {
    const found = problems(withValue(path, value));
    const problem = found.find((p) => p.path === path || p.path.startsWith(`${path}[`));
    expect(problem).toBeDefined();
    expect(problem?.message).toMatch(message);
  });

  it('names missing required fields', () => {
    const found = problems({ phases: [{ name: 'p', services: [{}] }] });
    const paths = found.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'cluster',
        'region',
        'loki',
        'amp',
        'phases[0].services[0].name',
        'phases[0].services[0].ecsService',
      ]),
    );
    expect(found.find((p) => p.path === 'cluster')?.message).toMatch(
      /^missing; expected an ECS cluster name/,
    );
  });

  it('reports every problem at once', () => {
    const doc = { ...minimalPlan(), region: 'x', cluster: '!', extra: true };
    const found = problems(doc);
    expect(found.map((p) => p.path).sort()).toEqual(['', 'cluster', 'region']);
    expect(found.find((p) => p.path === '')?.message).toBe('unknown field "extra"');
  });

  it('rejects unknown fields where they are', () => {
    expect(problems(withValue('alloy.memroy', 100))).toEqual([
      { path: 'alloy', message: 'unknown field "memroy"' },
    ]);
  });

  it('rejects custom checks whose query does not parse, with the offset', () => {
    const found = problems(
      withValue('verification.checks', [
        { name: 'bad-logql', language: 'logql', query: 'sum(count_over_time({job="x"}[5m]', threshold: 1 },
        { name: 'bad-promql', language: 'promql', query: 'rate(up[5m]) >', threshold: 1 },
        { name: 'empty', language: 'promql', query: '  ', threshold: 1 },
        { name: 'good', language: 'promql', query: 'sum(rate(up[5m]))', threshold: 1 },
      ]),
    );
    const byPath = Object.fromEntries(found.map((p) => [p.path, p.message]));
    expect(byPath['verification.checks[0].query']).toMatch(/^not valid LogQL: parse error at offset \d+/);
    expect(byPath['verification.checks[1].query']).toMatch(/^not valid PromQL: parse error at offset \d+/);
    expect(byPath['verification.checks[2].query']).toBe(
      'not valid PromQL: parse error at offset 0 near "<empty query>"',
    );
    expect(byPath['verification.checks[3].query']).toBeUndefined();
  });

  it('rejects duplicates and ordering mistakes across phases', () => {
    const doc = minimalPlan();
    doc.phases = [
      { name: 'a', enabled: false, services: [{ name: 's1', ecsService: 'e1' }] },
      { name: 'a', services: [{ name: 's1', ecsService: 'e1' }] },
    ];
    doc.loki = { url: 'http://loki:3100', service: 'e1' };
    const found = problems(doc);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          path: 'phases[1].services[0].name',
          message: 'service "s1" is already listed at phases[0].services[0]',
        },
        {
          path: 'phases[1].services[0].ecsService',
          message: 'ECS service "e1" is already listed at phases[0].services[0]',
        },
        { path: 'phases[1].name', message: 'phase "a" is listed twice' },
        {
          path: 'phases[1].enabled',
          message: 'expected phases to be enabled in order: an enabled phase cannot follow a disabled one',
        },
        { path: 'loki.service', message: 'the Loki service cannot also be a service to migrate' },
      ]),
    );
  });
});

describe('parsePlanText / parsePlanOrThrow / parsePlanTextOrThrow', () => {
  it('decodes and validates text, and throws for bad text under the source name', () => {
    expect(parsePlanTextOrThrow(JSON.stringify(minimalPlan())).cluster).toBe(minimalPlan().cluster);
    expect(() => parsePlanTextOrThrow('cluster: [unclosed\n', 'plan.yaml')).toThrow(
      /^plan\.yaml: 1 problem\n {2}- not valid YAML\/JSON: /,
    );
  });

  it('refuses text where a decoded plan is expected, naming the text parser', () => {
    const result = validatePlan(JSON.stringify(minimalPlan()));
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: '', message: expect.stringContaining('got text; decode YAML/JSON text with parsePlanText') },
      ],
    });
    expect(() => parsePlanOrThrow('cluster: a\n', 'state.plan')).toThrow(PlanInvalidError);
  });

  it('reads JSON as well as YAML', () => {
    expect(parsePlanText(JSON.stringify(minimalPlan())).ok).toBe(true);
  });

  it('reports malformed YAML and duplicate keys without a field path', () => {
    const broken = parsePlanText('cluster: [unclosed\n');
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.problems[0]).toMatchObject({
        path: '',
        message: expect.stringMatching(/^not valid YAML\/JSON: /),
      });
    const dup = parsePlanText('cluster: a\ncluster: b\n');
    expect(dup.ok).toBe(false);
  });

  it('expects a mapping at the top', () => {
    for (const text of ['- a\n- b\n', '42\n', '']) {
      const result = parsePlanText(text);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.problems).toEqual([
          { path: '', message: 'expected a mapping (an object) at the top of the plan' },
        ]);
    }
  });

  it('throws PlanInvalidError listing every problem under the source name', () => {
    expect(() => parsePlanOrThrow({ ...minimalPlan(), region: 'x', cluster: '!' }, 'plan.yaml')).toThrow(
      PlanInvalidError,
    );
    try {
      parsePlanOrThrow({ ...minimalPlan(), region: 'x', cluster: '!' }, 'plan.yaml');
    } catch (error) {
      expect((error as Error).message).toMatch(/^plan\.yaml: 2 problems\n {2}- cluster: .*\n {2}- region: /);
      expect((error as PlanInvalidError).details.problems).toHaveLength(2);
    }
  });
});

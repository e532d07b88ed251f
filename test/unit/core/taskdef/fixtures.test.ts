import { UnmigratableError } from '../../../../core/errors';
import {
  arnOf,
  BASELINE_TAG,
  collectorOf,
  logDriverOf,
  migrate,
  revert,
  toRegisterInput,
  type ContainerDefinition,
  type TaskDefinitionInput,
} from '../../../../core/taskdef';
import {
  EXAMPLE_SERVICES,
  REFERENCE_FIXTURES,
  example,
  fixture,
  planService,
  planWith,
  service,
} from './helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('./helpers').fakeRenderer, { virtual: true });

function container(td: TaskDefinitionInput, name: string): ContainerDefinition {
  const found = td.containerDefinitions.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

function omit(value: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

function refusal(run: () => unknown): { reason: unknown; reasons: unknown; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnmigratableError);
    const e = error as UnmigratableError;
    return { reason: e.details.reason, reasons: e.details.reasons, message: e.message };
  }
  throw new Error('expected a refusal');
}

// Alloy sized so that init + Alloy fit exactly in what ADOT frees (128 - 16, 256 - 32).
const fitting = planWith({ cpu: 112, memory: 224 });

describe('temporal-history.json (EC2/awsvpc/ARM64)', () => {
  const original = fixture('temporal-history.json');
  const svc = service({ name: 'history', mainContainers: ['temporal-history'] });

  it('by default carves the init share out of what ADOT had, so the fully allocated task still fits', () => {
    const result = migrate(original, svc, planWith());
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(container(result.taskDefinition, 'alloy')).toMatchObject({ cpu: 112, memory: 224 });
    expect(container(result.taskDefinition, 'alloy-init')).toMatchObject({ cpu: 16, memory: 32 });
    expect(result.taskDefinition.cpu).toBe('4096');
    expect(result.taskDefinition.memory).toBe('8192');
    expect(result.warnings.join('\n')).toContain('Alloy sized 112 cpu / 224 MiB');
    expect(revert(result.taskDefinition, original).taskDefinition).toEqual(original);
  });

  it('refuses with the numbers when the plan sizes Alloy past the fully allocated task', () => {
    const r = refusal(() => migrate(original, svc, planWith({ cpu: 128, memory: 256 })));
    expect(r.reason).toBe('budget');
    expect(r.message).toContain('temporal-dev-temporal-history');
    expect(r.message).toContain('4112 units, task allows 4096');
    expect(r.message).toContain('8224 MiB, task allows 8192');
  });

  it('grows the task and says so when the plan allows resizing, and revert restores the originals', () => {
    const result = migrate(original, svc, planWith({ allowResize: true, cpu: 128, memory: 256 }));
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(result.taskDefinition.cpu).toBe('4112');
    expect(result.taskDefinition.memory).toBe('8224');
    expect(result.budget).toMatchObject({
      resized: true,
      taskBefore: { cpu: 4096, memory: 8192 },
      taskAfter: { cpu: 4112, memory: 8224 },
    });
    expect(result.warnings.join('\n')).toMatch(/resized/);
    expect(revert(result.taskDefinition, original).taskDefinition).toEqual(original);
  });

  it('migrates: ADOT out, init + Alloy in, main container on json-file, the rest untouched', () => {
    const result = migrate(original, svc, fitting);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const td = result.taskDefinition;
    expect(td.containerDefinitions.map((c) => c.name)).toEqual(['temporal-history', 'alloy-init', 'alloy']);
    expect(result.adotContainer).toBe('adot-collector');
    expect(result.mainContainers).toEqual(['temporal-history']);
    expect(result.configParameter).toBe('/alloy-rollout/temporal-dev/history/config.alloy');

    const main = container(td, 'temporal-history');
    const mainRest = omit(main, 'logConfiguration');
    const originalRest = omit(container(original, 'temporal-history'), 'logConfiguration');
    expect(mainRest).toEqual(originalRest);
    expect(JSON.stringify(mainRest)).toBe(JSON.stringify(originalRest));
    expect(main.logConfiguration).toEqual({
      logDriver: 'json-file',
      options: { 'max-size': '10m', 'max-file': '5' },
    });

    const init = container(td, 'alloy-init');
    expect(init.essential).toBe(false);
    expect(init.image).toBe('public.ecr.aws/docker/library/busybox:1.37');
    expect(init.secrets).toEqual([
      {
        name: 'ALLOY_CONFIG',
        valueFrom:
          'arn:aws:ssm:eu-west-1:123456789012:parameter/alloy-rollout/temporal-dev/history/config.alloy',
      },
    ]);

    const alloy = container(td, 'alloy');
    expect(alloy).toMatchObject({ essential: false, image: 'grafana/alloy:v1.18.1', cpu: 112, memory: 224 });
    expect(alloy.dependsOn).toEqual([{ containerName: 'alloy-init', condition: 'SUCCESS' }]);
    expect(alloy.command).toEqual([
      'run',
      '--server.http.listen-addr=127.0.0.1:12345',
      '--storage.path=/var/lib/alloy/data',
      '/etc/alloy/config.alloy',
    ]);
    // Lifecycle: restarted by ECS, drained at stop, healthy by its own /-/healthy, and its own
    // logs in the collector's CloudWatch group under the "alloy" prefix.
    expect(alloy.entryPoint?.slice(0, 2)).toEqual(['/bin/bash', '-c']);
    expect(alloy.restartPolicy).toEqual({ enabled: true, restartAttemptPeriod: 60 });
    expect(alloy.stopTimeout).toBe(40);
    expect(alloy.environment).toContainEqual({ name: 'ALLOY_DRAIN_SECONDS', value: '30' });
    expect(alloy.healthCheck?.command.join(' ')).toContain('/dev/tcp/127.0.0.1/12345');
    expect(alloy.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': original.containerDefinitions.find((c) => c.name === 'adot-collector')
          ?.logConfiguration?.options?.['awslogs-group'],
        'awslogs-region': 'eu-west-1',
        'awslogs-stream-prefix': 'alloy',
        mode: 'non-blocking',
        'max-buffer-size': '4m',
      },
    });
    expect(alloy.portMappings).toBeUndefined();
    // No essential container depends on Alloy: an Alloy that cannot start never stops the app.
    for (const c of td.containerDefinitions.filter((x) => x.essential !== false))
      expect((c.dependsOn ?? []).map((d) => d.containerName)).not.toContain('alloy');
    expect(alloy.mountPoints).toContainEqual({
      sourceVolume: 'alloy-docker-socket',
      containerPath: '/var/run/docker.sock',
      readOnly: true,
    });
    expect(td.volumes).toEqual([
      { name: 'alloy-config' },
      { name: 'alloy-docker-socket', host: { sourcePath: '/var/run/docker.sock' } },
    ]);

    // Task-level fields other than volumes are untouched (ports, runtime platform, tags...).
    const taskRest = omit(td, 'containerDefinitions', 'volumes');
    const originalTaskRest = omit(original, 'containerDefinitions');
    expect(JSON.stringify(taskRest)).toBe(JSON.stringify(originalTaskRest));
    expect(result.budget).toMatchObject({ resized: false, containersAfter: { cpu: 4096, memory: 8192 } });
    expect(collectorOf(td)).toBe('alloy');
    expect(logDriverOf(td)).toBe('json-file');
    expect(result.diff).toContain(
      '- containerDefinitions[adot-collector].image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"',
    );
    expect(result.diff).toContain(
      '~ containerDefinitions[temporal-history].logConfiguration.logDriver: "awslogs" -> "json-file"',
    );
  });

  it('round-trips byte for byte', () => {
    const result = migrate(original, svc, fitting);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const back = revert(result.taskDefinition, original);
    expect(back.taskDefinition).toEqual(original);
    expect(JSON.stringify(back.taskDefinition)).toBe(JSON.stringify(original));
    expect(back.warnings).toEqual([]);
  });
});

describe('temporal-frontend.json', () => {
  const original = fixture('temporal-frontend.json');
  it('keeps the CMD-SHELL health check and no essential container depends on Alloy', () => {
    const result = migrate(original, service({ name: 'frontend' }), fitting);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const td = result.taskDefinition;
    expect(container(td, 'temporal-frontend').healthCheck).toEqual(
      container(original, 'temporal-frontend').healthCheck,
    );
    const essentialDeps = td.containerDefinitions
      .filter((c) => c.essential !== false)
      .flatMap((c) => c.dependsOn ?? []);
    expect(
      essentialDeps.filter((d) => d.containerName === 'alloy' || d.containerName === 'alloy-init'),
    ).toEqual([]);
    expect(JSON.stringify(revert(td, original).taskDefinition)).toBe(JSON.stringify(original));
  });
});

describe('adot-cfn-ec2-bridge.json (EC2/bridge)', () => {
  it('is refused: the collector is the only essential container, apps reach it by link and name, bridge scraping', () => {
    const r = refusal(() => migrate(fixture('adot-cfn-ec2-bridge.json'), service(), fitting));
    expect(r.reason).toBe('no-essential-left');
    expect(r.reasons).toEqual(
      expect.arrayContaining(['no-essential-left', 'collector-dependency', 'bridge-scrape']),
    );
    expect(r.message).toContain('ecs-aws-otel-sidecar-service');
    expect(r.message).toContain('aws-xray-data-emitter');
  });
});

describe('Fargate definitions', () => {
  it.each([
    'otel-testframework-ec2-fargate-compat.json',
    'tdr-frontend-fargate.json',
    'cogini-foo-app-fargate.json',
  ])('%s is refused as Fargate and left unchanged', (name) => {
    const input = fixture(name);
    const copy = JSON.parse(JSON.stringify(input)) as unknown;
    const r = refusal(() => migrate(input, service(), fitting));
    expect(r.reason).toBe('fargate');
    expect(r.message).toContain(input.family);
    expect(input).toEqual(copy);
  });

  it('finds the private, tagged or untagged ECR mirror of ADOT', () => {
    expect(collectorOf(fixture('tdr-frontend-fargate.json'))).toBe('adot');
    expect(collectorOf(fixture('cogini-foo-app-fargate.json'))).toBe('adot');
  });
});

describe('otel-testframework narrowed to EC2 (what an EC2-only copy of it gives)', () => {
  const original: TaskDefinitionInput = {
    ...fixture('otel-testframework-ec2-fargate-compat.json'),
    requiresCompatibilities: ['EC2'],
  };
  // Its containers already overcommit task memory (768 of 512); Alloy at 200 MiB does not make it worse.
  const plan = planWith({ cpu: 10, memory: 200, initCpu: 0 });

  it('removes the collector from the middle, drops the emitter dependency and reports loopback targets', () => {
    const result = migrate(original, service(), plan);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const td = result.taskDefinition;
    expect(td.containerDefinitions.map((c) => c.name)).toEqual([
      'aoc-emitter',
      'alloy-init',
      'alloy',
      'mocked-server',
    ]);
    expect(container(td, 'aoc-emitter').dependsOn).toBeUndefined();
    expect(logDriverOf(td, ['aoc-emitter', 'mocked-server'])).toBe('json-file');
    expect(td.volumes?.map((v) => v.name)).toEqual(['efs', 'alloy-config', 'alloy-docker-socket']);
    const warnings = result.warnings.join('\n');
    expect(warnings).toContain('55690');
    expect(warnings).toContain('9411');
    expect(warnings).toContain('4317');
  });

  it('puts the collector back in the middle on revert', () => {
    const result = migrate(original, service(), plan);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(JSON.stringify(revert(result.taskDefinition, original).taskDefinition)).toBe(
      JSON.stringify(original),
    );
  });
});

describe('examples/task-definitions with examples/plan.yaml', () => {
  const plan = planWith();
  it.each(EXAMPLE_SERVICES)(
    '%s migrates within its budget, tagged with its baseline, and reverts',
    (name) => {
      const described = example(name);
      const result = migrate(described, planService(plan, name), plan);
      if (result.kind !== 'migrated') throw new Error(result.reason);
      const arn = arnOf(described);
      expect(arn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task-definition\/temporal-dev-/);
      expect(result.taskDefinition.tags).toContainEqual({ key: BASELINE_TAG, value: arn });
      expect(result.taskDefinition).not.toHaveProperty('taskDefinitionArn');
      expect(result.budget.resized).toBe(false);
      expect(result.mainContainers).toEqual(planService(plan, name).mainContainers);
      expect(revert(result.taskDefinition, described).taskDefinition).toEqual(toRegisterInput(described));
      expect(migrate(result.taskDefinition, planService(plan, name), plan).kind).toBe('already-migrated');
    },
  );
});

describe('every reference fixture that can migrate once narrowed to EC2', () => {
  it.each(REFERENCE_FIXTURES.filter((n) => n !== 'adot-cfn-ec2-bridge.json'))('%s round-trips', (name) => {
    const original: TaskDefinitionInput = { ...fixture(name), requiresCompatibilities: ['EC2'] };
    const result = migrate(
      original,
      service(),
      planWith({ cpu: 10, memory: 200, initCpu: 0, initMemory: 6 }),
    );
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(result.taskDefinition.containerDefinitions.some((c) => c.name === result.adotContainer)).toBe(
      false,
    );
    expect(JSON.stringify(revert(result.taskDefinition, original).taskDefinition)).toBe(
      JSON.stringify(original),
    );
  });
});

it('uses every reference fixture', () => {
  expect(REFERENCE_FIXTURES.map((n) => fixture(n).family)).toHaveLength(6);
});

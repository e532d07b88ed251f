import { Arns } from '../../../sandbox/ecs/model';
import {
  describeTaskDefinition,
  TaskDefinitionRegistry,
  validateRegistration,
} from '../../../sandbox/ecs/task-definitions';

const base = () => ({
  family: 'svc',
  networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'app', image: 'app:1', essential: true, memory: 256 },
    { name: 'sidecar', image: 'side:1', essential: false, memory: 64 },
  ],
});

function withContainers(
  mutate: (c: Record<string, unknown>[]) => void,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const td = { ...base(), ...extra } as Record<string, unknown>;
  mutate(td['containerDefinitions'] as Record<string, unknown>[]);
  return td;
}

describe('RegisterTaskDefinition validation', () => {
  it('accepts a plain definition', () => {
    expect(() => validateRegistration(base())).not.toThrow();
  });

  it.each([
    ['a bad family name', { ...base(), family: 'a b' }, /Family contains invalid characters/],
    ['no containers', { ...base(), containerDefinitions: [] }, /Container list cannot be empty/],
    [
      'duplicate container names',
      withContainers((c) => (c[1]!['name'] = 'app')),
      /Duplicate container name "app"/,
    ],
    [
      'no essential container',
      withContainers((c) => (c[0]!['essential'] = false)),
      /at least one essential container/,
    ],
    [
      'no memory anywhere',
      withContainers((c) => delete c[0]!['memory']),
      /At least one of 'memory' or 'memoryReservation'/,
    ],
    [
      'a mount of an undeclared volume',
      withContainers((c) => (c[0]!['mountPoints'] = [{ sourceVolume: 'nope', containerPath: '/x' }])),
      /volume 'nope' is not declared/,
    ],
    [
      'a dependency on an unknown container',
      withContainers((c) => (c[0]!['dependsOn'] = [{ containerName: 'ghost', condition: 'START' }])),
      /'ghost', which is not defined/,
    ],
    [
      'SUCCESS on an essential container',
      withContainers((c) => (c[1]!['dependsOn'] = [{ containerName: 'app', condition: 'SUCCESS' }])),
      /requires 'app' to be non-essential/,
    ],
    [
      'HEALTHY without a health check',
      withContainers((c) => (c[0]!['dependsOn'] = [{ containerName: 'sidecar', condition: 'HEALTHY' }])),
      /has no health check/,
    ],
    [
      'links in awsvpc mode',
      withContainers((c) => (c[0]!['links'] = ['sidecar'])),
      /Links are not supported when networkMode=awsvpc/,
    ],
    [
      'awslogs without a group',
      withContainers(
        (c) =>
          (c[0]!['logConfiguration'] = { logDriver: 'awslogs', options: { 'awslogs-region': 'eu-west-1' } }),
      ),
      /option 'awslogs-group' should not be null or empty/,
    ],
    [
      'an unknown log driver',
      withContainers((c) => (c[0]!['logConfiguration'] = { logDriver: 'loki' })),
      /Log driver loki is not supported/,
    ],
    [
      'json-file on Fargate',
      withContainers((c) => (c[0]!['logConfiguration'] = { logDriver: 'json-file' }), {
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
      }),
      /not supported on Fargate/,
    ],
    [
      'a container larger than the task',
      withContainers((c) => (c[0]!['memory'] = 4096), { memory: '1024' }),
      /must be less than or equal to the task memory/,
    ],
    ['fields only Describe returns', { ...base(), revision: 3 }, /Unknown parameter in input: "revision"/],
  ])('refuses %s', (_what, td, message) => {
    expect(() => validateRegistration(td)).toThrow(message);
    try {
      validateRegistration(td);
    } catch (error) {
      expect(['ClientException', 'InvalidParameterException']).toContain((error as Error).name);
    }
  });
});

/** The Alloy sidecar as the transform renders it in host network mode (drain 30 s). */
const alloySidecar = () => ({
  name: 'alloy',
  image: 'grafana/alloy:v1.8.0',
  essential: false,
  memory: 256,
  restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
  stopTimeout: 40,
  environment: [{ name: 'ALLOY_DRAIN_SECONDS', value: '30' }],
  healthCheck: {
    command: ['CMD', '/bin/bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/12345'],
    interval: 10,
    timeout: 5,
    retries: 3,
    startPeriod: 15,
  },
  logConfiguration: {
    logDriver: 'awslogs',
    options: { 'awslogs-group': '/ecs/svc', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'alloy' },
  },
  portMappings: [{ containerPort: 12345, hostPort: 12345, protocol: 'tcp' }],
});

const withSidecar = (mutate: (alloy: Record<string, unknown>) => void = () => undefined) => {
  const alloy: Record<string, unknown> = alloySidecar();
  mutate(alloy);
  return {
    family: 'svc',
    networkMode: 'host',
    containerDefinitions: [{ name: 'app', image: 'app:1', essential: true, memory: 256 }, alloy],
  };
};

describe('RegisterTaskDefinition validation: restart policy, stop timeout, health check, ports', () => {
  it('accepts the Alloy sidecar with every field in range, and DescribeTaskDefinition keeps them', () => {
    const registry = new TaskDefinitionRegistry(new Arns('eu-west-1', '000000000000'), () => 0);
    const described = describeTaskDefinition(registry.register(withSidecar()));
    const alloy = (described['containerDefinitions'] as Record<string, unknown>[]).find(
      (c) => c['name'] === 'alloy',
    );
    expect(alloy).toEqual(alloySidecar());
  });

  it.each([
    [
      'the shortest period',
      (a: Record<string, unknown>) => (a['restartPolicy'] = { enabled: true, restartAttemptPeriod: 60 }),
    ],
    [
      'the longest period',
      (a: Record<string, unknown>) => (a['restartPolicy'] = { enabled: true, restartAttemptPeriod: 1800 }),
    ],
    [
      'a policy without a period (ECS uses 300 s)',
      (a: Record<string, unknown>) => (a['restartPolicy'] = { enabled: true }),
    ],
    [
      '50 ignored exit codes',
      (a: Record<string, unknown>) =>
        (a['restartPolicy'] = { enabled: true, ignoredExitCodes: Array.from({ length: 50 }, (_, i) => i) }),
    ],
    ['a disabled policy', (a: Record<string, unknown>) => (a['restartPolicy'] = { enabled: false })],
    ['a stop timeout of 120 s', (a: Record<string, unknown>) => (a['stopTimeout'] = 120)],
    [
      'a host port left out in host mode',
      (a: Record<string, unknown>) => (a['portMappings'] = [{ containerPort: 12345 }]),
    ],
    [
      'health-check bounds',
      (a: Record<string, unknown>) =>
        (a['healthCheck'] = {
          command: ['CMD-SHELL', 'true'],
          interval: 300,
          timeout: 2,
          retries: 10,
          startPeriod: 0,
        }),
    ],
  ])('accepts %s', (_what, mutate) => {
    expect(() => validateRegistration(withSidecar(mutate))).not.toThrow();
  });

  it.each([
    [
      'a restart period under 60 s',
      (a: Record<string, unknown>) => (a['restartPolicy'] = { enabled: true, restartAttemptPeriod: 59 }),
      /Invalid 'restartPolicy' setting for container 'alloy'\. 'restartAttemptPeriod' must be between 60 and 1800 seconds; got 59/,
    ],
    [
      'a restart period over 1800 s',
      (a: Record<string, unknown>) => (a['restartPolicy'] = { enabled: true, restartAttemptPeriod: 1801 }),
      /'restartAttemptPeriod' must be between 60 and 1800/,
    ],
    [
      'a restart policy without enabled',
      (a: Record<string, unknown>) => (a['restartPolicy'] = { restartAttemptPeriod: 60 }),
      /'enabled' is required/,
    ],
    [
      '51 ignored exit codes',
      (a: Record<string, unknown>) =>
        (a['restartPolicy'] = { enabled: true, ignoredExitCodes: Array.from({ length: 51 }, (_, i) => i) }),
      /at most 50 exit codes; got 51/,
    ],
    [
      'a stop timeout over 120 s',
      (a: Record<string, unknown>) => (a['stopTimeout'] = 121),
      /Invalid 'stopTimeout' setting for container 'alloy'\. The stop timeout must be between 0 and 120 seconds; got 121/,
    ],
    [
      'a negative stop timeout',
      (a: Record<string, unknown>) => (a['stopTimeout'] = -1),
      /between 0 and 120 seconds/,
    ],
    [
      'a health check interval under 5 s',
      (a: Record<string, unknown>) => (a['healthCheck'] = { command: ['CMD', 'true'], interval: 4 }),
      /'interval' must be between 5 and 300 seconds; got 4/,
    ],
    [
      'a health check timeout over 60 s',
      (a: Record<string, unknown>) => (a['healthCheck'] = { command: ['CMD', 'true'], timeout: 61 }),
      /'timeout' must be between 2 and 60 seconds/,
    ],
    [
      '11 health check retries',
      (a: Record<string, unknown>) => (a['healthCheck'] = { command: ['CMD', 'true'], retries: 11 }),
      /'retries' must be between 1 and 10; got 11/,
    ],
    [
      'a start period over 300 s',
      (a: Record<string, unknown>) => (a['healthCheck'] = { command: ['CMD', 'true'], startPeriod: 301 }),
      /'startPeriod' must be between 0 and 300 seconds/,
    ],
    [
      'a health check command without CMD',
      (a: Record<string, unknown>) => (a['healthCheck'] = { command: ['curl', 'localhost'] }),
      /must start with 'CMD' or 'CMD-SHELL'/,
    ],
    [
      'a host port that differs from the container port in host mode',
      (a: Record<string, unknown>) => (a['portMappings'] = [{ containerPort: 12345, hostPort: 12346 }]),
      /When networkMode=host, the host ports and container ports in port mappings must match\./,
    ],
  ])('refuses %s with a ClientException', (_what, mutate, message) => {
    const td = withSidecar(mutate);
    expect(() => validateRegistration(td)).toThrow(message);
    expect(() => validateRegistration(td)).toThrow(expect.objectContaining({ name: 'ClientException' }));
  });

  it('lets a bridge-mode mapping differ (dynamic or remapped host ports)', () => {
    const td = {
      ...withSidecar((a) => (a['portMappings'] = [{ containerPort: 12345, hostPort: 0 }])),
      networkMode: 'bridge',
    };
    expect(() => validateRegistration(td)).not.toThrow();
  });
});

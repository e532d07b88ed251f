import { validateRegistration } from '../../../sandbox/ecs/task-definitions';

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

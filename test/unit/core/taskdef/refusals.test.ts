import { UnmigratableError } from '../../../../core/errors';
import { migrate, REFUSAL_REASONS, type TaskDefinitionInput } from '../../../../core/taskdef';
import { adotContainer, appContainer, legacyTask, planWith, service } from './helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('./helpers').fakeRenderer, { virtual: true });

const app = appContainer;
const adot = adotContainer;
const td = legacyTask;

const plan = planWith();

function reasonOf(
  input: TaskDefinitionInput,
  svc = service(),
  p = plan,
): { reason: unknown; message: string } {
  try {
    migrate(input, svc, p);
  } catch (error) {
    if (!(error instanceof UnmigratableError)) throw error;
    expect(error.name).toBe('UnmigratableError');
    expect(error.message).toContain(`"${input.family}"`);
    return { reason: error.details.reason, message: error.message };
  }
  throw new Error('expected UnmigratableError');
}

describe('migrate refusals (details.reason)', () => {
  it('migrates the baseline used by these cases', () => {
    expect(migrate(td(), service(), plan).kind).toBe('migrated');
  });

  it.each<[string, TaskDefinitionInput, Partial<Parameters<typeof service>[0]>]>([
    [REFUSAL_REASONS.fargate, td({ requiresCompatibilities: ['FARGATE'] }), {}],
    [REFUSAL_REASONS.noAdot, td({ containerDefinitions: [app()] }), {}],
    [REFUSAL_REASONS.noAdot, td(), { adotContainer: 'otel' }],
    [
      REFUSAL_REASONS.multipleAdot,
      td({ containerDefinitions: [app(), adot(), adot({ name: 'adot2' })] }),
      {},
    ],
    [REFUSAL_REASONS.unknownMainContainer, td(), { mainContainers: ['web'] }],
    [REFUSAL_REASONS.unknownMainContainer, td(), { mainContainers: ['adot'] }],
    [
      REFUSAL_REASONS.nameClash,
      td({ containerDefinitions: [app(), adot(), app({ name: 'alloy-init', essential: false })] }),
      {},
    ],
    [REFUSAL_REASONS.nameClash, td({ volumes: [{ name: 'alloy-config' }] }), {}],
    [
      REFUSAL_REASONS.noEssentialLeft,
      td({ containerDefinitions: [app({ essential: false }), adot({ essential: true })] }),
      {},
    ],
    [
      REFUSAL_REASONS.collectorDependency,
      td({
        containerDefinitions: [
          app({ links: ['adot'], environment: [{ name: 'X', value: 'adot:2000' }] }),
          adot(),
        ],
      }),
      {},
    ],
    [REFUSAL_REASONS.bridgeScrape, td({ networkMode: 'bridge' }), {}],
    [REFUSAL_REASONS.bridgeScrape, td({ networkMode: undefined as unknown as string }), {}],
    [REFUSAL_REASONS.networkMode, td({ networkMode: 'none' }), {}],
    [REFUSAL_REASONS.noExecutionRole, td({ executionRoleArn: undefined as unknown as string }), {}],
    [REFUSAL_REASONS.noTaskRole, td({ taskRoleArn: undefined as unknown as string }), {}],
    [
      REFUSAL_REASONS.operatingSystem,
      td({
        runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' },
      }),
      {},
    ],
    [
      REFUSAL_REASONS.portClash,
      td({
        containerDefinitions: [app({ portMappings: [{ containerPort: 12345, protocol: 'tcp' }] }), adot()],
      }),
      {},
    ],
    [
      REFUSAL_REASONS.portClash,
      td({
        networkMode: 'host',
        containerDefinitions: [app({ portMappings: [{ containerPort: 8080, hostPort: 12345 }] }), adot()],
      }),
      {},
    ],
    [REFUSAL_REASONS.portClash, td(), { metricsPort: 12345 }],
    [
      REFUSAL_REASONS.budget,
      td({
        cpu: '256',
        memory: '512',
        containerDefinitions: [app({ cpu: 192, memory: 384 }), adot({ cpu: 64, memory: 128 })],
      }),
      {},
    ],
  ])('%s', (reason, input, svc) => {
    const clean = JSON.parse(JSON.stringify(input)) as TaskDefinitionInput;
    expect(reasonOf(clean, service(svc)).reason).toBe(reason);
  });

  it('lists every reason at once, the most fundamental first', () => {
    const input = td({
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'bridge',
      executionRoleArn: undefined as unknown as string,
    });
    const { message } = reasonOf(JSON.parse(JSON.stringify(input)) as TaskDefinitionInput);
    expect(message).toMatch(/\[fargate\][\s\S]*\[bridge-scrape\][\s\S]*\[no-execution-role\]/);
  });

  it('a budget refusal names the numbers and the way out', () => {
    const { message } = reasonOf(
      td({
        cpu: '256',
        memory: '512',
        containerDefinitions: [app({ cpu: 192, memory: 384 }), adot({ cpu: 64, memory: 128 })],
      }),
    );
    expect(message).toContain('cpu: containers would need 272 units, task allows 256');
    expect(message).toContain('memory: containers would need 544 MiB, task allows 512');
    expect(message).toContain('allowResize');
  });

  it('finds ADOT by the plan-given name when its image is not recognisable', () => {
    const input = td({ containerDefinitions: [app(), adot({ name: 'otel', image: 'example/my-otel:1' })] });
    const result = migrate(input, service({ adotContainer: 'otel' }), plan);
    expect(result.kind === 'migrated' && result.adotContainer).toBe('otel');
  });

  it('removes a bare link to the collector with a warning (nothing in the app names it)', () => {
    const input = td({
      networkMode: 'host',
      containerDefinitions: [app({ links: ['adot:collector', 'db'] }), adot()],
    });
    const result = migrate(input, service(), plan);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(result.taskDefinition.containerDefinitions[0]?.links).toEqual(['db']);
    expect(result.warnings.join('\n')).toContain('link to "adot" removed');
  });

  it('reports an already-migrated definition as a result, not an error', () => {
    const first = migrate(td(), service(), plan);
    if (first.kind !== 'migrated') throw new Error(first.reason);
    const again = migrate(first.taskDefinition, service(), plan);
    expect(again).toEqual({
      kind: 'already-migrated',
      reason: expect.stringContaining('"fam" already runs the Alloy sidecar'),
    });
  });

  it('treats a definition that already runs any Alloy container as migrated', () => {
    const input = td({
      containerDefinitions: [
        app(),
        adot(),
        { name: 'collector', image: 'grafana/alloy:v1.12.2', essential: false },
      ],
    });
    expect(migrate(input, service(), plan)).toEqual({
      kind: 'already-migrated',
      reason: expect.stringContaining('"collector"'),
    });
  });

  it('file-tail mounts the docker log directory read-only and a storage volume', () => {
    const result = migrate(td(), service(), planWith({ logSource: 'file-tail' }));
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const alloy = result.taskDefinition.containerDefinitions.find((c) => c.name === 'alloy');
    expect(alloy?.mountPoints).toContainEqual({
      sourceVolume: 'alloy-docker-containers',
      containerPath: '/var/lib/docker/containers',
      readOnly: true,
    });
    expect(alloy?.mountPoints).toContainEqual({
      sourceVolume: 'alloy-data',
      containerPath: '/var/lib/alloy',
      readOnly: false,
    });
    expect(result.taskDefinition.volumes?.map((v) => v.name)).toEqual([
      'alloy-config',
      'alloy-docker-socket',
      'alloy-docker-containers',
      'alloy-data',
    ]);
  });

  it('passes the renderer secrets (Loki credentials) to the sidecar, and a bare parameter name without a role account', () => {
    const withAuth = planWith(
      {},
      {
        loki: {
          url: 'http://loki:3100',
          authSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-abc',
        },
      },
    );
    const result = migrate(
      td({ executionRoleArn: 'exec-role-by-name', taskRoleArn: 'task-role-by-name' }),
      service(),
      withAuth,
    );
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const [, init, alloy] = result.taskDefinition.containerDefinitions;
    expect(alloy?.secrets).toEqual([
      { name: 'LOKI_AUTH', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-abc' },
    ]);
    expect(init?.secrets?.[0]?.valueFrom).toBe('/alloy-rollout/temporal-dev/svc/config.alloy');
  });

  it('gives Alloy the memoryReservation key when ADOT used it', () => {
    const input = td({
      containerDefinitions: [app(), adot({ memory: undefined as unknown as number, memoryReservation: 100 })],
    });
    const result = migrate(JSON.parse(JSON.stringify(input)) as TaskDefinitionInput, service(), plan);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const alloy = result.taskDefinition.containerDefinitions.find((c) => c.name === 'alloy');
    expect(alloy).toMatchObject({ memoryReservation: 100 });
    expect(alloy).not.toHaveProperty('memory');
  });
});

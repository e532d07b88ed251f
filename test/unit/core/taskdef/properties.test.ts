import fc from 'fast-check';
import {
  migrate,
  revert,
  toRegisterInput,
  type ContainerDefinition,
  type TaskDefinitionInput,
} from '../../../../core/taskdef';
import { planWith, service } from './helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('./helpers').fakeRenderer, { virtual: true });

const ADOT = 'collector';
const plan = planWith();

/** A key that is present with one of the given values, or absent. */
function optional<T>(key: string, value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> {
  return fc.option(value, { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));
}

const unknownField = optional(
  'xFutureField',
  fc.oneof(
    fc.constant(''),
    fc.integer(),
    fc.constant([]),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
  ),
);
const envValue = fc.constantFrom('', 'plain', 'true', 'True', '0.0.0.0:9090', 'https://example.org/x');
/** Docker's generic options (carried onto json-file) and awslogs' multi-line ones (dropped). */
const generic = fc.constantFrom<Record<string, string>>(
  {},
  { mode: 'non-blocking' },
  { mode: 'non-blocking', 'max-buffer-size': '25m' },
  { mode: 'blocking' },
);
const multiline = fc.constantFrom<Record<string, string>>(
  {},
  { 'awslogs-multiline-pattern': '^\\d{4}-' },
  { 'awslogs-datetime-format': '%Y-%m-%dT%H:%M:%S', 'awslogs-force-flush-interval-seconds': '2' },
);
const awslogs = fc
  .tuple(
    fc.record(
      {
        'awslogs-group': fc.constantFrom('/ecs/a', '/ecs/b'),
        'awslogs-create-group': fc.constantFrom('true', 'True'),
      },
      { requiredKeys: [] },
    ),
    generic,
    multiline,
  )
  .map(([base, docker, lines]) => ({ logDriver: 'awslogs', options: { ...base, ...docker, ...lines } }));
const anyLogging = fc.oneof(
  awslogs,
  fc.constant({ logDriver: 'json-file' }),
  fc.constant({ logDriver: 'splunk', options: {} }),
  generic.map((docker) => ({
    logDriver: 'awsfirelens',
    options: { Name: 'cloudwatch', ...docker },
    secretOptions: [{ name: 'apikey', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/k' }],
  })),
);
/** Drivers the migration switches only when the plan lists the container (switchLogDrivers). */
const switchedOnRequest = (c: ContainerDefinition) =>
  c.logConfiguration !== undefined && !['awslogs', 'json-file'].includes(c.logConfiguration.logDriver);

function containerArb(name: string, others: readonly string[]): fc.Arbitrary<ContainerDefinition> {
  const dependency = fc.record({
    containerName: fc.constantFrom(ADOT, ...others),
    condition: fc.constantFrom('START', 'HEALTHY'),
  });
  return fc
    .tuple(
      optional('image', fc.constantFrom('example/app:1', 'example/app@sha256:abc')),
      optional('essential', fc.boolean()),
      optional('cpu', fc.integer({ min: 0, max: 512 })),
      optional('memory', fc.integer({ min: 6, max: 512 })),
      optional(
        'environment',
        fc.array(fc.record({ name: fc.constantFrom('A', 'B', 'C'), value: envValue }), { maxLength: 3 }),
      ),
      optional('dependsOn', fc.uniqueArray(dependency, { maxLength: 3, selector: (d) => d.containerName })),
      optional('links', fc.uniqueArray(fc.constantFrom(ADOT, ...others), { maxLength: 2 })),
      optional('logConfiguration', anyLogging),
      optional(
        'portMappings',
        fc.constantFrom(
          [],
          [{ containerPort: 8080 }],
          [{ containerPort: 9090, protocol: 'tcp', name: 'metrics' }],
        ),
      ),
      unknownField,
    )
    .map((parts) => Object.assign({ name }, ...parts) as ContainerDefinition);
}

const adotArb: fc.Arbitrary<ContainerDefinition> = fc
  .tuple(
    optional('essential', fc.boolean()),
    optional('cpu', fc.integer({ min: 0, max: 256 })),
    optional('memory', fc.integer({ min: 6, max: 512 })),
    optional('command', fc.constantFrom([], ['--config', 'env:ADOT_CONFIG'])),
    optional('secrets', fc.constantFrom([], [{ name: 'AOT_CONFIG_CONTENT', valueFrom: 'otconfig' }])),
    optional('logConfiguration', awslogs),
    optional('mountPoints', fc.constantFrom([], [{ sourceVolume: 'certs', containerPath: '/etc/pki' }])),
    unknownField,
  )
  .map(
    (parts) =>
      Object.assign(
        { name: ADOT, image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest' },
        ...parts,
      ) as ContainerDefinition,
  );

interface Case {
  readonly td: TaskDefinitionInput;
  readonly main: string[] | undefined;
}

const caseArb: fc.Arbitrary<Case> = fc
  .uniqueArray(fc.constantFrom('web', 'worker', 'proxy', 'db-migrate', 'cron'), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((names) =>
    fc.record({
      apps: fc.tuple(
        ...names.map((n) =>
          containerArb(n, names.filter((o) => o !== n).length > 0 ? names.filter((o) => o !== n) : [n]),
        ),
      ),
      adot: adotArb,
      position: fc.nat({ max: names.length }),
      task: fc.tuple(
        optional('networkMode', fc.constantFrom('awsvpc', 'host')),
        optional('requiresCompatibilities', fc.constantFrom([], ['EC2'])),
        optional(
          'volumes',
          fc.constantFrom(
            [],
            [{ name: 'certs' }],
            [{ name: 'certs', host: { sourcePath: '/etc/pki' } }, { name: 'data' }],
          ),
        ),
        optional('tags', fc.constantFrom([], [{ key: 'team', value: 'platform' }])),
        unknownField,
      ),
      main: fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }),
    }),
  )
  .map(({ apps, adot, position, task, main }) => {
    // ECS needs an essential container besides the collector (refused otherwise, tested elsewhere).
    const first = apps[0];
    if (first) first.essential = true;
    const containers = [...apps];
    containers.splice(position, 0, adot);
    const td = Object.assign(
      {
        family: 'generated',
        executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
        taskRoleArn: 'arn:aws:iam::123456789012:role/task',
        networkMode: 'awsvpc',
      },
      ...task,
      { containerDefinitions: containers },
    ) as TaskDefinitionInput;
    return { td, main };
  });

function migrated(c: Case): TaskDefinitionInput {
  const main = c.main ?? c.td.containerDefinitions.filter((x) => x.name !== ADOT).map((x) => x.name);
  const switchLogDrivers = c.td.containerDefinitions
    .filter((x) => main.includes(x.name) && switchedOnRequest(x))
    .map((x) => x.name);
  const result = migrate(
    c.td,
    service({ ...(c.main ? { mainContainers: c.main } : {}), switchLogDrivers }),
    plan,
  );
  if (result.kind !== 'migrated') throw new Error(result.reason);
  return result.taskDefinition;
}

function withoutCollectorRefs(c: ContainerDefinition): ContainerDefinition {
  const out = { ...c };
  if (c.dependsOn?.some((d) => d.containerName === ADOT)) {
    const kept = c.dependsOn.filter((d) => d.containerName !== ADOT);
    if (kept.length > 0) out.dependsOn = kept;
    else delete out.dependsOn;
  }
  if (c.links?.includes(ADOT)) {
    const kept = c.links.filter((l) => l !== ADOT);
    if (kept.length > 0) out.links = kept;
    else delete out.links;
  }
  return out;
}

describe('migrate/revert properties over generated task definitions', () => {
  it('revert(migrate(x), x) equals x byte for byte', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const back = revert(migrated(c), c.td).taskDefinition;
        expect(JSON.stringify(back)).toBe(JSON.stringify(toRegisterInput(c.td)));
      }),
      { numRuns: 200 },
    );
  });

  it('changes nothing but the collector, main-container logging and references to the collector', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const after = migrated(c);
        const main = new Set(
          c.main ?? c.td.containerDefinitions.filter((x) => x.name !== ADOT).map((x) => x.name),
        );
        const originals = c.td.containerDefinitions.filter((x) => x.name !== ADOT);
        const kept = after.containerDefinitions.filter((x) => x.name !== 'alloy' && x.name !== 'alloy-init');
        expect(kept.map((x) => x.name)).toEqual(originals.map((x) => x.name));
        kept.forEach((now, i) => {
          const was = withoutCollectorRefs(originals[i] as ContainerDefinition);
          const switched = was.logConfiguration?.logDriver === 'awslogs' || switchedOnRequest(was);
          if (main.has(now.name) && switched) {
            const options = was.logConfiguration?.options ?? {};
            const carried = Object.fromEntries(
              ['mode', 'max-buffer-size'].flatMap((k) => (options[k] === undefined ? [] : [[k, options[k]]])),
            );
            expect(now.logConfiguration).toEqual({
              logDriver: 'json-file',
              options: { 'max-size': '10m', 'max-file': '5', ...carried },
            });
            expect({ ...now, logConfiguration: was.logConfiguration }).toEqual(was);
          } else {
            expect(now).toEqual(was);
          }
          expect(JSON.stringify(Object.keys(now))).toBe(JSON.stringify(Object.keys(was)));
        });
        const { containerDefinitions: _c, volumes: volumesAfter, ...restAfter } = after;
        const { containerDefinitions: _d, volumes: volumesBefore, ...restBefore } = c.td;
        expect(restAfter).toEqual(restBefore);
        expect(volumesAfter?.slice(0, volumesBefore?.length ?? 0)).toEqual(volumesBefore ?? []);
        expect(after.containerDefinitions.some((x) => x.name === ADOT)).toBe(false);
        const essentials = after.containerDefinitions.filter((x) => x.essential !== false);
        expect(
          essentials.flatMap((x) => x.dependsOn ?? []).some((d) => d.containerName.startsWith('alloy')),
        ).toBe(false);
        void _c;
        void _d;
      }),
      { numRuns: 200 },
    );
  });
});

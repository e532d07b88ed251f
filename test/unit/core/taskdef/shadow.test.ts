import { UnmigratableError } from '../../../../core/errors';
import {
  migrate,
  revert,
  shadowStreamName,
  shadowTaskDefinition,
  toRegisterInput,
} from '../../../../core/taskdef';
import {
  EXAMPLE_SERVICES,
  appContainer,
  example,
  legacyTask,
  planService,
  planWith,
  service,
} from './helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('./helpers').fakeRenderer, { virtual: true });

const plan = planWith();

function migratedOf(baseline: Parameters<typeof migrate>[0], svc = service()) {
  const result = migrate(baseline, svc, plan);
  if (result.kind !== 'migrated') throw new Error(result.reason);
  return result;
}

describe('shadowTaskDefinition', () => {
  it.each(EXAMPLE_SERVICES)(
    '%s: keeps awslogs on the main containers, the sidecar of the final revision, and reverts to the baseline byte for byte',
    (name) => {
      const baseline = example(name);
      const svc = planService(plan, name);
      const final = migratedOf(baseline, svc);
      const shadow = shadowTaskDefinition(baseline, final.taskDefinition, final.mainContainers, name);
      const base = toRegisterInput(baseline);
      for (const c of shadow.taskDefinition.containerDefinitions) {
        const original = base.containerDefinitions.find((b) => b.name === c.name);
        if (final.mainContainers.includes(c.name))
          expect(c.logConfiguration).toEqual(original?.logConfiguration);
        else expect(c).toEqual(final.taskDefinition.containerDefinitions.find((f) => f.name === c.name));
      }
      expect(shadow.streams.map((s) => s.container)).toEqual(final.mainContainers);
      const back = revert(shadow.taskDefinition, baseline);
      expect(JSON.stringify(back.taskDefinition)).toBe(JSON.stringify(base));
    },
  );

  it('names the stream of a task as awslogs does: prefix/container/task id', () => {
    const baseline = legacyTask();
    const final = migratedOf(baseline);
    const { streams } = shadowTaskDefinition(baseline, final.taskDefinition, ['app'], 'app');
    expect(streams).toEqual([{ container: 'app', logGroup: '/ecs/app', streamPrefix: 'app' }]);
    expect(shadowStreamName(streams[0]!, 'abc123')).toBe('app/app/abc123');
  });

  it('refuses a main container whose stream cannot be matched to a task, naming it', () => {
    const baseline = legacyTask({
      containerDefinitions: [
        appContainer({
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app' } },
        }),
        legacyTask().containerDefinitions[1]!,
      ],
    });
    const final = migratedOf(baseline);
    let caught: unknown;
    try {
      shadowTaskDefinition(baseline, final.taskDefinition, ['app'], 'app');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnmigratableError);
    expect((caught as UnmigratableError).details.reason).toBe('shadow-stream');
    expect((caught as Error).message).toContain('"app" has no awslogs-stream-prefix');
  });
});

describe('shadowTaskDefinition and the readable log groups', () => {
  it("refuses a main container logging outside the plan's log group pattern", () => {
    const baseline = legacyTask();
    const final = migratedOf(baseline);
    expect(() =>
      shadowTaskDefinition(baseline, final.taskDefinition, ['app'], 'app', (c) => `/ecs/c1/${c}`),
    ).toThrow('main container "app" logs to "/ecs/app", not "/ecs/c1/app"');
    expect(
      shadowTaskDefinition(baseline, final.taskDefinition, ['app'], 'app', () => '/ecs/app').streams,
    ).toHaveLength(1);
  });
});

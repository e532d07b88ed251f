import { migrate } from '../../../../core/taskdef';
import { logContainersOf } from '../../../../core/taskdef/log-containers';
import { adotContainer, appContainer, legacyTask, planWith, service } from './helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('./helpers').fakeRenderer, { virtual: true });

const plan = planWith();
const helper = appContainer({
  name: 'helper',
  logConfiguration: {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': '/ecs/app',
      'awslogs-region': 'eu-west-1',
      'awslogs-stream-prefix': 'helper',
    },
  },
});

function migrated(...args: Parameters<typeof legacyTask>) {
  const result = migrate(legacyTask(...args), service(), plan);
  if (result.kind !== 'migrated') throw new Error('expected a migration');
  return result.taskDefinition;
}

describe('logContainersOf', () => {
  it('is every main container Alloy reads, helpers included, never the Alloy containers', () => {
    const td = migrated({ containerDefinitions: [appContainer(), helper, adotContainer()] });
    expect(logContainersOf(td)).toEqual(['app', 'helper']);
  });

  it("is only the plan's mainContainers when the plan names them", () => {
    const input = legacyTask({ containerDefinitions: [appContainer(), helper, adotContainer()] });
    const result = migrate(input, service({ mainContainers: ['app'] }), plan);
    if (result.kind !== 'migrated') throw new Error('expected a migration');
    expect(logContainersOf(result.taskDefinition)).toEqual(['app']);
  });

  it('leaves out a main container on a driver Alloy does not read', () => {
    // migrate refuses such a driver (unreadable-log-driver): here a later revision put it back.
    const td = migrated({ containerDefinitions: [appContainer(), helper, adotContainer()] });
    const later = td.containerDefinitions.find((c) => c.name === 'helper');
    if (!later) throw new Error('expected the helper container');
    later.logConfiguration = { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } };
    expect(logContainersOf(td)).toEqual(['app']);
  });

  it('keeps a main container without logConfiguration (the host default, json-file on ECS AMIs)', () => {
    const bare = appContainer({ name: 'bare' });
    delete (bare as { logConfiguration?: unknown }).logConfiguration;
    const td = migrated({ containerDefinitions: [appContainer(), bare, adotContainer()] });
    expect(logContainersOf(td)).toEqual(['app', 'bare']);
  });

  it('is undefined for a definition the migration did not produce', () => {
    expect(logContainersOf(legacyTask())).toBeUndefined();
  });
});

import { describeAlloyConfig } from '../../../../core/alloy';
import { UnmigratableError } from '../../../../core/errors';
import {
  migrate,
  revert,
  type ContainerDefinition,
  type TaskDefinitionInput,
} from '../../../../core/taskdef';
import { adotContainer, appContainer, legacyTask, planWith, service } from './helpers';

const plan = planWith();

const firelensApp = (name: string): ContainerDefinition =>
  appContainer({
    name,
    logConfiguration: {
      logDriver: 'awsfirelens',
      options: { Name: 'datadog', mode: 'non-blocking', 'max-buffer-size': '25m' },
      secretOptions: [{ name: 'apikey', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/dd' }],
    },
  });
const router: ContainerDefinition = {
  name: 'log_router',
  image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
  essential: true,
  firelensConfiguration: { type: 'fluentbit' },
  logConfiguration: {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': '/ecs/firelens',
      'awslogs-region': 'eu-west-1',
      'awslogs-stream-prefix': 'fb',
    },
  },
};

function refusal(td: TaskDefinitionInput, svc = service()): UnmigratableError {
  try {
    migrate(td, svc, plan);
  } catch (e) {
    if (e instanceof UnmigratableError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

function migrated(td: TaskDefinitionInput, svc = service()) {
  const result = migrate(td, svc, plan);
  if (result.kind !== 'migrated') throw new Error(result.reason);
  return result;
}

describe('main containers on a driver Alloy cannot read', () => {
  it.each(['awsfirelens', 'splunk', 'fluentd', 'gelf', 'syslog'])(
    'refuses %s, naming the way out',
    (driver) => {
      const app = appContainer({ logConfiguration: { logDriver: driver, options: {} } });
      const error = refusal(legacyTask({ containerDefinitions: [app, adotContainer()] }));
      expect(error.details).toMatchObject({ reason: 'unreadable-log-driver' });
      expect(error.message).toContain(`main container "app" logs with "${driver}"`);
      expect(error.message).toContain("list it in the service's switchLogDrivers");
    },
  );

  it('refuses a switchLogDrivers entry that is no main container', () => {
    const td = legacyTask({ containerDefinitions: [appContainer(), adotContainer()] });
    const error = refusal(td, service({ switchLogDrivers: ['ghost'] }));
    expect(error.details).toMatchObject({ reason: 'unknown-main-container' });
    expect(error.message).toContain('switchLogDrivers names "ghost", not among the main containers (app)');
  });

  it('switches a listed container to json-file, keeping mode and max-buffer-size, and reverts byte for byte', () => {
    const td = legacyTask({ containerDefinitions: [firelensApp('app'), router, adotContainer()] });
    const result = migrated(td, service({ switchLogDrivers: ['app'] }));
    const app = result.taskDefinition.containerDefinitions.find((c) => c.name === 'app');
    expect(app?.logConfiguration).toEqual({
      logDriver: 'json-file',
      options: { 'max-size': '10m', 'max-file': '5', mode: 'non-blocking', 'max-buffer-size': '25m' },
    });
    expect(JSON.stringify(revert(result.taskDefinition, td).taskDefinition)).toBe(JSON.stringify(td));
  });
});

describe('a FireLens log router', () => {
  it('is no main container by default and is left as it was', () => {
    const td = legacyTask({ containerDefinitions: [firelensApp('app'), router, adotContainer()] });
    const result = migrated(td, service({ switchLogDrivers: ['app'] }));
    expect(result.mainContainers).toEqual(['app']);
    expect(result.taskDefinition.containerDefinitions.find((c) => c.name === 'log_router')).toEqual(router);
    expect(result.warnings).toContain(
      'FireLens log router "log_router" is kept, but no container logs through it any more (awsfirelens); remove it in a later revision if nothing else needs it',
    );
  });

  it('gets no warning while a container outside the migration still routes through it', () => {
    const td = legacyTask({
      containerDefinitions: [firelensApp('app'), firelensApp('audit'), router, adotContainer()],
    });
    const result = migrated(td, service({ mainContainers: ['app'], switchLogDrivers: ['app'] }));
    expect(result.warnings.some((w) => w.includes('log_router'))).toBe(false);
  });

  it('is collected like any container when the plan names it', () => {
    const td = legacyTask({ containerDefinitions: [appContainer(), router, adotContainer()] });
    const result = migrated(td, service({ mainContainers: ['app', 'log_router'] }));
    const after = result.taskDefinition.containerDefinitions.find((c) => c.name === 'log_router');
    expect(after?.logConfiguration?.logDriver).toBe('json-file');
    expect(after?.firelensConfiguration).toEqual({ type: 'fluentbit' });
  });
});

describe('awslogs multi-line settings', () => {
  it('become a stage.multiline on exactly the containers that had them', () => {
    const pattern = appContainer({
      name: 'history',
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-multiline-pattern': '^\\{' } },
    });
    const samePattern = appContainer({
      name: 'matching',
      essential: false,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-multiline-pattern': '^\\{' } },
    });
    const datetime = appContainer({
      name: 'worker',
      essential: false,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-datetime-format': '%Y-%m-%d', 'awslogs-force-flush-interval-seconds': '10' },
      },
    });
    const plain = appContainer({ name: 'web', essential: false });
    const td = legacyTask({ containerDefinitions: [pattern, samePattern, datetime, plain, adotContainer()] });
    const result = migrated(td);
    expect(describeAlloyConfig(result.alloyConfig).logs.multiline).toEqual([
      { containers: ['history', 'matching'], firstline: '^\\{', maxWaitTime: '5s' },
      {
        containers: ['worker'],
        firstline: '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[1,2][0-9]|3[0,1])',
        maxWaitTime: '10s',
      },
    ]);
    expect(JSON.stringify(revert(result.taskDefinition, td).taskDefinition)).toBe(JSON.stringify(td));
  });
});

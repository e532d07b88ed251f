import { isDockerHubImage } from '../../../../core/plan/resolve';
import { renderServiceAlloyConfig } from '../../../../core/alloy';
import { validateAlloy } from '../../../../core/alloy/validate';
import {
  migrate,
  revert,
  toRegisterInput,
  type ContainerDefinition,
  type TaskDefinitionInput,
} from '../../../../core/taskdef';
import { allowedPaths } from '../../../../core/taskdef/docker-proxy';
import { drainFor, WRAPPER_SCRIPT } from '../../../../core/taskdef/sidecar-lifecycle';
import { adotContainer, appContainer, legacyTask, planWith, service } from './helpers';

const app = appContainer;
const adot = adotContainer;
const td = legacyTask;

function migrated(input: TaskDefinitionInput, alloy: Record<string, unknown> = {}) {
  const result = migrate(input, service(), planWith(alloy));
  if (result.kind !== 'migrated') throw new Error(result.reason);
  return result;
}

function named(result: ReturnType<typeof migrated>, name: string): ContainerDefinition {
  const found = result.taskDefinition.containerDefinitions.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

describe('the drain at task stop', () => {
  it('outlasts the longest main container stop: ECS default 30 s, plus a 10 s flush margin', () => {
    expect(drainFor([app()], undefined)).toMatchObject({ seconds: 30, stopTimeout: 40 });
    expect(drainFor([app({ stopTimeout: 90 }), app({ stopTimeout: 5 })], undefined)).toMatchObject({
      seconds: 90,
      stopTimeout: 100,
    });
  });

  it('is capped so the stopTimeout stays within the 120 s ECS allows, and says so', () => {
    const result = migrated(td({ containerDefinitions: [app({ stopTimeout: 300 }), adot()] }));
    expect(named(result, 'alloy').stopTimeout).toBe(120);
    expect(result.warnings.join('\n')).toMatch(/drains 110s at task stop \(capped/);
  });

  it('takes the plan figure when given, and refuses one past 110 s when the plan is read', () => {
    const alloy = named(migrated(td(), { drain: '5s' }), 'alloy');
    expect(alloy.stopTimeout).toBe(15);
    expect(alloy.environment).toContainEqual({ name: 'ALLOY_DRAIN_SECONDS', value: '5' });
    expect(() => planWith({ drain: '2m' })).toThrow(/alloy\.drain: .*at most 110s/);
  });

  it('runs Alloy under a bash wrapper that drains on TERM and retries start-up exits', () => {
    const alloy = named(migrated(td()), 'alloy');
    expect(alloy.entryPoint).toEqual(['/bin/bash', '-c', WRAPPER_SCRIPT, 'alloy']);
    expect(alloy.command?.[0]).toBe('run');
    expect(WRAPPER_SCRIPT).toContain(`trap 'sleep "\${ALLOY_DRAIN_SECONDS:-0}"; kill -TERM "$pid"`);
    expect(WRAPPER_SCRIPT).toMatch(/SECONDS - started\)\) -lt 60/);
  });
});

describe("restart, health and the sidecar's own logs", () => {
  it('restarts Alloy after an exit, checks /-/healthy, and no essential container waits for it', () => {
    const result = migrated(td());
    const alloy = named(result, 'alloy');
    expect(alloy.restartPolicy).toEqual({ enabled: true, restartAttemptPeriod: 60 });
    expect(alloy.healthCheck).toMatchObject({ interval: 30, timeout: 5, retries: 3, startPeriod: 60 });
    expect(alloy.healthCheck?.command.slice(0, 3)).toEqual(['CMD', '/bin/bash', '-c']);
    expect(alloy.healthCheck?.command[3]).toContain('GET /-/healthy HTTP/1.0');
    expect(named(result, 'app').dependsOn).toBeUndefined();
  });

  it("keeps Alloy's own logs in the main container's log group under the alloy prefix", () => {
    expect(named(migrated(td()), 'alloy').logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': '/ecs/app',
        'awslogs-region': 'eu-west-1',
        'awslogs-stream-prefix': 'alloy',
        mode: 'non-blocking',
        'max-buffer-size': '4m',
      },
    });
  });

  it("prefers the collector's own log group, where its logs were before", () => {
    const collector = adot({
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/adot' } },
    });
    const alloy = named(migrated(td({ containerDefinitions: [app(), collector] })), 'alloy');
    expect(alloy.logConfiguration?.options).toMatchObject({
      'awslogs-group': '/ecs/adot',
      'awslogs-stream-prefix': 'alloy',
    });
  });

  it('falls back to json-file, with a warning, when no main container used a log group', () => {
    const jsonApp = app({ logConfiguration: { logDriver: 'json-file' } });
    const result = migrated(td({ containerDefinitions: [jsonApp, adot()] }));
    expect(named(result, 'alloy').logConfiguration?.logDriver).toBe('json-file');
    expect(result.warnings.join('\n')).toContain("Alloy's own logs stay in json-file");
  });
});

describe('the Alloy port', () => {
  it('listens on loopback only; in host mode the port is reserved so ECS never co-places a second task', () => {
    const awsvpc = named(migrated(td()), 'alloy');
    expect(awsvpc.command).toContain('--server.http.listen-addr=127.0.0.1:12345');
    expect(awsvpc.portMappings).toBeUndefined();
    const host = named(migrated(td({ networkMode: 'host' }), { listenPort: 12400 }), 'alloy');
    expect(host.command).toContain('--server.http.listen-addr=127.0.0.1:12400');
    expect(host.portMappings).toEqual([{ containerPort: 12400, hostPort: 12400, protocol: 'tcp' }]);
    expect(host.healthCheck?.command[3]).toContain('/dev/tcp/127.0.0.1/12400');
  });

  it('a port taken by the app is refused with the way out; another listenPort migrates', () => {
    const taken = td({
      containerDefinitions: [app({ portMappings: [{ containerPort: 12345 }] }), adot()],
    });
    expect(() => migrated(taken)).toThrow(
      /\[port-clash\] container "app" maps port 12345.*set alloy\.listenPort/,
    );
    expect(named(migrated(taken, { listenPort: 12346 }), 'alloy').command).toContain(
      '--server.http.listen-addr=127.0.0.1:12346',
    );
  });
});

describe('the docker API proxy (alloy.dockerAccess: proxy)', () => {
  it('puts a socket-proxy between Alloy and the host socket; Alloy never mounts the socket itself', () => {
    const result = migrated(td(), { dockerAccess: 'proxy' });
    expect(result.taskDefinition.containerDefinitions.map((c) => c.name)).toEqual([
      'app',
      'alloy-init',
      'alloy-docker-proxy',
      'alloy',
    ]);
    const proxy = named(result, 'alloy-docker-proxy');
    expect(proxy).toMatchObject({ essential: false, user: '0', readonlyRootFilesystem: true });
    expect(proxy.image).toBe('wollomatic/socket-proxy:1.13.1');
    expect(proxy.command).toContain('-proxysocketendpoint=/var/run/alloy-docker/docker.sock');
    expect(proxy.command?.some((a) => a.startsWith('-allowPOST'))).toBe(false);
    expect(proxy.logConfiguration?.options?.['awslogs-stream-prefix']).toBe('alloy-docker-proxy');
    const alloy = named(result, 'alloy');
    expect(alloy.dependsOn).toContainEqual({ containerName: 'alloy-docker-proxy', condition: 'START' });
    expect(alloy.mountPoints?.map((m) => m.containerPath)).not.toContain('/var/run/docker.sock');
    expect(alloy.mountPoints).toContainEqual({
      sourceVolume: 'alloy-docker-api',
      containerPath: '/var/run/alloy-docker',
      readOnly: true,
    });
  });

  it('renders Alloy against the filtered socket', () => {
    const plan = planWith({ dockerAccess: 'proxy' });
    const config = renderServiceAlloyConfig(plan, service(), {
      mainContainers: ['app'],
      networkMode: 'awsvpc',
    });
    expect(config.config.match(/host\s+= "unix:\/\/\/var\/run\/alloy-docker\/docker.sock"/g)).toHaveLength(2);
    expect(config.config).not.toContain('unix:///var/run/docker.sock');
    for (const logSource of ['docker-api', 'file-tail']) {
      const text = renderServiceAlloyConfig(planWith({ dockerAccess: 'proxy', logSource }), service(), {
        mainContainers: ['app'],
        networkMode: 'host',
      }).config;
      expect(validateAlloy(text)).toEqual({ errors: [], warnings: [] });
    }
  });

  it('allows only the reads each log source needs: file-tail never needs inspect or logs', () => {
    const matches = (paths: string[], path: string) => paths.some((p) => new RegExp(`^${p}$`).test(path));
    const docker = allowedPaths('docker-api');
    const file = allowedPaths('file-tail');
    for (const path of ['/v1.47/containers/json', '/_ping', '/v1.47/networks'])
      expect([matches(docker, path), matches(file, path)]).toEqual([true, true]);
    expect(matches(docker, '/v1.47/containers/3f2a/logs')).toBe(true);
    expect(matches(docker, '/v1.47/containers/3f2a/json')).toBe(true);
    expect(matches(file, '/v1.47/containers/3f2a/json')).toBe(false);
    for (const path of [
      '/v1.47/containers/create',
      '/v1.47/containers/3f2a/exec',
      '/v1.47/images/json',
      '/v1.47/secrets',
    ])
      expect(matches(docker, path)).toBe(false);
  });
});

describe('images', () => {
  it('knows a Docker Hub reference from a registry one', () => {
    for (const image of [
      'grafana/alloy:v1.18.1',
      'busybox',
      'docker.io/grafana/alloy',
      'index.docker.io/library/busybox:1',
    ])
      expect(isDockerHubImage(image)).toBe(true);
    for (const image of [
      'public.ecr.aws/docker/library/busybox:1.37',
      'localhost/alloy',
      'registry:5000/alloy',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/alloy:1',
    ])
      expect(isDockerHubImage(image)).toBe(false);
  });

  it('warns when an added image comes from Docker Hub, and pulls it through the mirror when the plan names one', () => {
    const plain = migrated(td(), { dockerAccess: 'proxy' });
    expect(plain.warnings.filter((w) => w.includes('pulled from Docker Hub'))).toHaveLength(2);
    const mirror = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub';
    const mirrored = migrated(td(), { dockerAccess: 'proxy', dockerHubMirror: mirror });
    expect(named(mirrored, 'alloy').image).toBe(`${mirror}/grafana/alloy:v1.18.1`);
    expect(named(mirrored, 'alloy-docker-proxy').image).toBe(`${mirror}/wollomatic/socket-proxy:1.13.1`);
    expect(named(mirrored, 'alloy-init').image).toBe('public.ecr.aws/docker/library/busybox:1.37');
    expect(mirrored.warnings.join('\n')).not.toContain('Docker Hub');
    expect(
      named(migrated(td(), { dockerHubMirror: mirror, initImage: 'busybox:1.37' }), 'alloy-init').image,
    ).toBe(`${mirror}/library/busybox:1.37`);
  });

  it('warns about the full docker API of the plain socket', () => {
    expect(migrated(td()).warnings.join('\n')).toMatch(
      /dockerAccess: socket.*full docker API.*use alloy\.dockerAccess: proxy/,
    );
    expect(migrated(td(), { dockerAccess: 'proxy' }).warnings.join('\n')).not.toContain('full docker API');
  });
});

describe('revert removes everything the migration added', () => {
  it.each([
    ['awsvpc, socket', {}, td()],
    ['host mode with a reserved port', {}, td({ networkMode: 'host' })],
    ['proxy and file-tail', { dockerAccess: 'proxy', logSource: 'file-tail' }, td()],
    [
      'proxy in host mode, custom port and drain',
      { dockerAccess: 'proxy', listenPort: 20000, drain: '45s' },
      td({ networkMode: 'host' }),
    ],
  ])('%s', (_name, alloy, input) => {
    const back = revert(migrated(input, alloy).taskDefinition, input).taskDefinition;
    expect(JSON.stringify(back)).toBe(JSON.stringify(toRegisterInput(input)));
  });
});

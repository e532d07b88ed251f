import { CONFIG_ENV } from '../../../../core/taskdef/names';
import { CloudWatchLogsTwin } from '../../../../sandbox/aws/cloudwatch-logs';
import { SecretsManagerTwin } from '../../../../sandbox/aws/secrets-manager';
import { SsmTwin } from '../../../../sandbox/aws/ssm';
import { SimClock } from '../../../../sandbox/clock';
import type { Task, TaskDefinition } from '../../../../sandbox/ecs/model';
import { FaultInjector, parseFaults } from '../../../../sandbox/faults';
import type { AlloyShipping } from '../../../../sandbox/workload/alloy-summary';
import { Workload, type LokiSink } from '../../../../sandbox/workload/workload';

/**
 * The shadow revision in the sandbox: an awslogs application container beside an Alloy sidecar
 * that reads the Docker API. Its lines go to CloudWatch and to Docker's dual-logging cache, which
 * Alloy reads; the drop-lines fault makes Alloy lose a share of them. Fake timers, exact clock.
 */

const SERVICE = 'temporal-dev-temporal-history';
const CONFIG_PARAM = '/alloy-rollout/temporal-dev/history/config';
const LOG_GROUP = '/ecs/temporal-dev/temporal-history';
const SPEED = 20;
/** No container of these tasks exits on its own. */
const NO_AGENT = { exited: () => undefined };
/** One line pair per container every 5 simulated seconds (the workload's floor at this speed). */
const LOG_PERIOD_MS = 5_000;

const SHIPPING: AlloyShipping = {
  shipsLogs: true,
  staticLabels: { service_name: 'history', cluster: 'temporal-dev' },
  mapsContainerName: true,
  mapsTaskId: true,
  mapsLevel: true,
  readsDockerApi: true,
  metrics: { staticLabels: { service_name: 'history' }, taskIdMapped: true },
};

/** The shadow revision: awslogs kept on the application container, the Alloy sidecar added. */
function shadowDefinition(): TaskDefinition {
  return {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:000000000000:task-definition/temporal-history:3',
    family: 'temporal-history',
    revision: 3,
    status: 'ACTIVE',
    containerDefinitions: [
      {
        name: 'temporal-history',
        image: 'temporalio/server:1.24',
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': LOG_GROUP, 'awslogs-stream-prefix': 'temporal-history' },
        },
      },
      { name: 'alloy', image: 'grafana/alloy:v1.8.0', essential: false },
      {
        name: 'alloy-init',
        image: 'public.ecr.aws/docker/library/busybox:1.36',
        essential: false,
        secrets: [{ name: CONFIG_ENV, valueFrom: CONFIG_PARAM }],
      },
    ],
    compatibilities: ['EC2'],
    registeredAt: 0,
  };
}

function task(td: TaskDefinition): Task {
  const id = '00000000000000000000000000000abc';
  return {
    taskArn: `arn:aws:ecs:eu-west-1:000000000000:task/temporal-dev/${id}`,
    id,
    clusterName: 'temporal-dev',
    taskDefinitionArn: td.taskDefinitionArn,
    serviceName: SERVICE,
    containerInstanceArn: 'arn:aws:ecs:eu-west-1:000000000000:container-instance/temporal-dev/ci',
    containers: [],
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    createdAt: Date.now(),
    startedAt: Date.now(),
    cpu: 256,
    memory: 512,
  };
}

function run(
  faultSpecs: string[],
  shipping: AlloyShipping = SHIPPING,
): { cloudwatch: string[]; loki: string[] } {
  const clock = new SimClock({ speed: SPEED });
  const now = () => clock.now();
  const logs = new CloudWatchLogsTwin('eu-west-1', '000000000000', now);
  logs.createGroup(LOG_GROUP);
  const ssm = new SsmTwin('eu-west-1', '000000000000', now);
  ssm.put({ name: CONFIG_PARAM, value: 'rendered Alloy config' });
  const loki: string[] = [];
  const cloudwatch: string[] = [];
  const sink: LokiSink = {
    ready: () => true,
    push: (streams) => {
      for (const s of streams) for (const [, line] of s.values) loki.push(line);
    },
  };
  const append = logs.append.bind(logs);
  logs.append = (group, stream, events) => {
    cloudwatch.push(...events.map((e) => e.message));
    append(group, stream, events);
  };
  const workload = new Workload({
    clock,
    logs,
    ssm,
    secrets: new SecretsManagerTwin('eu-west-1', '000000000000', now),
    loki: sink,
    faults: new FaultInjector(parseFaults(faultSpecs), { history: SERVICE }),
    describeAlloy: () => shipping,
    metricsAddress: () => '127.0.0.1:4566',
    onTargets: () => undefined,
    serviceLabel: () => 'history',
    logPeriodMs: LOG_PERIOD_MS,
    stackTraceEvery: 0,
  });
  workload.onRunning(task(shadowDefinition()), shadowDefinition(), NO_AGENT);
  // 500 simulated seconds: 101 line pairs, 202 lines.
  jest.advanceTimersByTime(clock.realMs(500_000));
  workload.stop();
  clock.stop();
  return { cloudwatch, loki };
}

describe('the shadow revision in the sandbox (dual logging)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ships every awslogs line to CloudWatch and, through the cache, to Loki', () => {
    const { cloudwatch, loki } = run([]);
    expect(cloudwatch).toHaveLength(202);
    expect(loki).toEqual(cloudwatch);
  });

  it('drop-lines=1%: Alloy loses every 100th line it reads, CloudWatch keeps them all', () => {
    const { cloudwatch, loki } = run(['history:drop-lines=1%']);
    expect(cloudwatch).toHaveLength(202);
    expect(loki).toHaveLength(200);
    expect(loki).toEqual(cloudwatch.filter((_, i) => (i + 1) % 100 !== 0));
  });

  it('file-tail cannot read the cache: nothing reaches Loki', () => {
    const { cloudwatch, loki } = run([], { ...SHIPPING, readsDockerApi: false });
    expect(cloudwatch).toHaveLength(202);
    expect(loki).toEqual([]);
  });
});

describe('the drop-lines fault spec', () => {
  it('reads a percent as one line in a whole number', () => {
    expect(parseFaults(['history:drop-lines=0.5%'])).toEqual([
      { kind: 'drop-lines', service: 'history', percent: 0.5, every: 200 },
    ]);
  });

  it.each([
    'history:drop-lines',
    'history:drop-lines=0.3%',
    'history:drop-lines=60%',
    'history:drop-lines=2',
  ])('refuses %s, saying what is expected', (spec) => {
    expect(() => parseFaults([spec])).toThrow(
      /expected drop-lines=<percent>% with one line in a whole number lost/,
    );
  });
});

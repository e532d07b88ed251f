import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as loki, type LokiResult } from '../../../../lambdas/handlers/loki';
import { renderLokiConfig } from '../../../../infra/loki/loki-config';
import { event } from '../fixtures';
import { carried, serveFetch, useClock, useExampleCredentials } from './support';

/**
 * The Loki step's storage stage, after the canary: /config (retention, object store), the S3
 * gateway endpoint of Loki's subnets, POST /flush and the bucket's new chunks. The example plan
 * asks for 744h retention and the bucket temporal-dev-loki-chunks.
 */
const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const BUCKET = 'temporal-dev-loki-chunks';
const VPC = 'vpc-0a1b2c3d';
const SUBNETS = ['subnet-0aaa1111', 'subnet-0bbb2222'];

let configYaml: string;
let configStatus: number;
let flushes: number;
let clock: ReturnType<typeof useClock>;

function lokiState(): Record<string, unknown> {
  return {
    verdict: 'pending',
    stage: 'storage',
    target: null,
    window: { startedAtMs: T0, allowanceMs: 30_000, attempts: 1 },
    canary: { marker: 'run-1-abc', pushedAtMs: T0 - 2_000 },
    checks: [],
  };
}

function routeTables(withEndpoint: boolean) {
  return {
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: VPC,
        Associations: [{ Main: true }],
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' as const },
          ...(withEndpoint
            ? [
                {
                  DestinationPrefixListId: 'pl-6da54004',
                  GatewayId: 'vpce-0123abcd',
                  State: 'active' as const,
                },
              ]
            : []),
        ],
      },
    ],
  };
}

beforeEach(() => {
  ecs.reset();
  ec2.reset();
  s3.reset();
  useExampleCredentials();
  clock = useClock(T0);
  configYaml = renderLokiConfig({ bucketName: BUCKET, region: 'eu-west-1', retentionDays: 31 });
  configStatus = 200;
  flushes = 0;
  serveFetch((url, init) => {
    if (url.pathname === '/config') return new Response(configYaml, { status: configStatus });
    if (url.pathname === '/flush' && init?.method === 'POST') {
      flushes += 1;
      return new Response(null, { status: 204 });
    }
    return undefined;
  });
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: 'temporal-dev-loki',
        status: 'ACTIVE',
        networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS } },
      },
    ],
  });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: SUBNETS.map((SubnetId) => ({ SubnetId, VpcId: VPC })) });
  ec2.on(DescribeRouteTablesCommand).resolves(routeTables(true));
  ec2.on(DescribeVpcEndpointsCommand).resolves({
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-0123abcd',
        VpcId: VPC,
        ServiceName: 'com.amazonaws.eu-west-1.s3',
        VpcEndpointType: 'Gateway',
        State: 'Available',
        RouteTableIds: ['rtb-main'],
      },
    ],
  });
});
afterEach(() => jest.restoreAllMocks());

const names = (out: LokiResult) => out.checks.map((c) => [c.name, c.verdict]);

describe('Loki storage stage', () => {
  it('flushes once, is pending until a chunk newer than the canary is listed, then passes all four', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'fake/old/1:2:3', LastModified: new Date(T0 - 3_600_000), Size: 10 }],
    });
    const first = await loki(event('poll', { loki: lokiState() }));
    expect(first).toMatchObject({
      verdict: 'pending',
      stage: 'storage',
      storage: { flush: { status: 204 } },
    });
    expect(names(first)).toEqual([
      ['loki-retention', 'passed'],
      ['loki-object-store', 'passed'],
      ['loki-s3-endpoint', 'passed'],
    ]);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'fake/' });
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'service-name', Values: ['com.amazonaws.eu-west-1.s3'] },
      ],
    });

    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'fake/9f/18c:18d:beef', LastModified: new Date(T0 - 1_000), Size: 2048 }],
    });
    const second = await loki(event('poll', { loki: carried(first) }));
    expect(second).toMatchObject({ verdict: 'passed', stage: 'done' });
    expect(names(second).map(([n]) => n)).toEqual([
      'loki-retention',
      'loki-object-store',
      'loki-s3-endpoint',
      'loki-chunks-flushed',
    ]);
    expect(second.checks[3]!.evidence).toMatchObject({
      query: `POST /flush; S3 ListObjectsV2 s3://${BUCKET}/fake/`,
      values: { flush: 204, written: 1 },
    });
    expect(flushes).toBe(1);
    // The config checks were not asked again.
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
  });

  it('retention off fails the step with the check named', async () => {
    configYaml = configYaml.replace('retention_enabled: true', 'retention_enabled: false');
    const out = await loki(event('poll', { loki: lokiState() }));
    expect(out).toMatchObject({
      verdict: 'failed',
      cause: { service: 'loki', check: 'loki-retention' },
    });
    expect(out.causeText).toContain('compactor.retention_enabled is false');
  });

  it('a /config answered 404 fails with how to go on', async () => {
    configStatus = 404;
    configYaml = '404 page not found';
    const out = await loki(event('poll', { loki: lokiState() }));
    expect(out.cause).toMatchObject({ check: 'loki-retention' });
    expect(out.cause?.message).toContain('add "retention" to loki.skipChecks');
  });

  it('no gateway endpoint route fails loki-s3-endpoint before any flush', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves(routeTables(false));
    const out = await loki(event('poll', { loki: lokiState() }));
    expect(out).toMatchObject({ verdict: 'failed', cause: { check: 'loki-s3-endpoint' } });
    expect(flushes).toBe(0);
  });

  it('chunks never written fail at the deadline', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const first = await loki(event('poll', { loki: lokiState() }));
    expect(first.verdict).toBe('pending');
    clock.set(T0 + 31_000);
    const out = await loki(event('poll', { loki: carried(first) }));
    expect(out).toMatchObject({ verdict: 'failed', cause: { check: 'loki-chunks-flushed' } });
    expect(out.cause?.evidence).toMatchObject({ lastVerdict: 'pending', values: { written: 0 } });
  });

  it('skipChecks and a plan without storage report skipped, visibly, and call nothing', async () => {
    const plan = event('poll', {}).state.plan as { loki: Record<string, unknown> };
    plan.loki = { ...plan.loki, skipChecks: ['retention', 's3-endpoint'] };
    delete plan.loki.storage;
    const out = await loki({ ...event('poll', { loki: lokiState() }), state: { plan, loki: lokiState() } });
    expect(out.verdict).toBe('passed');
    expect(out.checks.map((c) => c.message)).toEqual([
      `skipped: the plan's loki.skipChecks lists "retention"`,
      'skipped: the plan states no loki.storage.bucket',
      `skipped: the plan's loki.skipChecks lists "s3-endpoint"`,
      'skipped: the plan states no loki.storage.bucket',
    ]);
    expect(flushes).toBe(0);
    expect(ec2.calls()).toHaveLength(0);
  });
});

import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { canaryPushStream } from '../../core/queries/logql';
import { createEc2Client } from '../../lambdas/clients/aws-ec2';
import { createS3Client } from '../../lambdas/clients/aws-s3';
import { createLokiClient } from '../../lambdas/clients/loki';
import { toNanos } from '../../lambdas/clients/time';
import { listObjects } from '../../lambdas/adapters/s3-objects';
import { readVpcRouting } from '../../lambdas/adapters/vpc-routing';
import { applyEnv } from '../../sandbox/env';
import { parseFaults } from '../../sandbox/faults';
import { SANDBOX_VPC } from '../../sandbox/network-seed';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';

/**
 * The twins the Loki storage checks call, through the real SDK clients and the Loki client the
 * Lambda uses: Loki's /config and /flush, S3 ListObjectsV2 (path-style, paged) fed by the flushes,
 * and EC2's DescribeSubnets/DescribeRouteTables/DescribeVpcEndpoints over the EC2 Query protocol.
 */
jest.setTimeout(60_000);

describe('sandbox Loki storage twins', () => {
  let sandbox: Sandbox | undefined;
  let restore: (() => void) | undefined;
  const start = async (faults: string[] = []) => {
    sandbox = await startSandbox({ port: 0, faults: parseFaults(faults) });
    restore = applyEnv(sandbox.env);
    sandbox.lokiStorage.configure({ bucket: 'temporal-dev-loki-chunks', retention: '744h' });
    return sandbox;
  };
  afterEach(async () => {
    restore?.();
    restore = undefined;
    await sandbox?.stop();
    sandbox = undefined;
  });

  it("/config is the product's Loki config with the plan's bucket and retention; /flush writes chunks S3 lists", async () => {
    const s = await start();
    const loki = createLokiClient({ baseUrl: s.url });
    const config = parse(await loki.config()) as Record<string, Record<string, unknown>>;
    expect(config['compactor']?.['retention_enabled']).toBe(true);
    expect(config['limits_config']?.['retention_period']).toBe('744h');
    expect(config['common']?.['storage']).toEqual({
      s3: { bucketnames: 'temporal-dev-loki-chunks', region: 'eu-west-1' },
    });

    const s3 = createS3Client('eu-west-1');
    const empty = await s3.send(
      new ListObjectsV2Command({ Bucket: 'temporal-dev-loki-chunks', Prefix: 'fake/' }),
    );
    expect(empty).toMatchObject({ KeyCount: 0, IsTruncated: false, Name: 'temporal-dev-loki-chunks' });

    const now = s.clock.now();
    await loki.push([canaryPushStream('m-1', toNanos(now), { cluster: 'c' })]);
    await expect(loki.flush()).resolves.toEqual({ status: 204 });
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'temporal-dev-loki-chunks', Prefix: 'fake/' }),
    );
    expect(listed.Contents).toHaveLength(1);
    expect(listed.Contents?.[0]?.Key).toMatch(/^fake\/[0-9a-f]{16}\/[0-9a-f]+:[0-9a-f]+:[0-9a-f]{8}$/);
    expect(listed.Contents?.[0]?.LastModified?.getTime()).toBeGreaterThanOrEqual(
      Math.floor(now / 1000) * 1000,
    );
    // A second flush with nothing new writes nothing.
    await loki.flush();
    expect(s.s3.list('temporal-dev-loki-chunks')).toHaveLength(1);
  });

  it('ListObjectsV2 pages with continuation tokens; a missing bucket is NoSuchBucket', async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) s.s3.putObject('temporal-dev-loki-chunks', `fake/${i}`, `chunk ${i}`);
    const s3 = createS3Client('eu-west-1');
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'temporal-dev-loki-chunks', MaxKeys: 2 }));
    expect(page).toMatchObject({ KeyCount: 2, IsTruncated: true });
    const next = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'temporal-dev-loki-chunks',
        MaxKeys: 2,
        ContinuationToken: page.NextContinuationToken,
      }),
    );
    expect(next.Contents?.map((c) => c.Key)).toEqual(['fake/2', 'fake/3']);
    await expect(listObjects(s3, 'temporal-dev-loki-chunks', 'fake/')).resolves.toMatchObject({
      truncated: false,
    });
    expect((await listObjects(s3, 'temporal-dev-loki-chunks', 'fake/')).objects).toHaveLength(5);
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it("EC2 describes Loki's subnets, the main route table with the S3 prefix-list route, and the gateway endpoint", async () => {
    await start();
    const ec2 = createEc2Client('eu-west-1');
    const subnets = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...SANDBOX_VPC.subnetIds] }));
    expect(subnets.Subnets?.map((x) => [x.SubnetId, x.VpcId])).toEqual(
      SANDBOX_VPC.subnetIds.map((id) => [id, SANDBOX_VPC.vpcId]),
    );
    const tables = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [SANDBOX_VPC.vpcId] }] }),
    );
    expect(tables.RouteTables?.[0]).toMatchObject({
      RouteTableId: SANDBOX_VPC.routeTableId,
      Associations: [{ Main: true }],
      Routes: [
        { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
        {
          DestinationPrefixListId: SANDBOX_VPC.s3PrefixListId,
          GatewayId: SANDBOX_VPC.s3EndpointId,
          State: 'active',
        },
      ],
    });
    const endpoints = await ec2.send(
      new DescribeVpcEndpointsCommand({
        Filters: [{ Name: 'service-name', Values: ['com.amazonaws.eu-west-1.s3'] }],
      }),
    );
    expect(endpoints.VpcEndpoints?.[0]).toMatchObject({
      VpcEndpointId: SANDBOX_VPC.s3EndpointId,
      VpcEndpointType: 'Gateway',
      State: 'available',
      RouteTableIds: [SANDBOX_VPC.routeTableId],
    });
    await expect(
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0ffffffffffffffff'] })),
    ).rejects.toMatchObject({
      name: 'InvalidSubnetID.NotFound',
    });
  });

  it('faults: retention-off in /config, no endpoint nor route with no-s3-endpoint, nothing flushed with chunks-not-flushed', async () => {
    const s = await start(['loki:retention-off', 'loki:no-s3-endpoint', 'loki:chunks-not-flushed']);
    const loki = createLokiClient({ baseUrl: s.url });
    expect(await loki.config()).toContain('retention_enabled: false');
    const routing = await readVpcRouting(createEc2Client('eu-west-1'), 'eu-west-1', [
      ...SANDBOX_VPC.subnetIds,
    ]);
    expect(routing.endpoints).toEqual([]);
    expect(routing.routeTables[0]?.routes).toEqual([
      { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', state: 'active' },
    ]);
    await loki.push([canaryPushStream('m-2', toNanos(s.clock.now()), { cluster: 'c' })]);
    await loki.flush();
    expect(s.s3.list('temporal-dev-loki-chunks')).toEqual([]);
  });
});

import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { renderLokiConfig } from '../../../infra/loki/loki-config';

/** The example plan's Loki storage: bucket temporal-dev-loki-chunks, 744h (31 days) retention. */
export const LOKI_BUCKET = 'temporal-dev-loki-chunks';
export const LOKI_SUBNETS = ['subnet-0aaa1111', 'subnet-0bbb2222'] as const;
const VPC = 'vpc-0a1b2c3d';
const ENDPOINT = 'vpce-0123abcd4567ef890';

/**
 * Loki's storage as the state machine tests see it: the config /config prints (the product's own,
 * with the example plan's bucket and retention), the chunk objects /flush writes, and the VPC of
 * Loki's subnets with its S3 gateway endpoint. The switches break one part each.
 */
export class FakeLokiStorage {
  retentionOff = false;
  noS3Endpoint = false;
  chunksNotFlushed = false;
  readonly objects: { Key: string; LastModified: Date; Size: number }[] = [];

  config(): string {
    const yaml = renderLokiConfig({ bucketName: LOKI_BUCKET, region: 'eu-west-1', retentionDays: 31 });
    return this.retentionOff ? yaml.replace('retention_enabled: true', 'retention_enabled: false') : yaml;
  }

  /** One chunk per flush, keyed as Loki's v13 schema keys them (`<tenant>/<fp>/<from>:<through>:<sum>`). */
  flush(nowMs: number): void {
    if (this.chunksNotFlushed) return;
    const hex = nowMs.toString(16);
    this.objects.push({
      Key: `fake/3c9a1e/${hex}:${hex}:1f2e3d4c`,
      LastModified: new Date(nowMs),
      Size: 1317,
    });
  }
}

/** S3 and EC2 answered from the fake (aws-sdk-client-mock); returns the restore function. */
export function installStorageFakes(storage: FakeLokiStorage): () => void {
  const s3 = mockClient(S3Client);
  const ec2 = mockClient(EC2Client);
  s3.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string }) => {
    const contents =
      input.Bucket === LOKI_BUCKET ? storage.objects.filter((o) => o.Key.startsWith(input.Prefix ?? '')) : [];
    return { Contents: contents, KeyCount: contents.length, IsTruncated: false };
  });
  ec2
    .on(DescribeSubnetsCommand)
    .resolves({ Subnets: LOKI_SUBNETS.map((SubnetId) => ({ SubnetId, VpcId: VPC })) });
  ec2.on(DescribeRouteTablesCommand).callsFake(() => ({
    RouteTables: [
      {
        RouteTableId: 'rtb-0main',
        VpcId: VPC,
        Associations: [{ Main: true, RouteTableId: 'rtb-0main' }],
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
          ...(storage.noS3Endpoint
            ? []
            : [{ DestinationPrefixListId: 'pl-6da54004', GatewayId: ENDPOINT, State: 'active' }]),
        ],
      },
    ],
  }));
  ec2.on(DescribeVpcEndpointsCommand).callsFake(() => ({
    VpcEndpoints: storage.noS3Endpoint
      ? []
      : [
          {
            VpcEndpointId: ENDPOINT,
            VpcId: VPC,
            ServiceName: 'com.amazonaws.eu-west-1.s3',
            VpcEndpointType: 'Gateway',
            State: 'Available',
            RouteTableIds: ['rtb-0main'],
          },
        ],
  }));
  return () => {
    s3.restore();
    ec2.restore();
  };
}

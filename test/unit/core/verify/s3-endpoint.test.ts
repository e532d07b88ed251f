import { assessS3Endpoint, type S3EndpointInput } from '../../../../core/verify/s3-endpoint';

const vpc = 'vpc-0a1b2c3d';
const endpoint = {
  vpcEndpointId: 'vpce-0123abcd',
  vpcId: vpc,
  serviceName: 'com.amazonaws.eu-west-1.s3',
  vpcEndpointType: 'Gateway',
  state: 'available',
  routeTableIds: ['rtb-main'],
};
const s3Route = { destinationPrefixListId: 'pl-6da54004', gatewayId: 'vpce-0123abcd', state: 'active' };
const local = { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', state: 'active' };
const base: S3EndpointInput = {
  region: 'eu-west-1',
  subnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
  subnetsFrom: 'ECS service loki (awsvpcConfiguration)',
  subnets: [
    { subnetId: 'subnet-0aaa1111', vpcId: vpc },
    { subnetId: 'subnet-0bbb2222', vpcId: vpc },
  ],
  routeTables: [
    { routeTableId: 'rtb-main', vpcId: vpc, associations: [{ main: true }], routes: [local, s3Route] },
  ],
  endpoints: [endpoint],
  query: 'EC2 DescribeSubnets, DescribeRouteTables, DescribeVpcEndpoints',
};

describe('assessS3Endpoint', () => {
  it("passes when the VPC's main route table routes S3 to the gateway endpoint", () => {
    const result = assessS3Endpoint(base);
    expect(result).toMatchObject({ name: 'loki-s3-endpoint', verdict: 'passed' });
    expect(result.evidence['values']).toMatchObject({
      subnets: [
        {
          subnet: 'subnet-0aaa1111',
          routeTable: 'rtb-main',
          association: 'main',
          endpoint: 'vpce-0123abcd',
          prefixList: 'pl-6da54004',
        },
        { subnet: 'subnet-0bbb2222', association: 'main' },
      ],
    });
  });

  it('judges an explicitly associated table, not the main one', () => {
    const result = assessS3Endpoint({
      ...base,
      routeTables: [
        ...base.routeTables,
        {
          routeTableId: 'rtb-private',
          vpcId: vpc,
          associations: [{ subnetId: 'subnet-0bbb2222' }],
          routes: [local],
        },
      ],
    });
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain('route table rtb-private (explicit) has no route through vpce-0123abcd');
  });

  it('fails without an S3 gateway endpoint (an interface endpoint does not count)', () => {
    const result = assessS3Endpoint({ ...base, endpoints: [{ ...endpoint, vpcEndpointType: 'Interface' }] });
    expect(result.message).toContain(`${vpc} has no com.amazonaws.eu-west-1.s3 Gateway endpoint`);
  });

  it("fails on another region's S3 service", () => {
    const result = assessS3Endpoint({ ...base, region: 'us-east-1' });
    expect(result.verdict).toBe('failed');
  });

  it('fails on an endpoint that is not available', () => {
    const result = assessS3Endpoint({ ...base, endpoints: [{ ...endpoint, state: 'pending' }] });
    expect(result.message).toContain('vpce-0123abcd is pending, expected available');
  });

  it('fails when the endpoint is not associated with the route table', () => {
    const result = assessS3Endpoint({ ...base, endpoints: [{ ...endpoint, routeTableIds: [] }] });
    expect(result.verdict).toBe('failed');
  });

  it('fails on a subnet DescribeSubnets did not return', () => {
    const result = assessS3Endpoint({ ...base, subnetIds: ['subnet-0ccc3333'] });
    expect(result.message).toContain('subnet-0ccc3333 was not found by DescribeSubnets');
  });

  it('fails with no subnets', () => {
    expect(assessS3Endpoint({ ...base, subnetIds: [] }).verdict).toBe('failed');
  });
});

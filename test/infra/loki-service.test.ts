import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayVpcEndpoint, SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster } from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LokiService, type LokiServiceProps } from '../../infra/loki/loki-service';

function build(
  props: Partial<LokiServiceProps> = {},
  more: (stack: Stack) => Partial<LokiServiceProps> = () => ({}),
) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0123456789abcdef0'],
    privateSubnetRouteTableIds: ['rtb-0123456789abcdef0'],
  });
  const cluster = Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'temporal-dev',
    vpc,
    securityGroups: [],
  });
  const loki = new LokiService(stack, 'Loki', {
    cluster,
    vpc,
    ecsInstanceSecurityGroup: SecurityGroup.fromSecurityGroupId(stack, 'Ecs', 'sg-0123456789abcdef1', {
      mutable: false,
    }),
    serviceConnectNamespace: 'temporal-dev',
    ...props,
    ...more(stack),
  });
  return { app, loki, template: Template.fromStack(stack) };
}

/** The Loki task definition's containers, in the order the construct adds them. */
function containerDefinitions(template: Template): Array<Record<string, unknown>> {
  const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  expect(definitions).toHaveLength(1);
  return (definitions[0]?.Properties as { ContainerDefinitions: Array<Record<string, unknown>> })
    .ContainerDefinitions;
}

describe('LokiService', () => {
  // One synthesis for the default-settings assertions.
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build({ retentionDays: 14, cpu: 1024, memoryMiB: 2048 });
  }, 60_000);

  it('passes the AWS Solutions checks with its acknowledgements', () => {
    expect(new AwsSolutionsChecks(built.app).validateScope(built.app).violations).toEqual([]);
  });

  it('follows the retention and sizing it is given', () => {
    built.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-after-retention',
            Status: 'Enabled',
            ExpirationInDays: 15,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
    built.template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048' });
    built.template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Tier: 'Standard' });
  });

  it('gives Loki 120 s between SIGTERM and SIGKILL to flush, and the rest of the task once the helpers have theirs', () => {
    const containers = containerDefinitions(built.template);
    expect(containers.map((c) => c.Name)).toEqual(['config', 'loki', 'ready']);
    expect(containers[1]).toMatchObject({
      Name: 'loki',
      Image: 'grafana/loki:3.0.0',
      Essential: true,
      StopTimeout: 120,
      Cpu: 992,
      Memory: 1984,
    });
    const sum = (key: 'Cpu' | 'Memory') => containers.reduce((total, c) => total + Number(c[key]), 0);
    expect([sum('Cpu'), sum('Memory')]).toEqual([1024, 2048]);
  });

  it("judges the task by Loki's /ready from a busybox helper, whatever the Loki image", () => {
    // No command works inside every grafana/loki image (3.6+ have no shell or wget; `loki -health`
    // exists only from 3.6.5), and the Loki Lambda swaps the image while keeping the health check.
    const containers = containerDefinitions(built.template);
    expect(containers.filter((c) => c.HealthCheck).map((c) => c.Name)).toEqual(['ready']);
    expect(containers[2]).toMatchObject({
      Name: 'ready',
      Image: 'public.ecr.aws/docker/library/busybox:1.37',
      Essential: true,
      EntryPoint: ['sh', '-c'],
      Command: [expect.stringMatching(/^trap 'exit 0' TERM; /)],
      DependsOn: [{ ContainerName: 'loki', Condition: 'START' }],
      HealthCheck: {
        Command: ['CMD-SHELL', 'wget -q -T 4 -O /dev/null http://localhost:3100/ready || exit 1'],
        Interval: 30,
        Timeout: 5,
        Retries: 3,
        StartPeriod: 60,
      },
    });
    const newer = build({ image: 'grafana/loki:3.7.0' });
    expect(
      containerDefinitions(newer.template).map((c) => [c.Name, c.Image, Boolean(c.HealthCheck)]),
    ).toEqual([
      ['config', 'public.ecr.aws/docker/library/busybox:1.37', false],
      ['loki', 'grafana/loki:3.7.0', false],
      ['ready', 'public.ecr.aws/docker/library/busybox:1.37', true],
    ]);
  });

  it('stops the old task before starting the new one, with the circuit breaker rolling back a failed deploy', () => {
    built.template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: {
        MinimumHealthyPercent: 0,
        MaximumPercent: 100,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      LaunchType: 'EC2',
    });
    // EC2 launch type: without a stopTimeout the agent's ECS_CONTAINER_STOP_TIMEOUT (30 s) would apply.
    built.template.hasResourceProperties('AWS::ECS::TaskDefinition', { RequiresCompatibilities: ['EC2'] });
  });

  it('accepts only the ECS instances on 3100 when no Grafana or other client is given, and adds no rule to their group', () => {
    built.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        {
          IpProtocol: 'tcp',
          FromPort: 3100,
          ToPort: 3100,
          SourceSecurityGroupId: 'sg-0123456789abcdef1',
          Description: 'Loki HTTP from ECS instances (Alloy sidecars)',
        },
      ],
    });
    built.template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('creates the S3 gateway endpoint on the route tables of its subnets and opens 443 to the S3 prefix list only', () => {
    built.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      VpcId: 'vpc-0123456789abcdef0',
      RouteTableIds: ['rtb-0123456789abcdef0'],
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
    // The region's managed prefix list, read at deploy time (DescribeManagedPrefixLists).
    const lookups = built.template.findResources('Custom::AWS');
    expect(Object.values(lookups).map((r) => JSON.stringify(r.Properties))).toEqual([
      expect.stringContaining('com.amazonaws.eu-west-1.s3'),
    ]);
    const lookupId = Object.keys(lookups)[0] as string;
    const egress = built.template.findResources('AWS::EC2::SecurityGroupEgress');
    expect(Object.values(egress).map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        DestinationPrefixListId: { 'Fn::GetAtt': [lookupId, 'PrefixLists.0.PrefixListId'] },
      }),
    ]);
    // Nothing opens the internet: no 0.0.0.0/0 egress anywhere.
    expect(JSON.stringify(built.template.toJSON())).not.toContain('0.0.0.0/0');
    // Loki's tasks start once the endpoint (and its routes) exist.
    const [serviceId] = Object.keys(built.template.findResources('AWS::ECS::Service'));
    const [endpointId] = Object.keys(built.template.findResources('AWS::EC2::VPCEndpoint'));
    expect(built.template.toJSON().Resources[serviceId as string].DependsOn).toContain(endpointId);
  });

  it("takes the VPC's existing S3 gateway endpoint instead of creating one", () => {
    const { template } = build({}, (stack) => ({
      s3GatewayEndpoint: GatewayVpcEndpoint.fromGatewayVpcEndpointId(stack, 'S3', 'vpce-0123456789abcdef0'),
    }));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
  });

  it('refuses to create an endpoint for subnets without route table ids, naming the ways out', () => {
    expect(() =>
      build({}, (stack) => ({
        subnets: { subnets: [Subnet.fromSubnetId(stack, 'Bare', 'subnet-0fedcba987654321f')] },
      })),
    ).toThrow(
      /s3GatewayEndpoint: expected the VPC's existing S3 gateway endpoint, or subnets imported with their route table ids[\s\S]*subnet-0fedcba987654321f/,
    );
  });

  it('registers no Cloud Map DNS record unless a DNS namespace is given', () => {
    built.template.resourceCountIs('AWS::ServiceDiscovery::Service', 0);
  });

  it('refuses out-of-range settings and a missing namespace, naming each', () => {
    expect(() => build({ retentionDays: 0, desiredCount: 4, cpu: 10, serviceConnectNamespace: '' })).toThrow(
      /LokiService: 4 problems in props[\s\S]*serviceConnectNamespace: expected the Service Connect namespace[\s\S]*cpu: expected CPU units between 128 and 16384, got 10[\s\S]*desiredCount: expected between 1 and 3 tasks[\s\S]*retentionDays: expected a whole number of days/,
    );
  });
});

import type { Ec2Twin } from './aws/ec2';

/**
 * The team's VPC as the sandbox models it: two private subnets (where Loki runs), their VPC's main
 * route table with the local route, and an S3 gateway endpoint whose prefix-list route sits in that
 * table, the layout the product's Loki construct builds. `withS3Endpoint: false` (the
 * `loki:no-s3-endpoint` fault) leaves the endpoint and its route out: S3 would go out through a
 * NAT or not at all.
 */
export const SANDBOX_VPC = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
  routeTableId: 'rtb-0a1b2c3d4e5f60001',
  s3EndpointId: 'vpce-0a1b2c3d4e5f60001',
  /** The regional S3 prefix list (eu-west-1's, pl-6da54004; the id differs per region). */
  s3PrefixListId: 'pl-6da54004',
} as const;

/** CreateService's networkConfiguration of the sandbox's Loki: awsvpc in the VPC's private subnets. */
export const LOKI_NETWORK_CONFIGURATION = {
  awsvpcConfiguration: { subnets: [...SANDBOX_VPC.subnetIds], securityGroups: ['sg-0a1b2c3d4e5f60001'] },
};

export function seedNetwork(ec2: Ec2Twin, region: string, options: { withS3Endpoint: boolean }): void {
  const v = SANDBOX_VPC;
  v.subnetIds.forEach((subnetId, i) =>
    ec2.subnets.push({
      subnetId,
      vpcId: v.vpcId,
      cidrBlock: `10.0.${i + 1}.0/24`,
      availabilityZone: `${region}${'abc'[i] ?? 'a'}`,
    }),
  );
  ec2.routeTables.push({
    routeTableId: v.routeTableId,
    vpcId: v.vpcId,
    subnetIds: [],
    main: true,
    routes: [
      { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local' },
      ...(options.withS3Endpoint
        ? [{ destinationPrefixListId: v.s3PrefixListId, gatewayId: v.s3EndpointId }]
        : []),
    ],
  });
  if (options.withS3Endpoint)
    ec2.vpcEndpoints.push({
      vpcEndpointId: v.s3EndpointId,
      vpcId: v.vpcId,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: 'Gateway',
      state: 'available',
      routeTableIds: [v.routeTableId],
    });
}

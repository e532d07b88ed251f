import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { RouteTableFacts, SubnetFacts, VpcEndpointFacts } from '../../core/verify/s3-endpoint';
import { awsCall } from './aws-errors';

export interface VpcRouting {
  readonly subnets: SubnetFacts[];
  readonly routeTables: RouteTableFacts[];
  readonly endpoints: VpcEndpointFacts[];
  /** The calls made, for the evidence. */
  readonly query: string;
}

/**
 * What decides how the subnets reach S3: the subnets' VPCs (DescribeSubnets), every route table
 * of those VPCs (DescribeRouteTables filtered by vpc-id: the explicitly associated tables and the
 * main ones, which core picks between), and the VPCs' endpoints for the region's S3 service
 * (DescribeVpcEndpoints filtered by vpc-id and service-name; type and state are judged in core,
 * so an Interface endpoint is named rather than unseen). Each call is followed through NextToken.
 */
export async function readVpcRouting(
  ec2: EC2Client,
  region: string,
  subnetIds: readonly string[],
): Promise<VpcRouting> {
  const subnets: SubnetFacts[] = [];
  let token: string | undefined;
  do {
    const out = await awsCall(`ec2:DescribeSubnets ${subnetIds.join(',')}`, () =>
      ec2.send(
        new DescribeSubnetsCommand({ SubnetIds: [...subnetIds], ...(token ? { NextToken: token } : {}) }),
      ),
    );
    for (const s of out.Subnets ?? [])
      if (s.SubnetId && s.VpcId) subnets.push({ subnetId: s.SubnetId, vpcId: s.VpcId });
    token = out.NextToken;
  } while (token);
  const vpcs = [...new Set(subnets.map((s) => s.vpcId))];
  const service = `com.amazonaws.${region}.s3`;
  const query = `EC2 DescribeSubnets(${subnetIds.join(', ')}); DescribeRouteTables(vpc-id=${vpcs.join(',')}); DescribeVpcEndpoints(vpc-id=${vpcs.join(',')}, service-name=${service})`;
  if (vpcs.length === 0) return { subnets, routeTables: [], endpoints: [], query };

  const routeTables: RouteTableFacts[] = [];
  token = undefined;
  do {
    const out = await awsCall(`ec2:DescribeRouteTables vpc-id=${vpcs.join(',')}`, () =>
      ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [{ Name: 'vpc-id', Values: vpcs }],
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    for (const t of out.RouteTables ?? []) {
      if (!t.RouteTableId || !t.VpcId) continue;
      routeTables.push({
        routeTableId: t.RouteTableId,
        vpcId: t.VpcId,
        associations: (t.Associations ?? []).map((a) => ({
          ...(a.SubnetId ? { subnetId: a.SubnetId } : {}),
          ...(a.Main !== undefined ? { main: a.Main } : {}),
        })),
        routes: (t.Routes ?? []).map((r) => ({
          ...(r.DestinationPrefixListId ? { destinationPrefixListId: r.DestinationPrefixListId } : {}),
          ...(r.DestinationCidrBlock ? { destinationCidrBlock: r.DestinationCidrBlock } : {}),
          ...(r.GatewayId ? { gatewayId: r.GatewayId } : {}),
          ...(r.State ? { state: r.State } : {}),
        })),
      });
    }
    token = out.NextToken;
  } while (token);

  const endpoints: VpcEndpointFacts[] = [];
  token = undefined;
  do {
    const out = await awsCall(`ec2:DescribeVpcEndpoints vpc-id=${vpcs.join(',')}`, () =>
      ec2.send(
        new DescribeVpcEndpointsCommand({
          Filters: [
            { Name: 'vpc-id', Values: vpcs },
            { Name: 'service-name', Values: [service] },
          ],
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    for (const e of out.VpcEndpoints ?? []) {
      if (!e.VpcEndpointId || !e.VpcId) continue;
      endpoints.push({
        vpcEndpointId: e.VpcEndpointId,
        vpcId: e.VpcId,
        serviceName: e.ServiceName ?? '',
        vpcEndpointType: e.VpcEndpointType ?? '',
        state: e.State ?? '',
        routeTableIds: e.RouteTableIds ?? [],
      });
    }
    token = out.NextToken;
  } while (token);
  return { subnets, routeTables, endpoints, query };
}

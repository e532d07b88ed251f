import type { Assessment } from './types';

/** The parts of EC2 DescribeSubnets' Subnet this check reads. */
export interface SubnetFacts {
  readonly subnetId: string;
  readonly vpcId: string;
}

/** The parts of EC2 DescribeRouteTables' RouteTable this check reads. */
export interface RouteTableFacts {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly associations: readonly { readonly subnetId?: string; readonly main?: boolean }[];
  readonly routes: readonly {
    readonly destinationPrefixListId?: string;
    readonly destinationCidrBlock?: string;
    readonly gatewayId?: string;
    readonly state?: string;
  }[];
}

/** The parts of EC2 DescribeVpcEndpoints' VpcEndpoint this check reads. */
export interface VpcEndpointFacts {
  readonly vpcEndpointId: string;
  readonly vpcId: string;
  readonly serviceName: string;
  /** Interface | Gateway | GatewayLoadBalancer | ... */
  readonly vpcEndpointType: string;
  /** "available" when usable (the API answers in lower case). */
  readonly state: string;
  readonly routeTableIds: readonly string[];
}

export interface S3EndpointInput {
  readonly region: string;
  /** The subnets Loki runs in, and where they came from (for the evidence). */
  readonly subnetIds: readonly string[];
  readonly subnetsFrom: string;
  readonly subnets: readonly SubnetFacts[];
  readonly routeTables: readonly RouteTableFacts[];
  readonly endpoints: readonly VpcEndpointFacts[];
  /** The calls made, as the evidence's query. */
  readonly query: string;
}

interface SubnetRouting {
  readonly subnet: string;
  readonly routeTable: string | null;
  readonly association: 'explicit' | 'main' | null;
  readonly endpoint: string | null;
  readonly prefixList: string | null;
  readonly problem?: string;
}

/**
 * A subnet uses the route table explicitly associated with it, else its VPC's main route table
 * (VPC user guide, "Route tables": "Each subnet ... is implicitly associated with the main route table").
 */
function routeTableOf(
  subnet: SubnetFacts,
  tables: readonly RouteTableFacts[],
): { table: RouteTableFacts; association: 'explicit' | 'main' } | undefined {
  const explicit = tables.find((t) => t.associations.some((a) => a.subnetId === subnet.subnetId));
  if (explicit) return { table: explicit, association: 'explicit' };
  const main = tables.find((t) => t.vpcId === subnet.vpcId && t.associations.some((a) => a.main === true));
  return main ? { table: main, association: 'main' } : undefined;
}

function routing(subnetId: string, input: S3EndpointInput, s3Service: string): SubnetRouting {
  const none = { subnet: subnetId, routeTable: null, association: null, endpoint: null, prefixList: null };
  const subnet = input.subnets.find((s) => s.subnetId === subnetId);
  if (!subnet) return { ...none, problem: `${subnetId} was not found by DescribeSubnets` };
  const found = routeTableOf(subnet, input.routeTables);
  if (!found)
    return {
      ...none,
      problem: `${subnetId} has no route table (none associated, no main table of ${subnet.vpcId})`,
    };
  const { table, association } = found;
  const at = { ...none, routeTable: table.routeTableId, association };
  const gateways = input.endpoints.filter(
    (e) =>
      e.serviceName === s3Service &&
      e.vpcEndpointType.toLowerCase() === 'gateway' &&
      e.vpcId === subnet.vpcId,
  );
  if (gateways.length === 0)
    return { ...at, problem: `${subnet.vpcId} has no ${s3Service} Gateway endpoint` };
  // A gateway endpoint adds to each of its route tables a route to the S3 prefix list whose target
  // is the endpoint (VPC PrivateLink guide, "Gateway endpoints": "pl-xxxx ... vpce-xxxx").
  for (const endpoint of gateways) {
    const route = table.routes.find(
      (r) => r.gatewayId === endpoint.vpcEndpointId && r.destinationPrefixListId !== undefined,
    );
    if (!route || !endpoint.routeTableIds.includes(table.routeTableId)) continue;
    const located = {
      ...at,
      endpoint: endpoint.vpcEndpointId,
      prefixList: route.destinationPrefixListId ?? null,
    };
    if (endpoint.state.toLowerCase() !== 'available')
      return { ...located, problem: `${endpoint.vpcEndpointId} is ${endpoint.state}, expected available` };
    if (route.state !== undefined && route.state !== 'active')
      return {
        ...located,
        problem: `the route to ${endpoint.vpcEndpointId} in ${table.routeTableId} is ${route.state}`,
      };
    return located;
  }
  return {
    ...at,
    problem: `route table ${table.routeTableId} (${association}) has no route through ${gateways.map((g) => g.vpcEndpointId).join(', ')} to the S3 prefix list`,
  };
}

/**
 * `loki-s3-endpoint`: every subnet Loki runs in reaches S3 through a Gateway VPC endpoint of the
 * region's S3 service (`com.amazonaws.<region>.s3`), available and associated with the subnet's
 * route table, which routes the S3 prefix list to it. Then Loki's chunk traffic never needs an
 * internet route, and the security group can name the prefix list instead of 0.0.0.0/0.
 */
export function assessS3Endpoint(input: S3EndpointInput): Assessment {
  const name = 'loki-s3-endpoint';
  const s3Service = `com.amazonaws.${input.region}.s3`;
  const threshold = `each subnet's route table routes the S3 prefix list to an available ${s3Service} Gateway endpoint associated with it`;
  const perSubnet = input.subnetIds.map((s) => routing(s, input, s3Service));
  const evidence = {
    query: input.query,
    values: { subnetsFrom: input.subnetsFrom, subnets: perSubnet },
    threshold,
  };
  if (perSubnet.length === 0) return { name, verdict: 'failed', message: 'no subnets to check', evidence };
  const problems = perSubnet.flatMap((s) => (s.problem ? [s.problem] : []));
  if (problems.length > 0)
    return {
      name,
      verdict: 'failed',
      message: `S3 is not reached through a gateway endpoint: ${problems.join('; ')}`,
      evidence,
    };
  const endpoints = [...new Set(perSubnet.map((s) => s.endpoint))].join(', ');
  return {
    name,
    verdict: 'passed',
    message: `${perSubnet.length} subnet(s) route S3 through gateway endpoint ${endpoints}`,
    evidence,
  };
}

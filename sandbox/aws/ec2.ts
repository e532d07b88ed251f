import type { IncomingMessage, ServerResponse } from 'node:http';
import { queryProtocolForm } from './query-protocol';

/**
 * Amazon EC2, the part the orchestrator calls: DescribeSubnets, DescribeRouteTables and
 * DescribeVpcEndpoints over the EC2 Query protocol (a form POST with `Action` and
 * `Version=2016-11-15`; lists as `Name.N`, filters as `Filter.N.Name` / `Filter.N.Value.M`). EC2
 * answers differ from the other Query services: no `<{Action}Result>` wrapper, `requestId` first,
 * lists as `<xxxSet><item>...</item></xxxSet>`, lower-camel element names, and errors as
 * `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
 * (EC2 API reference: "Query requests", "Error codes", and each action's example response).
 */

export interface Ec2Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
}

export interface Ec2Route {
  readonly destinationCidrBlock?: string;
  readonly destinationPrefixListId?: string;
  readonly gatewayId: string;
}

export interface Ec2RouteTable {
  readonly routeTableId: string;
  readonly vpcId: string;
  /** Subnets explicitly associated; `main` for the VPC's main table. */
  readonly subnetIds: string[];
  readonly main: boolean;
  readonly routes: Ec2Route[];
}

export interface Ec2VpcEndpoint {
  readonly vpcEndpointId: string;
  readonly vpcId: string;
  readonly serviceName: string;
  readonly vpcEndpointType: 'Gateway' | 'Interface';
  readonly state: string;
  readonly routeTableIds: string[];
}

export const EC2_VERSION = '2016-11-15';
const XMLNS = `http://ec2.amazonaws.com/doc/${EC2_VERSION}/`;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
const set = (name: string, items: readonly string[]) =>
  `<${name}>${items.map((i) => `<item>${i}</item>`).join('')}</${name}>`;

class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `Name.1`, `Name.2`, ... stopping at the first gap. */
function listOf(form: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${name}.${i}`); i++) out.push(form.get(`${name}.${i}`) ?? '');
  return out;
}

/** `Filter.N.Name` with its `Filter.N.Value.M` values. */
function filtersOf(form: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let i = 1; form.has(`Filter.${i}.Name`); i++)
    filters.set(form.get(`Filter.${i}.Name`) ?? '', listOf(form, `Filter.${i}.Value`));
  return filters;
}

/** A filter the twin does not know is refused, as EC2 does, rather than ignored (which would widen). */
function checkFilters(filters: Map<string, string[]>, known: readonly string[]): void {
  for (const name of filters.keys())
    if (!known.includes(name)) throw new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
}

const passes = (filters: Map<string, string[]>, name: string, value: string | undefined) => {
  const wanted = filters.get(name);
  return !wanted || (value !== undefined && wanted.includes(value));
};

export class Ec2Twin {
  readonly subnets: Ec2Subnet[] = [];
  readonly routeTables: Ec2RouteTable[] = [];
  readonly vpcEndpoints: Ec2VpcEndpoint[] = [];

  constructor(private readonly account: string) {}

  private describeSubnets(form: URLSearchParams): string {
    const ids = listOf(form, 'SubnetId');
    const filters = filtersOf(form);
    checkFilters(filters, ['vpc-id', 'subnet-id']);
    for (const id of ids)
      if (!this.subnets.some((s) => s.subnetId === id))
        throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    const found = this.subnets.filter(
      (s) =>
        (ids.length === 0 || ids.includes(s.subnetId)) &&
        passes(filters, 'vpc-id', s.vpcId) &&
        passes(filters, 'subnet-id', s.subnetId),
    );
    return set(
      'subnetSet',
      found.map(
        (s) =>
          el('subnetId', s.subnetId) +
          el('state', 'available') +
          el('vpcId', s.vpcId) +
          el('cidrBlock', s.cidrBlock) +
          el('availabilityZone', s.availabilityZone) +
          el('ownerId', this.account) +
          el('mapPublicIpOnLaunch', false),
      ),
    );
  }

  private describeRouteTables(form: URLSearchParams): string {
    const ids = listOf(form, 'RouteTableId');
    const filters = filtersOf(form);
    checkFilters(filters, ['vpc-id', 'route-table-id', 'association.subnet-id', 'association.main']);
    const found = this.routeTables.filter(
      (t) =>
        (ids.length === 0 || ids.includes(t.routeTableId)) &&
        passes(filters, 'vpc-id', t.vpcId) &&
        passes(filters, 'route-table-id', t.routeTableId) &&
        (!filters.has('association.subnet-id') ||
          t.subnetIds.some((s) => filters.get('association.subnet-id')?.includes(s))) &&
        passes(filters, 'association.main', t.main ? 'true' : undefined),
    );
    return set(
      'routeTableSet',
      found.map((t) => {
        const routes = t.routes.map(
          (r) =>
            el('destinationCidrBlock', r.destinationCidrBlock) +
            el('destinationPrefixListId', r.destinationPrefixListId) +
            el('gatewayId', r.gatewayId) +
            el('state', 'active') +
            el('origin', r.gatewayId === 'local' ? 'CreateRouteTable' : 'CreateRoute'),
        );
        const associated = (subnetId: string | undefined, i: number) =>
          el('routeTableAssociationId', `rtbassoc-${t.routeTableId.slice(4)}${i}`) +
          el('routeTableId', t.routeTableId) +
          el('subnetId', subnetId) +
          el('main', subnetId === undefined) +
          `<associationState>${el('state', 'associated')}</associationState>`;
        const associations = [
          ...(t.main ? [associated(undefined, 0)] : []),
          ...t.subnetIds.map((s, i) => associated(s, i + 1)),
        ];
        return (
          el('routeTableId', t.routeTableId) +
          set('associationSet', associations) +
          '<propagatingVgwSet/>' +
          set('routeSet', routes) +
          '<tagSet/>' +
          el('vpcId', t.vpcId) +
          el('ownerId', this.account)
        );
      }),
    );
  }

  private describeVpcEndpoints(form: URLSearchParams): string {
    const ids = listOf(form, 'VpcEndpointId');
    const filters = filtersOf(form);
    checkFilters(filters, [
      'vpc-id',
      'service-name',
      'vpc-endpoint-id',
      'vpc-endpoint-state',
      'vpc-endpoint-type',
    ]);
    for (const id of ids)
      if (!this.vpcEndpoints.some((e) => e.vpcEndpointId === id))
        throw new Ec2Error('InvalidVpcEndpointId.NotFound', `The Vpc Endpoint Id '${id}' does not exist`);
    const found = this.vpcEndpoints.filter(
      (e) =>
        (ids.length === 0 || ids.includes(e.vpcEndpointId)) &&
        passes(filters, 'vpc-id', e.vpcId) &&
        passes(filters, 'service-name', e.serviceName) &&
        passes(filters, 'vpc-endpoint-id', e.vpcEndpointId) &&
        passes(filters, 'vpc-endpoint-state', e.state) &&
        passes(filters, 'vpc-endpoint-type', e.vpcEndpointType),
    );
    return set(
      'vpcEndpointSet',
      found.map(
        (e) =>
          el('vpcEndpointId', e.vpcEndpointId) +
          el('vpcEndpointType', e.vpcEndpointType) +
          el('vpcId', e.vpcId) +
          el('serviceName', e.serviceName) +
          // The API answers the state in lower case ("available"), as its example responses show.
          el('state', e.state) +
          set(
            'routeTableIdSet',
            e.routeTableIds.map((r) => escapeXml(r)),
          ) +
          '<subnetIdSet/><groupSet/>' +
          el('privateDnsEnabled', false) +
          el('requesterManaged', false) +
          '<networkInterfaceIdSet/><dnsEntrySet/>' +
          el('creationTimestamp', '2026-01-01T00:00:00.000Z') +
          el('ownerId', this.account),
      ),
    );
  }

  /** The HTTP route: takes form posts to "/" whose Version is EC2's, leaves everything else. */
  route() {
    const operations: Record<string, (form: URLSearchParams) => string> = {
      DescribeSubnets: (f) => this.describeSubnets(f),
      DescribeRouteTables: (f) => this.describeRouteTables(f),
      DescribeVpcEndpoints: (f) => this.describeVpcEndpoints(f),
    };
    let counter = 0;
    return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
      // The body stays on the request: another Query service's route (IAM) reads it again.
      const form = await queryProtocolForm(req);
      if (!form || form.get('Version') !== EC2_VERSION) return false;
      counter += 1;
      const requestId = `sandbox-ec2-${process.pid}-${counter}`;
      const action = form.get('Action') ?? '';
      const send = (status: number, xml: string) => {
        const text = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
        res.writeHead(status, {
          'content-type': 'text/xml;charset=UTF-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      try {
        const op = operations[action];
        if (!op)
          throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
        send(
          200,
          `<${action}Response xmlns="${XMLNS}"><requestId>${requestId}</requestId>${op(form)}</${action}Response>`,
        );
      } catch (error) {
        const e = error instanceof Ec2Error ? error : new Ec2Error('InternalError', String(error));
        send(
          e.code === 'InternalError' ? 500 : 400,
          `<Response><Errors><Error><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        );
      }
      return true;
    };
  }
}

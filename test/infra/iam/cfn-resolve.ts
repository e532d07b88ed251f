/**
 * Resolves the CloudFormation intrinsics a synthesised template's IAM policies use into the
 * strings CloudFormation would produce when deploying it into one account and region, so that a
 * policy engine compares real ARNs rather than tokens.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export interface Deployment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /**
   * Physical name of a resource, by logical id (what `Ref` returns for a table or a log group).
   * A resource not listed is named by its logical id, as a deterministic stand-in.
   */
  readonly physicalNames: Readonly<Record<string, string>>;
}

/** `Fn::GetAtt [id, 'Arn']` for the resource types Lambda role policies point at. */
const ARN_OF: Readonly<Record<string, (d: Deployment, name: string) => string>> = {
  'AWS::DynamoDB::Table': (d, name) => `arn:${d.partition}:dynamodb:${d.region}:${d.account}:table/${name}`,
  // A log group's Arn attribute ends in ":*" (it covers the group's streams).
  'AWS::Logs::LogGroup': (d, name) => `arn:${d.partition}:logs:${d.region}:${d.account}:log-group:${name}:*`,
  'AWS::IAM::Role': (d, name) => `arn:${d.partition}:iam::${d.account}:role/${name}`,
  'AWS::IAM::ManagedPolicy': (d, name) => `arn:${d.partition}:iam::${d.account}:policy/${name}`,
  'AWS::Lambda::Function': (d, name) => `arn:${d.partition}:lambda:${d.region}:${d.account}:function:${name}`,
  'AWS::S3::Bucket': (d, name) => `arn:${d.partition}:s3:::${name}`,
};

const PSEUDO: Readonly<Record<string, (d: Deployment) => string>> = {
  'AWS::AccountId': (d) => d.account,
  'AWS::Region': (d) => d.region,
  'AWS::Partition': (d) => d.partition,
  'AWS::URLSuffix': () => 'amazonaws.com',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of `value` with every intrinsic replaced by its deployed string. An intrinsic this does
 * not know throws, naming it: a token left in place would silently never match a request.
 */
export function resolveIntrinsics(value: unknown, template: CfnTemplate, deployment: Deployment): unknown {
  const physicalName = (id: string) => {
    if (!template.Resources[id]) throw new Error(`Ref to ${id}, which is not in the template`);
    return deployment.physicalNames[id] ?? id;
  };
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (!isRecord(v)) return v;
    const keys = Object.keys(v);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === 'Ref') {
      const ref = String(v.Ref);
      const pseudo = PSEUDO[ref];
      return pseudo ? pseudo(deployment) : physicalName(ref);
    }
    if (only === 'Fn::Join') {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(visit(p))).join(separator);
    }
    if (only === 'Fn::GetAtt') {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      const type = template.Resources[id]?.Type ?? '(missing)';
      const arnOf = ARN_OF[type];
      if (attribute !== 'Arn' || !arnOf)
        throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute} (${type})`);
      return arnOf(deployment, physicalName(id));
    }
    if (only?.startsWith('Fn::')) throw new Error(`cannot resolve ${only} in ${JSON.stringify(v)}`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
  };
  return visit(value);
}

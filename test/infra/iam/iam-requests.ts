import type { HttpCall, RecordedCall, SdkCall } from './recorder';

/** One authorisation AWS makes for a call: the IAM action, the resource ARN and the request's context keys. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
}

type Input = Readonly<Record<string, unknown>>;
interface Where {
  readonly region: string;
  readonly account: string;
}
type ToRequests = (input: Input, where: Where, output: unknown) => IamRequest[];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : []);
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

// ---- ECS: names or ARNs are accepted wherever the API takes a cluster, service or task. ----
const ecsArn = (w: Where, resource: string) => `arn:aws:ecs:${w.region}:${w.account}:${resource}`;
const clusterName = (cluster: unknown) => (text(cluster) || 'default').split('/').pop() ?? '';
const clusterArn = (w: Where, cluster: unknown) => ecsArn(w, `cluster/${clusterName(cluster)}`);
const inCluster = (w: Where, input: Input, kind: 'service' | 'task', nameOrArn: string) =>
  nameOrArn.startsWith('arn:') ? nameOrArn : ecsArn(w, `${kind}/${clusterName(input.cluster)}/${nameOrArn}`);
const taskDefinitionArn = (w: Where, ref: string) =>
  ref.startsWith('arn:') ? ref : ecsArn(w, `task-definition/${ref}`);
/** The ecs:cluster condition key: the cluster every ECS call on a service or task acts in. */
const clusterKey = (w: Where, input: Input) => ({ 'ecs:cluster': clusterArn(w, input.cluster) });

/** Tag keys and values as the tag-on-create condition keys carry them. */
function tagContext(tags: unknown): Record<string, string | string[]> {
  const list = (Array.isArray(tags) ? tags : []) as { key?: string; value?: string }[];
  return {
    'aws:TagKeys': list.map((t) => t.key ?? ''),
    ...Object.fromEntries(list.map((t) => [`aws:RequestTag/${t.key ?? ''}`, t.value ?? ''])),
  };
}

/**
 * Registering a definition is authorised on the revision it creates; roles in it are passed to ECS
 * tasks (iam:PassRole, checked by ECS at registration); tags given with it need ecs:TagResource
 * ("tag on create", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
 */
const registerTaskDefinition: ToRequests = (input, w, output) => {
  const created =
    text(at(output, 'taskDefinition', 'taskDefinitionArn')) ||
    ecsArn(w, `task-definition/${text(input.family)}:*`);
  const tags = Array.isArray(input.tags) ? input.tags : [];
  const roles = [text(input.taskRoleArn), text(input.executionRoleArn)].filter(Boolean);
  return [
    { action: 'ecs:RegisterTaskDefinition', resource: created, context: tags.length ? tagContext(tags) : {} },
    ...roles.map((role) => ({
      action: 'iam:PassRole',
      resource: role,
      // ECS passes a definition's roles to its tasks' service principal.
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    })),
    ...(tags.length
      ? [
          {
            action: 'ecs:TagResource',
            resource: created,
            context: { 'ecs:CreateAction': 'RegisterTaskDefinition', ...tagContext(tags) },
          },
        ]
      : []),
  ];
};

// ---- CloudWatch Logs ----
const logGroupArn = (w: Where, name: string) => `arn:aws:logs:${w.region}:${w.account}:log-group:${name}`;
/**
 * A call on one log group: the Service Authorization Reference names the group's ARN, while
 * CloudWatch Logs names `<group>:log-stream:` in its AccessDenied messages. The grant must cover both.
 */
const onLogGroup =
  (action: string): ToRequests =>
  (input, w) => {
    const group = logGroupArn(w, text(input.logGroupName));
    return [group, `${group}:log-stream:`].map((resource) => ({ action, resource, context: {} }));
  };

const secretArn = (input: Input, output: unknown) => text(at(output, 'ARN')) || text(input.SecretId);
/** SSM takes a parameter's name or its ARN (the collectors' secrets name theirs by ARN). */
const ssmParameterArn = (w: Where, name: string) =>
  name.startsWith('arn:')
    ? name
    : `arn:aws:ssm:${w.region}:${w.account}:parameter/${name.replace(/^\//, '')}`;
const dynamoTable =
  (action: string): ToRequests =>
  (input, w) => [
    {
      action,
      resource: `arn:aws:dynamodb:${w.region}:${w.account}:table/${text(input.TableName)}`,
      context: {},
    },
  ];

/**
 * Every SDK operation the Lambdas call, as IAM authorises it. An operation missing here fails the
 * proof, naming it: add its row (action, resource, context keys) from the Service Authorization
 * Reference.
 */
export const SDK_OPERATIONS: Readonly<Record<string, ToRequests>> = {
  'ecs:DescribeServices': (input, w) =>
    texts(input.services).map((s) => ({
      action: 'ecs:DescribeServices',
      resource: inCluster(w, input, 'service', s),
      context: clusterKey(w, input),
    })),
  // No resource-level permission: IAM authorises it on "*".
  'ecs:DescribeTaskDefinition': () => [{ action: 'ecs:DescribeTaskDefinition', resource: '*', context: {} }],
  'ecs:RegisterTaskDefinition': registerTaskDefinition,
  'ecs:UpdateService': (input, w) => [
    {
      action: 'ecs:UpdateService',
      resource: inCluster(w, input, 'service', text(input.service)),
      context: {
        ...clusterKey(w, input),
        ...(input.taskDefinition
          ? { 'ecs:task-definition': taskDefinitionArn(w, text(input.taskDefinition)) }
          : {}),
      },
    },
  ],
  // Authorised on the cluster's container instances, the cluster named by the ecs:cluster key.
  'ecs:ListTasks': (input, w) => [
    {
      action: 'ecs:ListTasks',
      resource: ecsArn(w, `container-instance/${clusterName(input.cluster)}/*`),
      context: clusterKey(w, input),
    },
  ],
  'ecs:DescribeTasks': (input, w) =>
    texts(input.tasks).map((t) => ({
      action: 'ecs:DescribeTasks',
      resource: inCluster(w, input, 'task', t),
      context: clusterKey(w, input),
    })),
  'dynamodb:GetItem': dynamoTable('dynamodb:GetItem'),
  'dynamodb:PutItem': dynamoTable('dynamodb:PutItem'),
  'dynamodb:DeleteItem': dynamoTable('dynamodb:DeleteItem'),
  // Authorised on the execution (Service Authorization Reference, AWS Step Functions).
  'states:DescribeExecution': (input) => [
    { action: 'states:DescribeExecution', resource: text(input.executionArn), context: {} },
  ],
  'ssm:PutParameter': (input, w) => [
    {
      action: 'ssm:PutParameter',
      resource: ssmParameterArn(w, text(input.Name)),
      context: { 'ssm:Overwrite': String(input.Overwrite === true) },
    },
  ],
  'ssm:GetParameter': (input, w) => [
    { action: 'ssm:GetParameter', resource: ssmParameterArn(w, text(input.Name)), context: {} },
  ],
  // A list call with no resource-level permission: IAM authorises it on "*".
  'logs:DescribeLogGroups': () => [{ action: 'logs:DescribeLogGroups', resource: '*', context: {} }],
  'logs:CreateLogGroup': onLogGroup('logs:CreateLogGroup'),
  'logs:PutRetentionPolicy': onLogGroup('logs:PutRetentionPolicy'),
  'logs:FilterLogEvents': onLogGroup('logs:FilterLogEvents'),
  'logs:DescribeLogStreams': onLogGroup('logs:DescribeLogStreams'),
  // Authorised on the secret's full ARN (with its random suffix), which the answer carries.
  'secretsmanager:GetSecretValue': (input, _w, output) => [
    { action: 'secretsmanager:GetSecretValue', resource: secretArn(input, output), context: {} },
  ],
  'secretsmanager:DescribeSecret': (input, _w, output) => [
    { action: 'secretsmanager:DescribeSecret', resource: secretArn(input, output), context: {} },
  ],
  // ListObjectsV2 is authorised as s3:ListBucket on the bucket (Service Authorization Reference,
  // Amazon S3: "ListBucket ... Grants permission to list some or all of the objects in an Amazon S3
  // bucket (up to 1000)"; the API reference's ListObjectsV2 page names that permission).
  's3:ListObjectsV2': (input) => [
    { action: 's3:ListBucket', resource: `arn:aws:s3:::${text(input.Bucket)}`, context: {} },
  ],
  // EC2 Describe* actions support no resource-level permissions: IAM authorises them on "*".
  'ec2:DescribeSubnets': () => [{ action: 'ec2:DescribeSubnets', resource: '*', context: {} }],
  'ec2:DescribeRouteTables': () => [{ action: 'ec2:DescribeRouteTables', resource: '*', context: {} }],
  'ec2:DescribeVpcEndpoints': () => [{ action: 'ec2:DescribeVpcEndpoints', resource: '*', context: {} }],
  'iam:SimulatePrincipalPolicy': (input) => [
    { action: 'iam:SimulatePrincipalPolicy', resource: text(input.PolicySourceArn), context: {} },
  ],
};

/** AMP's Prometheus-compatible API, by path under /workspaces/<id>/. */
const AMP_PATHS: Readonly<Record<string, string>> = {
  'api/v1/query': 'aps:QueryMetrics',
  'api/v1/query_range': 'aps:QueryMetrics',
  'api/v1/series': 'aps:GetSeries',
  'api/v1/labels': 'aps:GetLabels',
  'api/v1/metadata': 'aps:GetMetricMetadata',
};

/** The SigV4 credential scope of a signed request: `<key>/<date>/<region>/<service>/aws4_request`. */
function signingScope(call: HttpCall): { region: string; service: string } | undefined {
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(call.headers.authorization ?? '');
  return m ? { region: m[1] as string, service: m[2] as string } : undefined;
}

function httpRequests(call: HttpCall, account: string): IamRequest[] {
  const url = new URL(call.url);
  const scope = signingScope(call);
  const amp = /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname);
  if (!amp) {
    // Unsigned requests (Loki) are not AWS calls: nothing in IAM authorises them.
    if (!scope) return [];
    throw new Error(`a signed request to ${url.host} (${scope.service}), which no row here maps to IAM`);
  }
  const m = /^\/workspaces\/([^/]+)\/(.+)$/.exec(url.pathname);
  const action = m ? AMP_PATHS[m[2] as string] : undefined;
  if (!m || !action) throw new Error(`an AMP request to ${url.pathname}, which no row here maps to IAM`);
  // AMP rejects a request not signed for "aps" in its own region before IAM is asked.
  if (scope?.service !== 'aps' || scope.region !== amp[1])
    throw new Error(
      `an AMP request to ${url.pathname} signed ${JSON.stringify(scope)}, not for aps in ${amp[1]}`,
    );
  return [{ action, resource: `arn:aws:aps:${amp[1]}:${account}:workspace/${m[1]}`, context: {} }];
}

/** The IAM authorisations one recorded call needs, in the calling Lambda's account. */
export function iamRequestsOf(call: RecordedCall, account: string): IamRequest[] {
  if (call.kind === 'http') return httpRequests(call, account);
  const sdk: SdkCall = call;
  const toRequests = SDK_OPERATIONS[`${sdk.service}:${sdk.operation}`];
  if (!toRequests)
    throw new Error(
      `${sdk.lambda} called ${sdk.service}:${sdk.operation}, which no row of SDK_OPERATIONS maps to IAM`,
    );
  return toRequests(sdk.input, { region: sdk.region, account }, sdk.output);
}

import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Permission } from '../lambdas/catalog';
import { IAM_QUOTAS } from './policy-size';
import { secretArnPattern, type ScopedArns } from './arns';
import { logGroupWildcardsOf, type RolloutTarget } from './target';

/** Everything the statements are scoped to. */
export interface PermissionScope {
  readonly arns: ScopedArns;
  readonly target: RolloutTarget;
  readonly lockTableArn: string;
  /**
   * `arn:...:execution:<stateMachineName>:*` of the orchestrator's own state machine, built from
   * the stack's region, account and the state machine's NAME (not the construct's ARN attribute):
   * the state machine's definition names the Lambdas, so a Lambda policy that referenced the state
   * machine resource would make a dependency cycle.
   */
  readonly ownExecutionsArn: string;
  /** Task and execution roles the registered task definitions may carry. */
  readonly passRoleArns: readonly string[];
  /** Task definition families the rollout registers and tags; `['*']` when not narrowed. */
  readonly taskDefinitionFamilies: readonly string[];
}

/**
 * How the per-service resources are named: `exact` lists every service and log group of the plan;
 * `cluster` names them by pattern (`service/<cluster>/*`, the plan's log group pattern), for plans
 * too large for IAM to list. Only the categories in `CLUSTER_SCOPABLE` differ between the two.
 */
export type ResourceScoping = 'exact' | 'cluster';

/**
 * The categories whose statements list per-service resources, so have a cluster-scoped form, in
 * the order they are widened when a plan is too large: read-only first, updates last.
 */
export const CLUSTER_SCOPABLE: readonly Permission[] = ['ecs-read', 'logs-read', 'logs-groups', 'ecs-write'];

/** The principal ECS task and execution roles are passed to. */
export const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com';

/** What rollback does in the services' log groups (ensure each one, then read it back). */
const LOG_GROUP_ACTIONS = ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:FilterLogEvents'];

const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
  new PolicyStatement({
    sid,
    effect: Effect.ALLOW,
    actions,
    resources,
    ...(conditions ? { conditions } : {}),
  });

/**
 * The one place a catalog permission category becomes IAM statements. A file-based state machine
 * definition grants nothing by itself, so every Lambda gets exactly its categories' statements.
 */
export const PERMISSION_STATEMENTS: Record<
  Permission,
  (scope: PermissionScope, scoping?: ResourceScoping) => PolicyStatement[]
> = {
  'lock-table': ({ lockTableArn }) => [
    allow('LockTableItems', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [lockTableArn]),
  ],

  // Who holds the lock (read only), and whether that execution still runs. DescribeExecution
  // authorises on the execution ARN (Service Authorization Reference, AWS Step Functions: resource
  // type "execution"); names are made at run time, so the state machine's pattern.
  'lock-holder': ({ lockTableArn, ownExecutionsArn }) => [
    allow('LockTableRead', ['dynamodb:GetItem'], [lockTableArn]),
    allow('DescribeOwnExecutions', ['states:DescribeExecution'], [ownExecutionsArn]),
  ],

  // Baseline tags come with DescribeTaskDefinition (include: TAGS), which needs no ListTagsForResource.
  'ecs-read': ({ arns, target }, scoping = 'exact') => {
    const cluster = arns.ecsCluster(target.clusterName);
    const services = target.ecsServiceNames.map((s) => arns.ecsService(target.clusterName, s));
    return [
      scoping === 'exact'
        ? allow('EcsDescribeListedServices', ['ecs:DescribeServices'], services)
        : allow(
            'EcsDescribeServicesInCluster',
            ['ecs:DescribeServices'],
            [arns.ecsService(target.clusterName, '*')],
          ),
      // DescribeTaskDefinition supports no resource-level permission: "*" is the only valid resource.
      allow('EcsDescribeTaskDefinition', ['ecs:DescribeTaskDefinition'], ['*']),
      // ListTasks authorises on the cluster through the ecs:cluster condition key.
      allow('EcsListTasksInCluster', ['ecs:ListTasks'], ['*'], { ArnEquals: { 'ecs:cluster': cluster } }),
      allow('EcsDescribeTasksInCluster', ['ecs:DescribeTasks'], [arns.ecsTasks(target.clusterName)], {
        ArnEquals: { 'ecs:cluster': cluster },
      }),
    ];
  },

  'ecs-write': ({ arns, target, passRoleArns, taskDefinitionFamilies }, scoping = 'exact') => [
    // RegisterTaskDefinition supports no resource-level permission: "*" is the only valid resource.
    allow('EcsRegisterTaskDefinition', ['ecs:RegisterTaskDefinition'], ['*']),
    allow(
      'EcsTagTaskDefinitions',
      ['ecs:TagResource'],
      taskDefinitionFamilies.map((f) => arns.ecsTaskDefinitions(f)),
    ),
    scoping === 'exact'
      ? allow(
          'EcsUpdateListedServices',
          ['ecs:UpdateService'],
          target.ecsServiceNames.map((s) => arns.ecsService(target.clusterName, s)),
        )
      : // The cluster's services, never "*": the rollout can only touch services of its own cluster.
        allow(
          'EcsUpdateServicesInCluster',
          ['ecs:UpdateService'],
          [arns.ecsService(target.clusterName, '*')],
        ),
    allow('PassListedTaskRolesToEcs', ['iam:PassRole'], [...passRoleArns], {
      StringEquals: { 'iam:PassedToService': ECS_TASKS_SERVICE },
    }),
  ],

  'ssm-config': ({ arns, target }) => [
    // Written only: the execution roles read the configs (ssm:GetParameters), never a Lambda.
    allow('SsmConfigParameters', ['ssm:PutParameter'], [arns.ssmParametersUnder(target.configPrefix)]),
  ],

  // Read only: the ADOT collector's config, for the scrape job Alloy must keep (job, instance,
  // interval). Under the plan's collectorConfigPrefix when it names one, else any parameter of
  // this account and region (the collectors' parameters are named by their task definitions).
  'collector-config': ({ arns, target }) => [
    allow(
      'AdotCollectorConfigs',
      ['ssm:GetParameter'],
      [arns.ssmParametersUnder(target.collectorConfigPrefix ?? '')],
    ),
  ],

  'logs-groups': ({ arns, target }, scoping = 'exact') => [
    scoping === 'exact'
      ? allow(
          'ServiceLogGroups',
          LOG_GROUP_ACTIONS,
          target.logGroupNames.flatMap((g) => [arns.logGroup(g), arns.logGroupStreams(g)]),
        )
      : allow(
          'ServiceLogGroupPatterns',
          LOG_GROUP_ACTIONS,
          logGroupWildcardsOf(target).flatMap((g) => [arns.logGroup(g), arns.logGroupStreams(g)]),
        ),
    // DescribeLogGroups supports no resource-level permission (Service Authorization Reference):
    // "*" is the only resource IAM evaluates it on.
    allow('DescribeLogGroups', ['logs:DescribeLogGroups'], ['*']),
  ],

  // Read only: Register samples the lines the main containers wrote to CloudWatch before the switch
  // (the share that is not JSON), in the same groups rollback writes back to.
  'logs-read': ({ arns, target }, scoping = 'exact') => [
    scoping === 'exact'
      ? allow(
          'ServiceLogGroupsRead',
          ['logs:FilterLogEvents'],
          target.logGroupNames.flatMap((g) => [arns.logGroup(g), arns.logGroupStreams(g)]),
        )
      : allow(
          'ServiceLogGroupPatternsRead',
          ['logs:FilterLogEvents'],
          logGroupWildcardsOf(target).flatMap((g) => [arns.logGroup(g), arns.logGroupStreams(g)]),
        ),
  ],

  'amp-query': ({ arns, target }) => [
    // GetSeries: Register's baseline and Verify's check read metric names and label keys.
    allow(
      'AmpQueryWorkspace',
      ['aps:QueryMetrics', 'aps:GetSeries'],
      [arns.ampWorkspace(target.ampWorkspaceId)],
    ),
  ],

  'loki-secret': ({ target }) =>
    target.lokiSecretArn
      ? [allow('ReadLokiSecret', ['secretsmanager:GetSecretValue'], [secretArnPattern(target.lokiSecretArn)])]
      : [],

  // The Grafana step reads its service-account token; no plan grafana section, no statement.
  'grafana-secret': ({ target }) =>
    target.grafanaSecretArn
      ? [
          allow(
            'ReadGrafanaTokenSecret',
            ['secretsmanager:GetSecretValue'],
            [secretArnPattern(target.grafanaSecretArn)],
          ),
        ]
      : [],

  // Preflight asks IAM whether these roles may do what the migrated tasks need: only the roles the
  // rollout may pass to ECS, the ones its task definitions can carry.
  'role-simulate': ({ passRoleArns }) => [
    allow('SimulateListedTaskRoles', ['iam:SimulatePrincipalPolicy'], [...passRoleArns]),
  ],

  // Lists keys only (ListObjectsV2 authorises as s3:ListBucket on the bucket), never reads a chunk.
  'loki-bucket-list': ({ arns, target }) =>
    target.lokiBucketName
      ? [allow('ListLokiChunkBucket', ['s3:ListBucket'], [arns.s3Bucket(target.lokiBucketName)])]
      : [],

  'vpc-describe': ({ target }) =>
    target.lokiS3EndpointCheck
      ? [
          allow(
            'DescribeLokiVpcRouting',
            ['ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints'],
            ['*'],
          ),
        ]
      : [],

  // Its metadata only (the KMS key the execution roles must decrypt with), never its value.
  'loki-secret-describe': ({ target }) =>
    target.lokiSecretArn
      ? [
          allow(
            'DescribeLokiSecret',
            ['secretsmanager:DescribeSecret'],
            [secretArnPattern(target.lokiSecretArn)],
          ),
        ]
      : [],
};

/**
 * Why each statement that names a wildcard resource needs it. Used for the cdk-nag
 * acknowledgements; a wildcard in a statement not listed here fails the AwsSolutions check.
 */
export const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  DescribeOwnExecutions:
    "Execution names are made at run time; the pattern covers this state machine's own executions only, and DescribeExecution is read-only (the lock holder's and a child's parent's status).",
  EcsDescribeTaskDefinition:
    'ecs:DescribeTaskDefinition supports no resource-level permissions, so "*" is the only valid resource (read-only).',
  EcsRegisterTaskDefinition:
    'ecs:RegisterTaskDefinition supports no resource-level permissions, so "*" is the only valid resource; the roles a definition can carry are limited by the conditional iam:PassRole statement.',
  EcsListTasksInCluster:
    'ecs:ListTasks authorises on the ecs:cluster condition key, which pins it to the one cluster (read-only).',
  EcsDescribeTasksInCluster:
    "Task ids exist only at run time; the resource and the ecs:cluster condition keep it to the one cluster's tasks (read-only).",
  EcsTagTaskDefinitions:
    'The rollout tags the task definitions it registers with their baseline ARN; families are not in the plan unless taskDefinitionFamilies narrows them.',
  SsmConfigParameters:
    "Per-service Alloy config parameters are created at run time under the plan's config prefix only.",
  AdotCollectorConfigs:
    "Read-only. The ADOT collectors' config parameters are named in their task definitions, not in the plan: under the plan's collectorConfigPrefix when it gives one, else any parameter of this account and region.",
  ServiceLogGroups:
    'The log-group:<name>:* form is how CloudWatch Logs authorises calls on the streams of these named groups (FilterLogEvents); a "*" inside a name stands for container names only known from the task definition.',
  ServiceLogGroupsRead:
    'The log-group:<name>:* form is how CloudWatch Logs authorises FilterLogEvents on the streams of these named groups (read-only); a "*" inside a name stands for container names only known from the task definition.',
  DescribeLogGroups:
    'logs:DescribeLogGroups supports no resource-level permissions, so "*" is the only valid resource; it lists names and settings only, no log data.',
  DescribeLokiVpcRouting:
    'ec2:DescribeSubnets, ec2:DescribeRouteTables and ec2:DescribeVpcEndpoints support no resource-level permissions (Service Authorization Reference, Amazon EC2: the Describe* actions list no resource types), so "*" is the only valid resource; read-only, and they return routing metadata, no data.',
  LambdaVpcNetworkInterfaces:
    'Lambda needs these EC2 network-interface actions to run in the VPC; they support no resource-level permissions (what AWSLambdaVPCAccessExecutionRole grants, written out instead of attaching the managed policy).',
};

/**
 * Why the cluster-scoped statements name patterns: the plan is too large for IAM to list each
 * service. The reasons name the plan's size, so the acknowledgement says which plan needed it.
 */
export function clusterScopeReasons(target: RolloutTarget): Readonly<Record<string, string>> {
  const size = `this plan lists ${target.ecsServiceNames.length} ECS services and ${target.logGroupNames.length} log groups`;
  const why = `${size}, more than fit in the per-service ARNs of ${IAM_QUOTAS.managedPoliciesPerRole} managed policies of ${IAM_QUOTAS.managedPolicyChars} characters per role`;
  return {
    EcsDescribeServicesInCluster: `${why}; describing is read-only and limited to the services of the one cluster.`,
    EcsUpdateServicesInCluster: `${why}; updates are limited to the services of the one cluster (never "*"), and the task definitions they can run carry only the roles of the conditional iam:PassRole statement.`,
    ServiceLogGroupPatterns: `${why}; the plan's logGroupPattern with "*" for the service and container parts keeps rollback to the services' log groups and their streams.`,
    ServiceLogGroupPatternsRead: `${why}; read-only, and the plan's logGroupPattern with "*" for the service and container parts keeps the reads to the services' log groups and their streams.`,
  };
}

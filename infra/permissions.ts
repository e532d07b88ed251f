import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Permission } from '../lambdas/catalog';
import { secretArnPattern, type ScopedArns } from './arns';
import type { RolloutTarget } from './target';

/** Everything the statements are scoped to. */
export interface PermissionScope {
  readonly arns: ScopedArns;
  readonly target: RolloutTarget;
  readonly lockTableArn: string;
  /** Task and execution roles the registered task definitions may carry. */
  readonly passRoleArns: readonly string[];
  /** Task definition families the rollout registers and tags; `['*']` when not narrowed. */
  readonly taskDefinitionFamilies: readonly string[];
}

/** The principal ECS task and execution roles are passed to. */
export const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com';

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
export const PERMISSION_STATEMENTS: Record<Permission, (scope: PermissionScope) => PolicyStatement[]> = {
  'lock-table': ({ lockTableArn }) => [
    allow('LockTableItems', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [lockTableArn]),
  ],

  'ecs-read': ({ arns, target, taskDefinitionFamilies }) => {
    const cluster = arns.ecsCluster(target.clusterName);
    const services = target.ecsServiceNames.map((s) => arns.ecsService(target.clusterName, s));
    const taskDefinitions = taskDefinitionFamilies.map((f) => arns.ecsTaskDefinitions(f));
    return [
      allow(
        'EcsDescribeClusterAndServices',
        ['ecs:DescribeClusters', 'ecs:DescribeServices'],
        [cluster, ...services],
      ),
      // DescribeTaskDefinition supports no resource-level permission: "*" is the only valid resource.
      allow('EcsDescribeTaskDefinition', ['ecs:DescribeTaskDefinition'], ['*']),
      // ListTasks authorises on the cluster through the ecs:cluster condition key.
      allow('EcsListTasksInCluster', ['ecs:ListTasks'], ['*'], { ArnEquals: { 'ecs:cluster': cluster } }),
      allow('EcsDescribeTasksInCluster', ['ecs:DescribeTasks'], [arns.ecsTasks(target.clusterName)], {
        ArnEquals: { 'ecs:cluster': cluster },
      }),
      allow('EcsReadTags', ['ecs:ListTagsForResource'], [cluster, ...services, ...taskDefinitions]),
    ];
  },

  'ecs-write': ({ arns, target, passRoleArns, taskDefinitionFamilies }) => [
    // RegisterTaskDefinition supports no resource-level permission: "*" is the only valid resource.
    allow('EcsRegisterTaskDefinition', ['ecs:RegisterTaskDefinition'], ['*']),
    allow(
      'EcsTagTaskDefinitions',
      ['ecs:TagResource'],
      taskDefinitionFamilies.map((f) => arns.ecsTaskDefinitions(f)),
    ),
    allow(
      'EcsUpdateListedServices',
      ['ecs:UpdateService'],
      target.ecsServiceNames.map((s) => arns.ecsService(target.clusterName, s)),
    ),
    allow('PassListedTaskRolesToEcs', ['iam:PassRole'], [...passRoleArns], {
      StringEquals: { 'iam:PassedToService': ECS_TASKS_SERVICE },
    }),
  ],

  'ssm-config': ({ arns, target }) => [
    allow(
      'SsmConfigParameters',
      ['ssm:GetParameter', 'ssm:PutParameter'],
      [arns.ssmParametersUnder(target.configPrefix)],
    ),
  ],

  'logs-groups': ({ arns, target }) => [
    allow(
      'ServiceLogGroups',
      ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeLogStreams', 'logs:FilterLogEvents'],
      target.logGroupNames.flatMap((g) => [arns.logGroup(g), arns.logGroupStreams(g)]),
    ),
    // DescribeLogGroups is a list call: it authorises on the account's log-group namespace, not a group.
    allow('DescribeLogGroups', ['logs:DescribeLogGroups'], [arns.logGroup('*')]),
  ],

  'amp-query': ({ arns, target }) => [
    allow('AmpQueryWorkspace', ['aps:QueryMetrics'], [arns.ampWorkspace(target.ampWorkspaceId)]),
  ],

  'loki-secret': ({ target }) =>
    target.lokiSecretArn
      ? [allow('ReadLokiSecret', ['secretsmanager:GetSecretValue'], [secretArnPattern(target.lokiSecretArn)])]
      : [],
};

/**
 * Why each statement that names a wildcard resource needs it. Used for the cdk-nag
 * acknowledgements; a wildcard in a statement not listed here fails the AwsSolutions check.
 */
export const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  EcsDescribeTaskDefinition:
    'ecs:DescribeTaskDefinition supports no resource-level permissions, so "*" is the only valid resource (read-only).',
  EcsRegisterTaskDefinition:
    'ecs:RegisterTaskDefinition supports no resource-level permissions, so "*" is the only valid resource; the roles a definition can carry are limited by the conditional iam:PassRole statement.',
  EcsListTasksInCluster:
    'ecs:ListTasks authorises on the ecs:cluster condition key, which pins it to the one cluster (read-only).',
  EcsDescribeTasksInCluster:
    "Task ids exist only at run time; the resource and the ecs:cluster condition keep it to the one cluster's tasks (read-only).",
  EcsReadTags:
    'The plan names services, not task definition families; reading tags (the baseline task definition ARN) needs every family unless taskDefinitionFamilies narrows it.',
  EcsTagTaskDefinitions:
    'The rollout tags the task definitions it registers with their baseline ARN; families are not in the plan unless taskDefinitionFamilies narrows them.',
  SsmConfigParameters:
    "Per-service Alloy config parameters are created at run time under the plan's config prefix only.",
  ServiceLogGroups:
    'The log-group:<name>:* form is how CloudWatch Logs authorises stream-level calls (DescribeLogStreams, FilterLogEvents) in these named groups; a "*" inside a name stands for container names only known from the task definition.',
  DescribeLogGroups:
    'logs:DescribeLogGroups is a list call authorised on the account-wide log-group namespace; it reveals names only, no log data.',
  LambdaVpcNetworkInterfaces:
    'Lambda needs these EC2 network-interface actions to run in the VPC; they support no resource-level permissions (what AWSLambdaVPCAccessExecutionRole grants, written out instead of attaching the managed policy).',
};

/**
 * The Lambdas of the orchestrator, one per step. This list is the single source of truth for:
 * the handler files (lambdas/handlers/<file>.ts exporting `handler`), the `${...}` substitution
 * each one fills in statemachine/rollout.asl.json, which AWS permissions it needs (infra grants
 * exactly these), and whether it must run in the VPC to reach Loki.
 */
export type Permission =
  | 'lock-table' // DynamoDB PutItem/DeleteItem/GetItem on the lock table
  | 'lock-holder' // DynamoDB GetItem on the lock table + states:DescribeExecution on this state machine's executions: who holds the lock, and whether it still runs
  | 'ecs-read' // DescribeServices/TaskDefinition, ListTasks/DescribeTasks
  | 'ecs-write' // RegisterTaskDefinition, TagResource, UpdateService (+ iam:PassRole for task roles)
  | 'ssm-config' // PutParameter on the config prefix
  | 'collector-config' // GetParameter on the ADOT collectors' config parameters (their scrape jobs)
  | 'logs-groups' // CreateLogGroup, PutRetentionPolicy, FilterLogEvents on the services' groups; DescribeLogGroups
  | 'logs-read' // FilterLogEvents on the services' groups (Register's CloudWatch baseline of non-JSON lines)
  | 'amp-query' // aps:QueryMetrics and aps:GetSeries on the workspace
  | 'loki-secret' // secretsmanager:GetSecretValue on the Loki credential secret
  | 'grafana-secret' // secretsmanager:GetSecretValue on the Grafana service-account token secret
  | 'role-simulate' // iam:SimulatePrincipalPolicy on the task/execution roles (preflight's permission check)
  | 'loki-secret-describe' // secretsmanager:DescribeSecret on the Loki credential secret (its KMS key)
  | 'loki-bucket-list' // s3:ListBucket on the plan's Loki bucket (chunks written since the canary)
  | 'vpc-describe'; // ec2:DescribeSubnets/RouteTables/VpcEndpoints (Loki's subnets reach S3 by a gateway endpoint)

export interface LambdaSpec {
  /** CDK construct id and the stem of the substitution name (`${<id>FunctionArn}`). */
  readonly id: string;
  /** Handler file under lambdas/handlers/, without extension. */
  readonly file: string;
  readonly permissions: readonly Permission[];
  /** Talks to Loki over HTTP, so it runs in the VPC subnets given to the construct. */
  readonly inVpc: boolean;
  readonly description: string;
}

export const LAMBDAS = [
  {
    id: 'Lock',
    file: 'lock',
    // lock-holder: an expired lock is taken over only from an execution that is no longer RUNNING.
    permissions: ['lock-table', 'lock-holder'],
    inVpc: false,
    description: 'Acquire or release the per-cluster rollout lock',
  },
  {
    id: 'Preflight',
    file: 'preflight',
    // collector-config: plan mode renders the scrape from the ADOT config, as Register does.
    permissions: ['ecs-read', 'amp-query', 'role-simulate', 'loki-secret-describe', 'collector-config'],
    inVpc: false,
    description: 'Validate the plan, describe the cluster, record baselines',
  },
  {
    id: 'Loki',
    file: 'loki',
    permissions: ['ecs-read', 'ecs-write', 'loki-secret', 'loki-bucket-list', 'vpc-describe'],
    inVpc: true,
    description: 'Roll out the Loki service, check /ready, canary round trip, retention and S3 storage',
  },
  {
    id: 'Grafana',
    file: 'grafana',
    // Grafana is often reached inside the VPC (a private endpoint), like Loki.
    permissions: ['grafana-secret'],
    inVpc: true,
    description:
      'Grafana checkpoint: Loki datasource, canary through Grafana; dashboards after the last phase',
  },
  {
    id: 'Register',
    file: 'register',
    // lock-holder: the child gate (its parent is RUNNING and holds the lock). One category, not
    // two: at 60 services Register's ECS and log categories take two policies each, and one more
    // would pass IAM's 10 managed policies per role and widen ecs-read to the cluster.
    permissions: [
      'ecs-read',
      'ecs-write',
      'ssm-config',
      'logs-read',
      'collector-config',
      'amp-query',
      'lock-holder',
    ],
    inVpc: false,
    description: 'Render the Alloy task definition and config, register them',
  },
  {
    id: 'UpdateService',
    file: 'update-service',
    permissions: ['ecs-read', 'ecs-write'],
    inVpc: false,
    description: 'Point a service at a task definition',
  },
  {
    id: 'Deployment',
    file: 'deployment',
    permissions: ['ecs-read'],
    inVpc: false,
    description: 'Read the state of a service deployment',
  },
  {
    id: 'Verify',
    file: 'verify',
    permissions: ['ecs-read', 'amp-query', 'loki-secret'],
    inVpc: true,
    description: 'Watch the new deployment; verify logs, metrics and plan checks through the soak',
  },
  {
    id: 'VerifyShadow',
    file: 'verify-shadow',
    // logs-read: FilterLogEvents on the services' log groups (the awslogs streams counted), nothing else.
    permissions: ['ecs-read', 'logs-read', 'loki-secret'],
    inVpc: true,
    description: 'Shadow step: CloudWatch awslogs events against Loki lines per task and container',
  },
  {
    id: 'Rollback',
    file: 'rollback',
    // lock-holder: the child gate of a service-rollback child.
    permissions: ['ecs-read', 'ecs-write', 'logs-groups', 'lock-holder'],
    inVpc: false,
    description: 'Choose the services to roll back; put a service back on ADOT + awslogs',
  },
  {
    id: 'VerifyCloudWatch',
    file: 'verify-cloudwatch',
    permissions: ['ecs-read', 'logs-groups'],
    inVpc: false,
    description: 'Check logs reach CloudWatch again after a rollback',
  },
  {
    id: 'Audit',
    file: 'audit',
    // Read-only: a verify run describes services, task definitions and tasks, and queries AMP and Loki.
    permissions: ['ecs-read', 'amp-query', 'loki-secret'],
    inVpc: true,
    description: 'Verify mode: drift of each migrated service and the health of its running tasks',
  },
  {
    id: 'Finalize',
    file: 'finalize',
    permissions: ['lock-table'],
    inVpc: false,
    description: 'Release the lock and build the report',
  },
] as const satisfies readonly LambdaSpec[];

export type LambdaId = (typeof LAMBDAS)[number]['id'];

/**
 * Permissions of the Lambdas that events run (not the definition). Each is scoped to this
 * orchestrator's own resources by infra/execution-ended.ts.
 */
export type EventPermission =
  | 'lock-release' // DynamoDB GetItem/DeleteItem on the lock table (no PutItem: it never takes the lock)
  | 'execution-read' // states:DescribeExecution, states:GetExecutionHistory on this state machine's executions
  | 'execution-start' // states:StartExecution on this state machine (the recovery rollback)
  | 'notify-publish'; // sns:Publish on the notification topic, when the construct has one

export interface EventLambdaSpec {
  readonly id: string;
  readonly file: string;
  readonly permissions: readonly EventPermission[];
  readonly description: string;
}

/**
 * Lambdas an EventBridge rule runs, outside the definition (no `${...}` substitution in the ASL):
 * ExecutionEnded cleans up after a parent execution that ended ABORTED, TIMED_OUT or FAILED
 * without releasing the lock, and sends the notification.
 */
export const EVENT_LAMBDAS = [
  {
    id: 'ExecutionEnded',
    file: 'execution-ended',
    permissions: ['lock-release', 'execution-read', 'execution-start', 'notify-publish'],
    description:
      'After a stopped, timed-out or failed rollout: recovery rollback or lock release; notification',
  },
] as const satisfies readonly EventLambdaSpec[];

export type EventLambdaId = (typeof EVENT_LAMBDAS)[number]['id'];

/** Substitution names in the ASL besides the function ARNs. */
export const ASL_SUBSTITUTIONS = { lockTable: 'LockTableName' } as const;

export function functionArnSubstitution(id: string): string {
  return `${id}FunctionArn`;
}

/**
 * The lock table's key schema, shared by infra (which creates the table) and the lock Lambdas: one
 * item per cluster, removed by DynamoDB's TTL once `expiresAt` (epoch seconds) has passed.
 */
export const LOCK_TABLE = { partitionKey: 'cluster', ttlAttribute: 'expiresAt' } as const;

import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Stack, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDAS, type LambdaId, type Permission } from '../lambdas/catalog';
import { LOG_SERVICE_NAME } from '../lambdas/observability/logger';
import { acknowledgeWildcardResources, NAG_RULES } from './nag';
import {
  CLUSTER_SCOPABLE,
  clusterScopeReasons,
  PERMISSION_STATEMENTS,
  WILDCARD_REASONS,
  type PermissionScope,
  type ResourceScoping,
} from './permissions';
import { layoutCategoryPolicies } from './policy-layout';

/** Where Lambdas that reach Loki run. */
export interface LambdaNetwork {
  readonly vpc: IVpc;
  /** Default: the VPC's private subnets with egress. */
  readonly subnets?: SubnetSelection;
  readonly securityGroups: readonly ISecurityGroup[];
}

export interface RolloutFunctionsProps {
  /** Directory holding `<file>.ts` for each catalog entry. */
  readonly handlersDir: string;
  /** The package-lock.json next to node_modules, so esbuild resolves dependencies from the repo. */
  readonly depsLockFilePath: string;
  readonly scope: PermissionScope;
  readonly network: LambdaNetwork;
  readonly lockTableName: string;
  /** LOCK_TTL_SECONDS: the shortest lock lifetime (longer than the state machine's timeout). */
  readonly lockTtlSeconds: number;
  /** EXECUTION_TIMEOUT_SECONDS: the state machine's TimeoutSeconds. */
  readonly executionTimeoutSeconds: number;
  readonly logRetention: RetentionDays;
  /** POWERTOOLS_LOG_LEVEL of every function (checked by infra/validation.ts checkLogLevel). */
  readonly logLevel: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly minify: boolean;
}

/** The newest Node.js runtime this aws-cdk-lib knows; the handlers are written for Node 24. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** How every alloy-rollout handler is bundled and where its lock file is: one place for all of them. */
export function handlerBundling(props: { readonly depsLockFilePath: string; readonly minify: boolean }) {
  return {
    depsLockFilePath: props.depsLockFilePath,
    projectRoot: path.dirname(props.depsLockFilePath),
    bundling: {
      // Local esbuild only: synthesis must work on machines (and CI) without Docker.
      forceDockerBundling: false,
      minify: props.minify,
      sourceMap: false,
      target: 'node24',
      format: OutputFormat.CJS,
      // The SDK version the handlers were tested with, not whatever the runtime ships.
      bundleAwsSDK: true,
    },
  };
}

/** Lambda needs these to attach its network interfaces; none of them accepts a narrower resource. */
const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

const pascal = (text: string) =>
  text.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

/** A catalog permission category, or the VPC access the Loki-facing Lambdas need. */
export type PolicyCategory = Permission | 'vpc-access';

/**
 * Categories whose statements never grow with the plan (one fixed resource each) are written
 * inline on each role that lists them: they cost no managed-policy slot, and at 60 services
 * Register's ECS and log categories already take all ten IAM attaches per role
 * (IAM_QUOTAS.managedPoliciesPerRole); one more would widen ecs-read to the whole cluster.
 */
const INLINE_CATEGORIES: ReadonlySet<PolicyCategory> = new Set<PolicyCategory>(['lock-holder']);

const categoriesOf = (spec: (typeof LAMBDAS)[number]): PolicyCategory[] =>
  [...spec.permissions, ...(spec.inVpc ? (['vpc-access'] as const) : [])].filter(
    (c) => !INLINE_CATEGORIES.has(c),
  );

const inlineCategoriesOf = (spec: (typeof LAMBDAS)[number]): Permission[] =>
  spec.permissions.filter((c) => INLINE_CATEGORIES.has(c));

const vpcAccessStatements = () => [
  new PolicyStatement({
    sid: 'LambdaVpcNetworkInterfaces',
    effect: Effect.ALLOW,
    actions: VPC_ENI_ACTIONS,
    resources: ['*'],
  }),
];

/**
 * One NodejsFunction per catalog entry, each with its own role, its own log group and, when it
 * talks to Loki, the VPC placement given in props. Each permission category becomes customer
 * managed policies (written once, attached to every role that lists the category): one when it
 * fits, several when the plan lists more services than one policy holds, and cluster-scoped
 * patterns only when a role would need more policies than IAM attaches (`layoutCategoryPolicies`).
 * No AWS managed policy is used.
 */
export class RolloutFunctions extends Construct {
  readonly functions: ReadonlyMap<LambdaId, NodejsFunction>;
  readonly roles: ReadonlyMap<LambdaId, Role>;
  /** The managed policies of each category in use (a category with no statements, e.g. no Loki secret, has none). */
  readonly permissionPolicies: ReadonlyMap<PolicyCategory, readonly ManagedPolicy[]>;
  /** How each category in use names the per-service resources. */
  readonly permissionScoping: ReadonlyMap<PolicyCategory, ResourceScoping>;

  constructor(scope: Construct, id: string, props: RolloutFunctionsProps) {
    super(scope, id);
    const functions = new Map<LambdaId, NodejsFunction>();
    const roles = new Map<LambdaId, Role>();
    const { target } = props.scope;

    // Every policy first: a plan too large for IAM fails before any bundling starts.
    const layout = layoutCategoryPolicies<PolicyCategory>({
      stack: Stack.of(this),
      roles: new Map(LAMBDAS.map((spec) => [spec.id, categoriesOf(spec)])),
      statementsFor: (category, scoping) =>
        category === 'vpc-access'
          ? vpcAccessStatements()
          : PERMISSION_STATEMENTS[category](props.scope, scoping),
      scopable: CLUSTER_SCOPABLE,
      planSize: `this plan lists ${target.ecsServiceNames.length} ECS services, ${target.logGroupNames.length} log groups and ${props.scope.passRoleArns.length} roles to pass`,
    });
    const policies = new Map<PolicyCategory, ManagedPolicy[]>();
    for (const { category, scoping, documents } of layout.values()) {
      const reasons =
        scoping === 'cluster' ? { ...WILDCARD_REASONS, ...clusterScopeReasons(target) } : WILDCARD_REASONS;
      const split = documents.length > 1;
      const notes = (i: number) =>
        [split ? `${i + 1} of ${documents.length}` : '', scoping === 'cluster' ? 'cluster-scoped' : '']
          .filter(Boolean)
          .join(', ');
      policies.set(
        category,
        documents.map((statements, i) => {
          const policy = new ManagedPolicy(this, `${pascal(category)}Policy${split ? i + 1 : ''}`, {
            description: `alloy-rollout Lambdas: ${category}${notes(i) ? ` (${notes(i)})` : ''}`,
            statements,
          });
          acknowledgeWildcardResources(policy, statements, reasons);
          return policy;
        }),
      );
    }

    for (const spec of LAMBDAS) {
      const logGroup = new LogGroup(this, `${spec.id}Logs`, { retention: props.logRetention });
      const role = new Role(this, `${spec.id}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `alloy-rollout ${spec.id} Lambda: ${spec.permissions.join(', ')}`,
      });
      logGroup.grantWrite(role);
      for (const category of categoriesOf(spec))
        for (const policy of policies.get(category) ?? []) role.addManagedPolicy(policy);
      for (const category of inlineCategoriesOf(spec)) {
        const statements = PERMISSION_STATEMENTS[category](props.scope, 'exact');
        for (const statement of statements) role.addToPrincipalPolicy(statement);
        const inline = role.node.tryFindChild('DefaultPolicy');
        if (inline) acknowledgeWildcardResources(inline, statements, WILDCARD_REASONS);
      }

      const fn = new NodejsFunction(this, spec.id, {
        entry: path.join(props.handlersDir, `${spec.file}.ts`),
        handler: 'handler',
        description: spec.description,
        runtime: LAMBDA_RUNTIME,
        architecture: Architecture.ARM_64,
        memorySize: props.memorySize,
        timeout: props.timeout,
        role,
        logGroup,
        // X-Ray: the Tracer's subsegment per invocation, with the AWS SDK and fetch calls under it.
        tracing: Tracing.ACTIVE,
        environment: {
          // Read by the Powertools Logger and Tracer (lambdas/observability).
          POWERTOOLS_SERVICE_NAME: LOG_SERVICE_NAME,
          POWERTOOLS_LOG_LEVEL: props.logLevel,
          LOCK_TABLE_NAME: props.lockTableName,
          LOCK_TTL_SECONDS: String(props.lockTtlSeconds),
          EXECUTION_TIMEOUT_SECONDS: String(props.executionTimeoutSeconds),
        },
        ...handlerBundling(props),
        ...(spec.inVpc
          ? {
              vpc: props.network.vpc,
              securityGroups: [...props.network.securityGroups],
              ...(props.network.subnets ? { vpcSubnets: props.network.subnets } : {}),
            }
          : {}),
      });
      Validations.of(role).acknowledge({
        id: `${NAG_RULES.wildcard}[Resource::*]`,
        reason:
          'Added by Lambda active tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      });
      functions.set(spec.id, fn);
      roles.set(spec.id, role);
    }
    this.functions = functions;
    this.roles = roles;
    this.permissionPolicies = new Map([...policies].filter(([, list]) => list.length > 0));
    this.permissionScoping = new Map([...layout.values()].map((l) => [l.category, l.scoping]));
  }
}

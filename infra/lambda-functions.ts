import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InputInvalidError } from '../core/errors';
import { LAMBDAS, type LambdaId, type Permission } from '../lambdas/catalog';
import { acknowledgeWildcardResources } from './nag';
import { PERMISSION_STATEMENTS, WILDCARD_REASONS, type PermissionScope } from './permissions';
import { estimatePolicyChars, MANAGED_POLICY_MAX_CHARS } from './policy-size';

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
  readonly logRetention: RetentionDays;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly minify: boolean;
}

/** The newest Node.js runtime this aws-cdk-lib knows; the handlers are written for Node 24. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

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

/**
 * One NodejsFunction per catalog entry, each with its own role, its own log group and, when it
 * talks to Loki, the VPC placement given in props. Each permission category is one customer
 * managed policy (written once, attached to every role that lists the category); no AWS managed
 * policy is used.
 */
export class RolloutFunctions extends Construct {
  readonly functions: ReadonlyMap<LambdaId, NodejsFunction>;
  readonly roles: ReadonlyMap<LambdaId, Role>;
  /** The managed policy of each category in use (a category with no statements, e.g. no Loki secret, has none). */
  readonly permissionPolicies: ReadonlyMap<Permission | 'vpc-access', ManagedPolicy>;

  constructor(scope: Construct, id: string, props: RolloutFunctionsProps) {
    super(scope, id);
    const functions = new Map<LambdaId, NodejsFunction>();
    const roles = new Map<LambdaId, Role>();
    const policies = new Map<Permission | 'vpc-access', ManagedPolicy | undefined>();
    const policyFor = (category: Permission | 'vpc-access'): ManagedPolicy | undefined => {
      if (!policies.has(category)) {
        const statements =
          category === 'vpc-access'
            ? [
                new PolicyStatement({
                  sid: 'LambdaVpcNetworkInterfaces',
                  effect: Effect.ALLOW,
                  actions: VPC_ENI_ACTIONS,
                  resources: ['*'],
                }),
              ]
            : PERMISSION_STATEMENTS[category](props.scope);
        let policy: ManagedPolicy | undefined;
        const size = estimatePolicyChars(Stack.of(this), statements);
        if (size > MANAGED_POLICY_MAX_CHARS)
          throw new InputInvalidError(
            `the ${category} policy would be about ${size} characters and IAM allows ${MANAGED_POLICY_MAX_CHARS} per managed policy; ` +
              `expected fewer services or log groups per stack (this one lists ${props.scope.target.ecsServiceNames.length} services and ${props.scope.target.logGroupNames.length} log groups): split the plan across stacks`,
            { category, size },
          );
        if (statements.length > 0) {
          policy = new ManagedPolicy(this, `${pascal(category)}Policy`, {
            description: `alloy-rollout Lambdas: ${category}`,
            statements,
          });
          acknowledgeWildcardResources(policy, statements, WILDCARD_REASONS);
        }
        policies.set(category, policy);
      }
      return policies.get(category);
    };
    const categoriesOf = (spec: (typeof LAMBDAS)[number]): Array<Permission | 'vpc-access'> => [
      ...spec.permissions,
      ...(spec.inVpc ? (['vpc-access'] as const) : []),
    ];
    // Every policy first: a plan too large for IAM fails before any bundling starts.
    for (const spec of LAMBDAS) categoriesOf(spec).forEach(policyFor);
    for (const spec of LAMBDAS) {
      const logGroup = new LogGroup(this, `${spec.id}Logs`, { retention: props.logRetention });
      const role = new Role(this, `${spec.id}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `alloy-rollout ${spec.id} Lambda: ${spec.permissions.join(', ')}`,
      });
      logGroup.grantWrite(role);
      for (const category of categoriesOf(spec)) {
        const policy = policyFor(category);
        if (policy) role.addManagedPolicy(policy);
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
        environment: { LOCK_TABLE_NAME: props.lockTableName },
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
        ...(spec.inVpc
          ? {
              vpc: props.network.vpc,
              securityGroups: [...props.network.securityGroups],
              ...(props.network.subnets ? { vpcSubnets: props.network.subnets } : {}),
            }
          : {}),
      });
      functions.set(spec.id, fn);
      roles.set(spec.id, role);
    }
    this.functions = functions;
    this.roles = roles;
    this.permissionPolicies = new Map(
      [...policies].filter(
        (entry): entry is [Permission | 'vpc-access', ManagedPolicy] => entry[1] !== undefined,
      ),
    );
  }
}

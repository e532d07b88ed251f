import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { GatewayVpcEndpoint, SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster } from 'aws-cdk-lib/aws-ecs';
import { PrivateDnsNamespace } from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { InputInvalidError } from '../core/errors';
import { GitHubOidcRole, type GitHubOidcRoleProps } from './github-oidc-role';
import { LokiService, type LokiServiceProps } from './loki/loki-service';
import { AlloyRolloutOrchestrator } from './orchestrator';
import type { AlloyRolloutOrchestratorProps } from './orchestrator-props';

/** Existing network resources, by id: the stack imports them (no lookups, so synthesis stays offline). */
export interface NetworkIds {
  readonly vpcId: string;
  /** Private subnets (with a NAT or VPC endpoints for the AWS APIs) for the Loki-facing Lambdas and Loki. */
  readonly subnetIds: readonly string[];
  /** Security groups for the Loki-facing Lambdas; Loki must accept 3100 from one of them. */
  readonly securityGroupIds: readonly string[];
}

export interface StackLokiProps extends Omit<
  LokiServiceProps,
  | 'vpc'
  | 'cluster'
  | 'subnets'
  | 'ecsInstanceSecurityGroup'
  | 'grafanaSecurityGroup'
  | 'additionalClientSecurityGroups'
  | 'dnsNamespace'
  | 's3GatewayEndpoint'
> {
  readonly ecsInstanceSecurityGroupId: string;
  readonly grafanaSecurityGroupId?: string;
  /** A Cloud Map private DNS namespace to also publish `loki.<name>` in. */
  readonly dnsNamespace?: { readonly name: string; readonly id: string; readonly arn: string };
  /** The VPC's existing S3 gateway endpoint; without it, one is created on `routeTableIds`. */
  readonly s3GatewayEndpointId?: string;
  /** The route tables of the network's subnets, in their order (one id: shared by all). */
  readonly routeTableIds?: readonly string[];
}

export interface AlloyRolloutStackProps extends StackProps {
  readonly orchestrator: Omit<AlloyRolloutOrchestratorProps, 'network'>;
  readonly network: NetworkIds;
  /** Deploy the seeds' Loki service too (for teams without Loki). */
  readonly loki?: StackLokiProps;
  /** Create the role GitHub workflows assume to run rollouts. */
  readonly github?: Omit<GitHubOidcRoleProps, 'stateMachineArn' | 'executionArnPattern'>;
}

/** The orchestrator with, optionally, the seeds' Loki and the GitHub OIDC role; outputs what workflows need. */
export class AlloyRolloutStack extends Stack {
  readonly orchestrator: AlloyRolloutOrchestrator;
  readonly loki?: LokiService;
  readonly githubRole?: GitHubOidcRole;

  constructor(scope: Construct, id: string, props: AlloyRolloutStackProps) {
    super(scope, id, props);
    const { network } = props;
    // Only ids are known and subnets are always selected explicitly, so the VPC's own subnet lists
    // stay empty; fromVpcAttributes still wants a zone list, which nothing reads.
    const vpc = Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: network.vpcId, availabilityZones: ['unused'] });
    const subnets = {
      subnets: network.subnetIds.map((subnetId, i) => Subnet.fromSubnetId(this, `Subnet${i}`, subnetId)),
    };
    const securityGroups = network.securityGroupIds.map((sgId, i) =>
      SecurityGroup.fromSecurityGroupId(this, `LambdaSecurityGroup${i}`, sgId, { mutable: false }),
    );

    let lokiRoles: { task: string[]; execution: string[] } = { task: [], execution: [] };
    if (props.loki) {
      const {
        ecsInstanceSecurityGroupId,
        grafanaSecurityGroupId,
        dnsNamespace,
        s3GatewayEndpointId,
        routeTableIds,
        ...lokiProps
      } = props.loki;
      // Loki's subnets with their route tables, where the S3 gateway endpoint adds its route.
      const lokiSubnets = routeTableIds
        ? {
            subnets: network.subnetIds.map((subnetId, i) =>
              Subnet.fromSubnetAttributes(this, `LokiSubnet${i}`, {
                subnetId,
                routeTableId: routeTableIds[i] ?? (routeTableIds[0] as string),
              }),
            ),
          }
        : subnets;
      const plan = props.orchestrator.plan;
      const clusterName = plan?.cluster ?? props.orchestrator.target?.clusterName;
      if (!clusterName)
        throw new InputInvalidError(
          'AlloyRolloutStack: loki: expected the plan (or target) to name the ECS cluster Loki runs in',
        );
      const serviceName = lokiProps.serviceName ?? plan?.loki.service;
      this.loki = new LokiService(this, 'Loki', {
        ...lokiProps,
        cluster: Cluster.fromClusterAttributes(this, 'Cluster', { clusterName, vpc, securityGroups: [] }),
        vpc,
        subnets: lokiSubnets,
        ...(s3GatewayEndpointId
          ? {
              s3GatewayEndpoint: GatewayVpcEndpoint.fromGatewayVpcEndpointId(
                this,
                'S3Endpoint',
                s3GatewayEndpointId,
              ),
            }
          : {}),
        ecsInstanceSecurityGroup: SecurityGroup.fromSecurityGroupId(
          this,
          'EcsInstances',
          ecsInstanceSecurityGroupId,
          { mutable: false },
        ),
        ...(grafanaSecurityGroupId
          ? {
              grafanaSecurityGroup: SecurityGroup.fromSecurityGroupId(
                this,
                'Grafana',
                grafanaSecurityGroupId,
                { mutable: false },
              ),
            }
          : {}),
        ...(dnsNamespace
          ? {
              dnsNamespace: PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'DnsNamespace', {
                namespaceName: dnsNamespace.name,
                namespaceId: dnsNamespace.id,
                namespaceArn: dnsNamespace.arn,
              }),
            }
          : {}),
        ...(serviceName ? { serviceName } : {}),
        // The orchestrator's Lambdas check /ready and query Loki directly.
        additionalClientSecurityGroups: securityGroups,
      });
      lokiRoles = { task: [this.loki.taskRole.roleArn], execution: [this.loki.executionRoleArn] };
    }

    this.orchestrator = new AlloyRolloutOrchestrator(this, 'Orchestrator', {
      ...props.orchestrator,
      // The Loki Lambda registers Loki's task definition too, so Loki's roles must be passable.
      taskRoleArns: [...(props.orchestrator.taskRoleArns ?? []), ...lokiRoles.task],
      executionRoleArns: [...(props.orchestrator.executionRoleArns ?? []), ...lokiRoles.execution],
      network: { vpc, subnets, securityGroups },
    });

    new CfnOutput(this, 'StateMachineArn', {
      value: this.orchestrator.stateMachine.stateMachineArn,
      description: 'state-machine-arn input of the Action',
    });
    new CfnOutput(this, 'LockTableName', { value: this.orchestrator.lockTable.tableName });

    if (props.github) {
      this.githubRole = new GitHubOidcRole(this, 'GitHub', {
        ...props.github,
        stateMachineArn: this.orchestrator.stateMachineArn,
        executionArnPattern: this.orchestrator.executionArnPattern,
      });
      new CfnOutput(this, 'GitHubRoleArn', {
        value: this.githubRole.role.roleArn,
        description: 'role-to-assume for aws-actions/configure-aws-credentials',
      });
    }
    if (this.loki) new CfnOutput(this, 'LokiBucketName', { value: this.loki.bucket.bucketName });
  }
}

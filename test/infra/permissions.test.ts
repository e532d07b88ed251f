import { Stack } from 'aws-cdk-lib';
import type { Permission } from '../../lambdas/catalog';
import { LAMBDAS } from '../../lambdas/catalog';
import { ScopedArns, secretArnPattern } from '../../infra/arns';
import { estimatePolicyChars } from '../../infra/policy-size';
import {
  CLUSTER_SCOPABLE,
  clusterScopeReasons,
  ECS_TASKS_SERVICE,
  PERMISSION_STATEMENTS,
  WILDCARD_REASONS,
  type PermissionScope,
} from '../../infra/permissions';
import type { RolloutTarget } from '../../infra/target';

const target: RolloutTarget = {
  clusterName: 'temporal-dev',
  region: 'eu-west-1',
  ecsServiceNames: ['temporal-dev-temporal-history'],
  configPrefix: '/alloy-rollout/temporal-dev',
  logGroupNames: ['/ecs/temporal-dev/temporal-history'],
  ampWorkspaceId: 'ws-1234',
  lokiSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki',
  grafanaSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-token',
  lokiBucketName: 'temporal-dev-loki-chunks',
  lokiS3EndpointCheck: true,
};
const scope: PermissionScope = {
  arns: new ScopedArns('aws', 'eu-west-1', '123456789012'),
  target,
  lockTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/lock',
  ownExecutionsArn: 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout-temporal-dev:*',
  passRoleArns: ['arn:aws:iam::123456789012:role/task'],
  taskDefinitionFamilies: ['temporal-dev-temporal-history'],
};
const json = (category: Permission, scoping: 'exact' | 'cluster' = 'exact') =>
  PERMISSION_STATEMENTS[category](scope, scoping).map(
    (s) => new Stack().resolve(s.toStatementJson()) as Record<string, unknown>,
  );

describe('PERMISSION_STATEMENTS', () => {
  it('has statements for every category the catalog uses', () => {
    const used = new Set(LAMBDAS.flatMap((spec) => spec.permissions));
    for (const category of used) expect(PERMISSION_STATEMENTS[category](scope).length).toBeGreaterThan(0);
  });

  it("lists only the plan's Loki bucket, and reads VPC routing with the EC2 Describe calls only", () => {
    expect(json('loki-bucket-list')).toEqual([
      {
        Sid: 'ListLokiChunkBucket',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::temporal-dev-loki-chunks',
      },
    ]);
    expect(json('vpc-describe')).toEqual([
      {
        Sid: 'DescribeLokiVpcRouting',
        Effect: 'Allow',
        Action: ['ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints'],
        Resource: '*',
      },
    ]);
    // A plan that skips the checks (or states no bucket) gets neither statement.
    const unchecked: RolloutTarget = { ...target };
    delete (unchecked as { lokiBucketName?: string }).lokiBucketName;
    delete (unchecked as { lokiS3EndpointCheck?: boolean }).lokiS3EndpointCheck;
    const without: PermissionScope = { ...scope, target: unchecked };
    expect(PERMISSION_STATEMENTS['loki-bucket-list'](without)).toEqual([]);
    expect(PERMISSION_STATEMENTS['vpc-describe'](without)).toEqual([]);
  });

  it('reads only the Loki secret, with the wildcard Secrets Manager needs for a partial ARN', () => {
    expect(json('loki-secret')).toEqual([
      {
        Sid: 'ReadLokiSecret',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-??????',
      },
    ]);
    expect(
      PERMISSION_STATEMENTS['loki-secret']({
        ...scope,
        target: { ...target, lokiSecretArn: undefined } as unknown as RolloutTarget,
      }),
    ).toEqual([]);
  });

  it('narrows task definition tagging and tag reads to the given families', () => {
    const write = json('ecs-write');
    expect(write.find((s) => s.Sid === 'EcsTagTaskDefinitions')?.Resource).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-history:*',
    );
    expect(write.find((s) => s.Sid === 'PassListedTaskRolesToEcs')).toEqual({
      Sid: 'PassListedTaskRolesToEcs',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/task',
      Condition: { StringEquals: { 'iam:PassedToService': ECS_TASKS_SERVICE } },
    });
  });

  it('has a recorded reason for every statement that names a wildcard resource, and only for those', () => {
    const wildcardSids = new Set<string>();
    for (const category of Object.keys(PERMISSION_STATEMENTS) as Permission[])
      for (const s of json(category))
        if ([s.Resource].flat().some((r) => String(r).includes('*'))) wildcardSids.add(String(s.Sid));
    // loki-secret's "-??????" is a wildcard too, but the finding is not raised on "?": only "*" counts.
    expect([...wildcardSids].sort()).toEqual(
      Object.keys(WILDCARD_REASONS)
        .filter((sid) => sid !== 'LambdaVpcNetworkInterfaces')
        .sort(),
    );
  });
});

describe('PERMISSION_STATEMENTS, cluster-scoped', () => {
  const clusterScoped = { ...target, logGroupWildcards: ['/ecs/temporal-dev/*'] };
  const cluster = (category: Permission) =>
    PERMISSION_STATEMENTS[category]({ ...scope, target: clusterScoped }, 'cluster').map(
      (s) => new Stack().resolve(s.toStatementJson()) as Record<string, unknown>,
    );

  it('updates the services of the one cluster, never "*"', () => {
    expect(cluster('ecs-write').find((s) => s.Action === 'ecs:UpdateService')).toEqual({
      Sid: 'EcsUpdateServicesInCluster',
      Effect: 'Allow',
      Action: 'ecs:UpdateService',
      Resource: 'arn:aws:ecs:eu-west-1:123456789012:service/temporal-dev/*',
    });
  });

  it("reads the cluster's services and touches the log groups of the plan's pattern", () => {
    const read = cluster('ecs-read');
    expect(read.find((s) => s.Sid === 'EcsDescribeServicesInCluster')?.Resource).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:service/temporal-dev/*',
    );
    expect(cluster('logs-groups').find((s) => s.Sid === 'ServiceLogGroupPatterns')?.Resource).toEqual([
      'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/temporal-dev/*',
      'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/temporal-dev/*:*',
    ]);
  });

  it('changes only the scopable categories, and every wildcard it adds has a reason naming the plan size', () => {
    const reasons = { ...WILDCARD_REASONS, ...clusterScopeReasons(clusterScoped) };
    for (const category of Object.keys(PERMISSION_STATEMENTS) as Permission[]) {
      if (!CLUSTER_SCOPABLE.includes(category)) expect(cluster(category)).toEqual(json(category));
      for (const s of cluster(category))
        if ([s.Resource].flat().some((r) => String(r).includes('*')))
          expect(reasons[String(s.Sid)]).toEqual(expect.any(String));
    }
    for (const reason of Object.values(clusterScopeReasons(clusterScoped)))
      expect(reason).toContain('this plan lists 1 ECS services and 1 log groups');
  });
});

describe('secretArnPattern', () => {
  it('keeps a complete ARN and appends the random-suffix wildcard to a partial one', () => {
    expect(secretArnPattern('arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbC123')).toBe(
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbC123',
    );
    expect(secretArnPattern('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/loki')).toBe(
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/loki-??????',
    );
  });
});

describe('ScopedArns', () => {
  const arns = new ScopedArns('aws', 'eu-west-1', '123456789012');
  it('writes SSM parameter ARNs without doubling the slash of the path', () => {
    expect(arns.ssmParametersUnder('/alloy-rollout/x')).toBe(
      'arn:aws:ssm:eu-west-1:123456789012:parameter/alloy-rollout/x/*',
    );
  });
  it('writes execution ARNs of one state machine', () => {
    expect(arns.stateMachineExecutions('m')).toBe('arn:aws:states:eu-west-1:123456789012:execution:m:*');
    expect(arns.ecsTaskDefinitions('*')).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/*');
  });
});

describe('estimatePolicyChars', () => {
  const withServices = (names: string[]) => ({ ...scope, target: { ...target, ecsServiceNames: names } });

  it('counts an empty category as nothing', () => {
    expect(estimatePolicyChars(new Stack(), [])).toBe(0);
  });

  it('grows by exactly the added service ARN', () => {
    const stack = new Stack();
    const two = estimatePolicyChars(stack, PERMISSION_STATEMENTS['ecs-write'](withServices(['a', 'b'])));
    const three = estimatePolicyChars(
      stack,
      PERMISSION_STATEMENTS['ecs-write'](withServices(['a', 'b', 'c'])),
    );
    expect(three - two).toBe(',"arn:aws:ecs:eu-west-1:123456789012:service/temporal-dev/c"'.length);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  EVENT_LAMBDAS,
  LAMBDAS,
  LOCK_TABLE,
  functionArnSubstitution,
  ASL_SUBSTITUTIONS,
} from '../../lambdas/catalog';
import { loadAppConfig } from '../../infra/app-config';
import { buildApp } from '../../infra/build-app';
import { nagResourceText } from '../../infra/nag';
import { placeholdersIn } from '../../infra/state-machine';
import { allStatements, asList, handlersForSynth, REPO_ROOT, tempOutdir, type Statement } from './support';

// One synthesis of the example app (examples/plan.yaml, the real ASL, Loki and the GitHub role) for
// every assertion in this file: bundling eleven Lambdas is the slow part.
const CONFIG = path.join(REPO_ROOT, 'infra', 'config.example.json');
let app: App;
let template: Template;
let json: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
let outdir: string;
let stackName: string;
const cleanups: Array<() => void> = [];

beforeAll(() => {
  const handlers = handlersForSynth();
  const out = tempOutdir();
  cleanups.push(handlers.cleanup, out.cleanup);
  outdir = out.dir;
  const built = buildApp(loadAppConfig(CONFIG), { outdir, orchestrator: { handlersDir: handlers.dir } });
  app = built.app;
  stackName = built.stack.stackName;
  const assembly = app.synth();
  json = assembly.getStackByName(stackName).template as typeof json;
  template = Template.fromJSON(json);
}, 180_000);

afterAll(() => cleanups.forEach((cleanup) => cleanup()));

const resourcesOfType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
const flat = (value: unknown) => nagResourceText(value);
const functionFor = (description: string) => {
  const found = resourcesOfType('AWS::Lambda::Function').find(
    ([, r]) => r.Properties.Description === description,
  );
  if (!found) throw new Error(`no function described "${description}"`);
  return found;
};
const managedPolicyStatements = (logicalId: string) =>
  (json.Resources[logicalId]?.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
const roleManagedPolicies = (roleLogicalId: string) =>
  (
    (json.Resources[roleLogicalId]?.Properties.ManagedPolicyArns as Array<{ Ref: string }> | undefined) ?? []
  ).map((p) => p.Ref);
const policyDescription = (logicalId: string) => json.Resources[logicalId]?.Properties.Description as string;

describe('synthesis', () => {
  it('writes the CloudFormation template to the output directory', () => {
    expect(fs.existsSync(path.join(outdir, `${stackName}.template.json`))).toBe(true);
  });

  it('passes the AWS Solutions checks with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    const acknowledgements: Array<{ id: string; reason: string }> = [];
    const visit = (node: App['node']['children'][number]) => {
      for (const entry of node.node.metadata)
        if (entry.type === 'aws:cdk:acknowledged-rules')
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
            acknowledgements.push({ id, reason });
      node.node.children.forEach(visit);
    };
    visit(app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      // IAM4 only for the basic-execution policy of CDK's AwsCustomResource function (Loki's S3 prefix list).
      expect(id).toMatch(
        /AwsSolutions-(IAM5\[Resource::.+\]|S1|SQS3|IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\])$/,
      );
      expect(reason.length).toBeGreaterThan(60);
    }
    // A blanket acknowledgement of every wildcard would hide new ones.
    expect(acknowledgements.map((a) => a.id)).not.toContainEqual(expect.stringMatching(/AwsSolutions-IAM5$/));
  });
});

describe('Lambdas', () => {
  it('creates one function per catalog entry: Node 24, ARM64, own log group, lock table name', () => {
    // One per catalog entry, the ExecutionEnded cleanup the EventBridge rule runs, and CDK's
    // AwsCustomResource function that reads Loki's S3 prefix list.
    expect(resourcesOfType('AWS::Lambda::Function')).toHaveLength(LAMBDAS.length + EVENT_LAMBDAS.length + 1);
    for (const spec of LAMBDAS) {
      const [, fn] = functionFor(spec.description);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            LOCK_TABLE_NAME: { Ref: expect.stringMatching(/^OrchestratorLockTable/) },
            // Defaults: the execution's 6 h timeout, the lock 15 min longer.
            EXECUTION_TIMEOUT_SECONDS: '21600',
            LOCK_TTL_SECONDS: '22500',
          },
        },
        LoggingConfig: {
          LogGroup: { Ref: expect.stringMatching(new RegExp(`^OrchestratorFunctions${spec.id}Logs`)) },
        },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('runs exactly the Loki-facing Lambdas in the configured subnets and security groups', () => {
    for (const spec of LAMBDAS) {
      const [, fn] = functionFor(spec.description);
      if (spec.inVpc)
        expect(fn.Properties.VpcConfig).toEqual({
          SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
          SecurityGroupIds: ['sg-0123456789abcdef0'],
        });
      else expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });

  it('attaches to each role exactly the managed policies of its catalog categories (plus VPC access in the VPC)', () => {
    for (const spec of LAMBDAS) {
      const [, fn] = functionFor(spec.description);
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const attached = roleManagedPolicies(roleId).map(policyDescription).sort();
      // The example plan has no Loki secret, so the Loki secret categories have no statements and no policy.
      const expected = [
        // lock-holder is written inline (infra/lambda-functions.ts INLINE_CATEGORIES).
        ...spec.permissions.filter(
          (p) => p !== 'loki-secret' && p !== 'loki-secret-describe' && p !== 'lock-holder',
        ),
        ...(spec.inVpc ? ['vpc-access'] : []),
      ]
        .map((p) => `alloy-rollout Lambdas: ${p}`)
        .sort();
      expect(attached).toEqual(expected);
      // Only customer managed policies: no AWS managed policy ARN is attached.
      expect(JSON.stringify(json.Resources[roleId]?.Properties.ManagedPolicyArns)).not.toContain(
        'arn:aws:iam::aws:policy',
      );
    }
  });
});

describe('lock table', () => {
  it('is on demand, with point-in-time recovery and TTL on the expiry attribute', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: LOCK_TABLE.partitionKey, KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: LOCK_TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('is reachable only by the Lambdas that list lock-table (item actions) or lock-holder (GetItem only), and ExecutionEnded (no PutItem)', () => {
    const lockStatements = allStatements(json).filter(({ statement }) =>
      asList(statement.Action).some((a) => a.startsWith('dynamodb:')),
    );
    const table = { 'Fn::GetAtt': [expect.stringMatching(/^OrchestratorLockTable/), 'Arn'] };
    // Distinct grants: the read is written inline on each of its three roles.
    const distinct = [
      ...new Map(lockStatements.map((s) => [JSON.stringify(s.statement), s.statement])).values(),
    ];
    expect(distinct).toEqual([
      expect.objectContaining({
        Sid: 'LockTableItems',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: table,
      }),
      // The child gate reads who holds the lock (its parent must), never writes it.
      expect.objectContaining({ Sid: 'LockTableRead', Action: 'dynamodb:GetItem', Resource: table }),
      // The cleanup after a stopped rollout reads the lock's owner and releases only that run's lock.
      expect.objectContaining({
        Sid: 'ReleaseLock',
        Action: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
        Resource: table,
      }),
    ]);
  });
});

describe('state machine', () => {
  const machine = () => resourcesOfType('AWS::StepFunctions::StateMachine')[0]?.[1].Properties ?? {};

  it('is the Standard machine from rollout.asl.json with every placeholder substituted', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const asl = fs.readFileSync(path.join(REPO_ROOT, 'statemachine', 'rollout.asl.json'), 'utf8');
    expect(machine()).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'alloy-rollout-temporal-dev',
    });
    // The file as written, with the construct's TimeoutSeconds (executionTimeout, default 6 h) added.
    expect(JSON.parse(machine().DefinitionString as string)).toEqual({
      ...(JSON.parse(asl) as object),
      TimeoutSeconds: 21600,
    });
    const substitutions = machine().DefinitionSubstitutions as Record<string, unknown>;
    for (const name of placeholdersIn(asl)) expect(substitutions).toHaveProperty(name);
    for (const spec of LAMBDAS) {
      const [logicalId] = functionFor(spec.description);
      expect(substitutions[functionArnSubstitution(spec.id)]).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
    }
    expect(substitutions[ASL_SUBSTITUTIONS.lockTable]).toEqual({
      Ref: expect.stringMatching(/^OrchestratorLockTable/),
    });
  });

  it('logs ALL to its own log group and traces with X-Ray', () => {
    expect(machine()).toMatchObject({
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/^OrchestratorRolloutLogs/), 'Arn'] },
            },
          },
        ],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/alloy-rollout-temporal-dev',
    });
  });

  it('may invoke only its Lambdas and run only itself as child executions', () => {
    const roleId = (machine().RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policy = resourcesOfType('AWS::IAM::Policy').find(([, r]) =>
      (r.Properties.Roles as Array<{ Ref: string }>).some((x) => x.Ref === roleId),
    );
    const statements = (policy?.[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map((s) => [s.Sid, s]));
    const fnIds = LAMBDAS.map((spec) => functionFor(spec.description)[0]);
    expect(bySid.InvokeRolloutLambdas).toMatchObject({ Action: 'lambda:InvokeFunction' });
    expect(asList(bySid.InvokeRolloutLambdas?.Resource)).toEqual(
      fnIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
    );
    expect(flat(bySid.StartChildExecutions?.Resource)).toBe(
      'arn:<AWS::Partition>:states:eu-west-1:<AWS::AccountId>:stateMachine:alloy-rollout-temporal-dev',
    );
    expect(bySid.StartChildExecutions?.Action).toBe('states:StartExecution');
    expect(bySid.FollowChildExecutions?.Action).toEqual(['states:DescribeExecution', 'states:StopExecution']);
    expect(flat(bySid.FollowChildExecutions?.Resource)).toBe(
      'arn:<AWS::Partition>:states:eu-west-1:<AWS::AccountId>:execution:alloy-rollout-temporal-dev:*',
    );
    expect(bySid.SyncExecutionEventsRule?.Action).toEqual([
      'events:PutTargets',
      'events:PutRule',
      'events:DescribeRule',
    ]);
    expect(flat(bySid.SyncExecutionEventsRule?.Resource)).toBe(
      'arn:<AWS::Partition>:events:eu-west-1:<AWS::AccountId>:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
    );
    // The only "*" resources are the log-delivery and X-Ray actions the construct adds.
    const starActions = statements
      .filter((s) => asList(s.Resource).includes('*'))
      .flatMap((s) => asList(s.Action));
    expect(starActions.every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
    expect(starActions).not.toContain('lambda:InvokeFunction');
  });
});

describe('Lambda permissions', () => {
  const policyByCategory = (category: string) => {
    const found = resourcesOfType('AWS::IAM::ManagedPolicy').find(
      ([id]) => policyDescription(id) === `alloy-rollout Lambdas: ${category}`,
    );
    if (!found) throw new Error(`no managed policy for ${category}`);
    return Object.fromEntries(managedPolicyStatements(found[0]).map((s) => [s.Sid, s]));
  };
  const services = [
    'temporal-worker',
    'temporal-history',
    'temporal-matching',
    'temporal-frontend',
    'benchmark-worker',
  ]
    .map((s) => `temporal-dev-${s}`)
    .concat('temporal-dev-loki');
  const serviceArn = (name: string) =>
    `arn:<AWS::Partition>:ecs:eu-west-1:<AWS::AccountId>:service/temporal-dev/${name}`;

  it('updates only the listed ECS services, never "*"', () => {
    const update = policyByCategory('ecs-write').EcsUpdateListedServices;
    expect(update?.Action).toBe('ecs:UpdateService');
    expect(asList(update?.Resource).map(flat)).toEqual(services.map(serviceArn));
    for (const { statement } of allStatements(json))
      if (asList(statement.Action).some((a) => a === 'ecs:UpdateService' || a === 'ecs:*'))
        expect(
          asList(statement.Resource)
            .map(flat)
            .every((r) => !r.includes('*')),
        ).toBe(true);
  });

  it('passes only the listed task and execution roles, and only to ECS tasks', () => {
    const pass = policyByCategory('ecs-write').PassListedTaskRolesToEcs;
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(asList(pass?.Resource).map(flat)).toEqual([
      'arn:aws:iam::123456789012:role/temporal-dev-temporal-task',
      expect.stringMatching(/^<LokiTaskRole.*\.Arn>$/),
      'arn:aws:iam::123456789012:role/temporal-dev-ecs-execution',
      expect.stringMatching(/^<LokiTaskExecutionRole.*\.Arn>$/),
    ]);
    // Negative: no PassRole anywhere without the condition, and never on "*".
    const passRoles = allStatements(json).filter(({ statement }) =>
      asList(statement.Action).includes('iam:PassRole'),
    );
    expect(passRoles.length).toBeGreaterThan(0);
    for (const { statement } of passRoles) {
      expect(statement.Condition?.StringEquals?.['iam:PassedToService']).toBe('ecs-tasks.amazonaws.com');
      expect(asList(statement.Resource)).not.toContain('*');
    }
  });

  it("describes the plan's services; lists and describes only the cluster's tasks", () => {
    const read = policyByCategory('ecs-read');
    const cluster = 'arn:<AWS::Partition>:ecs:eu-west-1:<AWS::AccountId>:cluster/temporal-dev';
    expect(asList(read.EcsDescribeListedServices?.Resource).map(flat)).toEqual(services.map(serviceArn));
    expect(read.EcsListTasksInCluster?.Condition).toEqual({
      ArnEquals: { 'ecs:cluster': expect.anything() },
    });
    expect(flat(read.EcsListTasksInCluster?.Condition?.ArnEquals?.['ecs:cluster'])).toBe(cluster);
    expect(flat(read.EcsDescribeTasksInCluster?.Resource)).toBe(
      'arn:<AWS::Partition>:ecs:eu-west-1:<AWS::AccountId>:task/temporal-dev/*',
    );
    expect(read.EcsDescribeTaskDefinition?.Action).toBe('ecs:DescribeTaskDefinition');
  });

  it('registers and tags task definitions', () => {
    const write = policyByCategory('ecs-write');
    expect(write.EcsRegisterTaskDefinition?.Action).toBe('ecs:RegisterTaskDefinition');
    expect(write.EcsTagTaskDefinitions?.Action).toBe('ecs:TagResource');
    expect(flat(write.EcsTagTaskDefinitions?.Resource)).toBe(
      'arn:<AWS::Partition>:ecs:eu-west-1:<AWS::AccountId>:task-definition/*',
    );
  });

  it('writes SSM parameters under the config prefix only', () => {
    const ssm = policyByCategory('ssm-config').SsmConfigParameters;
    expect(ssm?.Action).toBe('ssm:PutParameter');
    expect(flat(ssm?.Resource)).toBe(
      'arn:<AWS::Partition>:ssm:eu-west-1:<AWS::AccountId>:parameter/alloy-rollout/temporal-dev/*',
    );
  });

  it("touches only the services' CloudWatch log groups", () => {
    const logs = policyByCategory('logs-groups').ServiceLogGroups;
    const groups = [
      'temporal-worker',
      'temporal-history',
      'temporal-matching',
      'temporal-frontend',
      // frontend's Envoy proxy: a main container the plan lists, so its group is a service's too.
      'envoy',
      'benchmark-worker',
    ].map((c) => `arn:<AWS::Partition>:logs:eu-west-1:<AWS::AccountId>:log-group:/ecs/temporal-dev/${c}`);
    expect(asList(logs?.Resource).map(flat)).toEqual(groups.flatMap((g) => [g, `${g}:*`]));
    expect(logs?.Action).toEqual(['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:FilterLogEvents']);
  });

  it('queries the one AMP workspace', () => {
    const amp = policyByCategory('amp-query').AmpQueryWorkspace;
    expect(amp?.Action).toEqual(['aps:QueryMetrics', 'aps:GetSeries']);
    expect(flat(amp?.Resource)).toBe(
      'arn:<AWS::Partition>:aps:eu-west-1:<AWS::AccountId>:workspace/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    );
  });

  it('grants no Loki secret access when the plan names none: only the Grafana token secret is read', () => {
    const secrets = allStatements(json).filter(({ statement }) =>
      asList(statement.Action).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secrets.map(({ statement }) => statement.Sid)).toEqual(['ReadGrafanaTokenSecret']);
    expect(asList(secrets[0]!.statement.Action)).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(secrets[0]!.statement.Resource)).toContain('secret:temporal-dev/grafana-token');
  });
});

describe('GitHub OIDC role', () => {
  const githubRole = () => {
    const found = resourcesOfType('AWS::IAM::Role').find(([id]) => id.startsWith('GitHubRole'));
    if (!found) throw new Error('no GitHub role');
    return found;
  };

  it('trusts only the repository on the listed refs and environments, for the STS audience', () => {
    const [, role] = githubRole();
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: { Ref: expect.stringMatching(/^GitHubProvider/) } },
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: {
              'token.actions.githubusercontent.com:sub': [
                'repo:acme/temporal-dsql-deploy-ecs:ref:refs/heads/main',
                'repo:acme/temporal-dsql-deploy-ecs:environment:temporal-dev',
              ],
            },
          },
        },
      ],
    });
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('may only start, describe and read the history of executions of this state machine (never stop them)', () => {
    const [roleId] = githubRole();
    const statements = allStatements(json)
      .filter(({ logicalId }) =>
        (json.Resources[logicalId]?.Properties.Roles as Array<{ Ref: string }> | undefined)?.some(
          (r) => r.Ref === roleId,
        ),
      )
      .map(({ statement }) => ({ Action: statement.Action, Resource: flat(statement.Resource) }));
    expect(statements).toEqual([
      {
        Action: 'states:StartExecution',
        Resource:
          'arn:<AWS::Partition>:states:eu-west-1:<AWS::AccountId>:stateMachine:alloy-rollout-temporal-dev',
      },
      {
        Action: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        Resource:
          'arn:<AWS::Partition>:states:eu-west-1:<AWS::AccountId>:execution:alloy-rollout-temporal-dev:*',
      },
    ]);
    expect(roleManagedPolicies(roleId)).toEqual([]);
  });
});

describe('Loki service', () => {
  it('stores in an S3 bucket with SSE-S3, no versioning, expiry at retention + 1 day, no public access, TLS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 8, Status: 'Enabled' })]),
      },
    });
    const [, bucket] = resourcesOfType('AWS::S3::Bucket')[0] ?? [];
    expect(bucket?.Properties.VersioningConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps its config (TSDB, schema v13, compactor retention) in SSM', () => {
    const [, parameter] = resourcesOfType('AWS::SSM::Parameter')[0] ?? [];
    const value = flat(parameter?.Properties.Value);
    expect(value).toContain('store: tsdb');
    expect(value).toContain('schema: v13');
    expect(value).toContain('retention_enabled: true');
    expect(value).toContain('retention_period: 168h');
    expect(value).toMatch(/bucketnames: <LokiBucket\w+>/);
  });

  it('gives the task role read/write on its bucket only', () => {
    const roleId = resourcesOfType('AWS::IAM::Role').find(([id]) => id.startsWith('LokiTaskRole'))?.[0] ?? '';
    const statements = allStatements(json)
      .filter(({ logicalId }) =>
        (json.Resources[logicalId]?.Properties.Roles as Array<{ Ref: string }> | undefined)?.some(
          (r) => r.Ref === roleId,
        ),
      )
      .map(({ statement }) => ({ Action: statement.Action, Resource: flat(statement.Resource) }));
    expect(statements).toEqual([
      { Action: 's3:ListBucket', Resource: expect.stringMatching(/^<LokiBucket\w+\.Arn>$/) },
      {
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: expect.stringMatching(/^<LokiBucket\w+\.Arn>\/\*$/),
      },
    ]);
  });

  it('accepts 3100 only from the ECS instances, Grafana and the Loki-facing Lambdas', () => {
    const [, sg] =
      resourcesOfType('AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('LokiSecurityGroup')) ?? [];
    const ingress = (sg?.Properties.SecurityGroupIngress as Array<Record<string, unknown>>).map((r) => [
      r.SourceSecurityGroupId,
      r.FromPort,
      r.ToPort,
    ]);
    expect(ingress).toEqual([
      ['sg-0123456789abcdef1', 3100, 3100],
      ['sg-0123456789abcdef2', 3100, 3100],
      ['sg-0123456789abcdef0', 3100, 3100],
    ]);
    // HTTPS out only to the region's S3 prefix list (through the gateway endpoint), never 0.0.0.0/0.
    expect(sg?.Properties.SecurityGroupEgress).toBeUndefined();
    const egress = resourcesOfType('AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties);
    expect(egress).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        DestinationPrefixListId: {
          'Fn::GetAtt': [expect.stringMatching(/^LokiS3PrefixList/), 'PrefixLists.0.PrefixListId'],
        },
      }),
    ]);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
    });
  });

  it('runs an ARM64 task with a /ready health check, the seeds cpu/memory and the plan image', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['EC2'],
      PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:ecs.cpu-architecture == arm64' }],
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'config',
          Essential: false,
          Secrets: [Match.objectLike({ Name: 'LOKI_CONFIG' })],
        }),
        Match.objectLike({
          Name: 'loki',
          Image: 'grafana/loki:3.5.3',
          Essential: true,
          PortMappings: [Match.objectLike({ ContainerPort: 3100, Name: 'loki' })],
          StopTimeout: 120,
          DependsOn: [{ ContainerName: 'config', Condition: 'SUCCESS' }],
        }),
        // The probe runs beside Loki, so it works whatever the Loki image holds (3.6+ has no wget).
        Match.objectLike({
          Name: 'ready',
          Essential: true,
          HealthCheck: Match.objectLike({
            Command: ['CMD-SHELL', Match.stringLikeRegexp('http://localhost:3100/ready')],
          }),
        }),
      ]),
    });
  });

  it('publishes the service as "loki" through Service Connect with the plan service name and count', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'temporal-dev-loki',
      DesiredCount: 1,
      LaunchType: 'EC2',
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: 'temporal-dev.internal',
        Services: [
          {
            PortName: 'loki',
            DiscoveryName: 'loki-connect',
            ClientAliases: [{ DnsName: 'loki', Port: 3100 }],
          },
        ],
      },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    // The DNS record the orchestrator's Lambdas use (plan loki.url http://loki.temporal-dev.internal:3100).
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'loki',
      NamespaceId: 'ns-0123456789abcdef',
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
    });
  });
});

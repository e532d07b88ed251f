import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { App, Stack } from 'aws-cdk-lib';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parsePlanOrThrow } from '../../core/plan/parse';
import { AlloyRolloutOrchestrator } from '../../infra/orchestrator';
import { asList, handlersForSynth, REPO_ROOT, type Statement } from './support';

// Plans of 5, 60 and 500 services in one app, synthesised once for the whole file. Bundling is
// skipped (the `aws:cdk:bundling-stacks` context): these tests are about IAM, not the handlers.
// IAM's own numbers (reference_iam-quotas), written out so that the infra cannot loosen them.
const IAM_MANAGED_POLICY_CHARS = 6144;
const IAM_MANAGED_POLICIES_PER_ROLE = 10;
const ACCOUNT = '123456789012';
// The longest partition name: a policy that fits there fits in every partition.
const PARTITION = 'aws-us-gov';
const REGION = 'eu-west-1';
const CLUSTER = 'temporal-dev';
const SIZES = { small: 5, medium: 60, large: 500 } as const;
type Size = keyof typeof SIZES;

const serviceName = (i: number) => `${CLUSTER}-generated-service-number-${i}`;
const containerName = (i: number) => `generated-container-number-${i}`;

function planOf(count: number) {
  const example = parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'plan.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const services = Array.from({ length: count }, (_, i) => ({
    name: `service-${i}`,
    ecsService: serviceName(i),
    mainContainers: [containerName(i)],
  }));
  return parsePlanOrThrow({ ...example, phases: [{ name: 'all', services }] });
}

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}
let app: App;
const templates = {} as Record<Size, { Resources: Record<string, Resource> }>;
let violations: string[];
const cleanups: Array<() => void> = [];

beforeAll(() => {
  const handlers = handlersForSynth();
  cleanups.push(handlers.cleanup);
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  for (const count of Object.values(SIZES)) {
    const stack = new Stack(app, `Plan${count}`, { env: { account: ACCOUNT, region: REGION } });
    const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a'],
      privateSubnetIds: ['subnet-0123456789abcdef0'],
    });
    new AlloyRolloutOrchestrator(stack, 'Orchestrator', {
      plan: planOf(count),
      network: {
        vpc,
        securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
      },
      taskRoleArns: [`arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-task`],
      executionRoleArns: [`arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-task-execution`],
      handlersDir: handlers.dir,
    });
  }
  const assembly = app.synth();
  for (const [size, count] of Object.entries(SIZES) as Array<[Size, number]>)
    templates[size] = assembly.getStackByName(`Plan${count}`).template as (typeof templates)[Size];
  violations = new AwsSolutionsChecks(app)
    .validateScope(app)
    .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}, 60_000);

afterAll(() => cleanups.forEach((cleanup) => cleanup()));

/**
 * A synthesised value as IAM will store it: pseudo parameters and joins resolved, a reference to a
 * resource of the stack replaced by an ARN with a 255-character name, in the longest partition (the longest a generated
 * DynamoDB table or role ARN gets), serialised minified (IAM does not count white space).
 */
function asIamText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asIamText);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  if (obj.Ref === 'AWS::Partition') return PARTITION;
  if (obj.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (typeof obj.Ref === 'string' || Array.isArray(obj['Fn::GetAtt']))
    return `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${'x'.repeat(255)}`;
  const join = obj['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => String(asIamText(part))).join(join[0]);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, asIamText(v)]));
}

const ofType = (size: Size, type: string) =>
  Object.entries(templates[size].Resources).filter(([, r]) => r.Type === type);
const managedPolicies = (size: Size) =>
  ofType(size, 'AWS::IAM::ManagedPolicy').map(([id, r]) => ({
    id,
    description: r.Properties.Description as string,
    document: asIamText(r.Properties.PolicyDocument) as { Statement: Statement[] },
  }));
const policiesOf = (size: Size, category: string) =>
  managedPolicies(size).filter((p) => p.description.split(' (')[0] === `alloy-rollout Lambdas: ${category}`);
const statementsWith = (size: Size, action: string) =>
  managedPolicies(size)
    .flatMap((p) => p.document.Statement)
    .filter((s) => asList(s.Action).includes(action));
const resourcesOf = (statements: Statement[]) => statements.flatMap((s) => asList(s.Resource as string));
const serviceArn = (name: string) => `arn:${PARTITION}:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`;
const listedServices = (count: number) =>
  [
    ...Array.from({ length: count }, (_, i) => serviceArn(serviceName(i))),
    serviceArn(`${CLUSTER}-loki`),
  ].sort();

/** IAM's wildcard matching on a resource ARN: `*` any run of characters, `?` one. */
const matches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  ).test(arn);

describe.each(Object.keys(SIZES) as Size[])('a plan of %s size', (size) => {
  it('keeps every synthesised managed policy under IAM’s size limit, measured as IAM counts it', () => {
    const policies = managedPolicies(size);
    expect(policies.length).toBeGreaterThan(0);
    for (const { description, document } of policies) {
      const chars = JSON.stringify(document).length;
      expect({ description, chars, fits: chars <= IAM_MANAGED_POLICY_CHARS }).toEqual({
        description,
        chars,
        fits: true,
      });
    }
  });

  it('attaches no more managed policies to any role than IAM allows by default', () => {
    const roles = ofType(size, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, role] of roles) {
      const attached = (role.Properties.ManagedPolicyArns as unknown[] | undefined) ?? [];
      expect({ id, attached: attached.length <= IAM_MANAGED_POLICIES_PER_ROLE }).toEqual({
        id,
        attached: true,
      });
    }
  });

  it('never grants ecs:UpdateService on "*", and passes only the listed roles to ECS tasks', () => {
    const updates = resourcesOf(statementsWith(size, 'ecs:UpdateService'));
    expect(updates.length).toBeGreaterThan(0);
    for (const arn of updates)
      expect(arn).toMatch(new RegExp(`^arn:${PARTITION}:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/`));
    const passes = statementsWith(size, 'iam:PassRole');
    expect(resourcesOf(passes)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-task`,
      `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-task-execution`,
    ]);
    for (const s of passes)
      expect(s.Condition?.StringEquals?.['iam:PassedToService']).toBe('ecs-tasks.amazonaws.com');
  });

  it('still covers every service and every log group of the plan', () => {
    const count = SIZES[size];
    const describes = resourcesOf(statementsWith(size, 'ecs:DescribeServices'));
    const updates = resourcesOf(statementsWith(size, 'ecs:UpdateService'));
    const logs = resourcesOf(statementsWith(size, 'logs:FilterLogEvents'));
    for (const arn of listedServices(count)) {
      expect(describes.some((p) => matches(p, arn))).toBe(true);
      expect(updates.some((p) => matches(p, arn))).toBe(true);
    }
    for (let i = 0; i < count; i += 1) {
      const group = `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/ecs/${CLUSTER}/${containerName(i)}`;
      expect(logs.some((p) => matches(p, group))).toBe(true);
      expect(logs.some((p) => matches(p, `${group}:log-stream:x`))).toBe(true);
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in any of the plans', () => {
    expect(violations).toEqual([]);
  });

  it('acknowledges the cluster-scoped wildcards of the 500-service plan with a reason naming its size', () => {
    const acknowledged = new Map<string, string>();
    const visit = (node: App['node']['children'][number]) => {
      for (const entry of node.node.metadata)
        if (entry.type === 'aws:cdk:acknowledged-rules')
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
            acknowledged.set(`${node.node.path} ${id}`, reason);
      node.node.children.forEach(visit);
    };
    visit(app.node.findChild(`Plan${SIZES.large}`));
    const services = [...acknowledged].find(([key]) =>
      key.endsWith(`[Resource::arn:<AWS::Partition>:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/*]`),
    );
    expect(services?.[1]).toContain(
      `this plan lists ${SIZES.large + 1} ECS services and ${SIZES.large} log groups`,
    );
    const logs = [...acknowledged].find(([key]) => key.includes(`log-group:/ecs/${CLUSTER}/*]`));
    expect(logs?.[1]).toContain('ServiceLogGroupPatterns');
  });
});

describe('tiers', () => {
  it('gives a 5-service plan one policy per category with exact per-service ARNs', () => {
    for (const category of ['ecs-read', 'ecs-write', 'logs-groups'])
      expect(policiesOf('small', category)).toHaveLength(1);
    expect(resourcesOf(statementsWith('small', 'ecs:UpdateService')).sort()).toEqual(
      listedServices(SIZES.small),
    );
    expect(
      resourcesOf(statementsWith('small', 'ecs:DescribeServices'))
        .filter((r) => r.includes(':service/'))
        .sort(),
    ).toEqual(listedServices(SIZES.small));
    expect(JSON.stringify(managedPolicies('small'))).not.toContain(`service/${CLUSTER}/*`);
  });

  it('spreads a 60-service plan over several policies per category, still with exact ARNs', () => {
    expect(policiesOf('medium', 'ecs-read').length).toBeGreaterThan(1);
    expect(policiesOf('medium', 'ecs-write').length).toBeGreaterThan(1);
    expect(resourcesOf(statementsWith('medium', 'ecs:UpdateService')).sort()).toEqual(
      listedServices(SIZES.medium),
    );
    expect(
      resourcesOf(statementsWith('medium', 'ecs:DescribeServices'))
        .filter((r) => r.includes(':service/'))
        .sort(),
    ).toEqual(listedServices(SIZES.medium));
    expect(JSON.stringify(managedPolicies('medium'))).not.toMatch(
      /service\/temporal-dev\/\*|log-group:[^"]*\/\*"/,
    );
    // Each role gets every part of each of its categories.
    const parts = new Set(policiesOf('medium', 'ecs-write').map((p) => p.id));
    const withWrite = ofType('medium', 'AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties.ManagedPolicyArns ?? []).includes([...parts][0] ?? '-'),
    );
    expect(withWrite.length).toBeGreaterThan(0);
    for (const [, role] of withWrite) {
      const attached = new Set(
        ((role.Properties.ManagedPolicyArns as Array<{ Ref: string }>) ?? []).map((p) => p.Ref),
      );
      for (const part of parts) expect(attached.has(part)).toBe(true);
    }
  });

  it('scopes a 500-service plan to the cluster, read-only categories and updates alike, in one policy each', () => {
    for (const category of ['ecs-read', 'ecs-write', 'logs-read', 'logs-groups']) {
      const policies = policiesOf('large', category);
      expect(policies).toHaveLength(1);
      expect(policies[0]?.description).toBe(`alloy-rollout Lambdas: ${category} (cluster-scoped)`);
    }
    expect(resourcesOf(statementsWith('large', 'ecs:UpdateService'))).toEqual([serviceArn('*')]);
    // Granted twice, on the same pattern: to Register (logs-read) and to the rollback (logs-groups).
    const logGroupPattern = [
      `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/ecs/${CLUSTER}/*`,
      `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/ecs/${CLUSTER}/*:*`,
    ];
    expect(resourcesOf(statementsWith('large', 'logs:FilterLogEvents'))).toEqual([
      ...logGroupPattern,
      ...logGroupPattern,
    ]);
  });
});

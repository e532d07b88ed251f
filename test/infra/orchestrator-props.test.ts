import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { parsePlanOrThrow } from '../../core/plan/parse';
import { parsePlanTextOrThrow } from '../../core/plan/parse-text';
import { AlloyRolloutOrchestrator } from '../../infra/orchestrator';
import {
  ORCHESTRATOR_DEFAULTS,
  resolveOrchestratorProps,
  type AlloyRolloutOrchestratorProps,
} from '../../infra/orchestrator-props';
import { ScopedArns } from '../../infra/arns';
import { PERMISSION_STATEMENTS } from '../../infra/permissions';
import { estimatePolicyChars, MANAGED_POLICY_MAX_CHARS } from '../../infra/policy-size';
import { targetFromPlan, type RolloutTarget } from '../../infra/target';
import { handlersForSynth, REPO_ROOT, type HandlersDir } from './support';

const plan = parsePlanTextOrThrow(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'plan.yaml'), 'utf8'));
const ROLE = 'arn:aws:iam::123456789012:role/temporal-dev-task';
// The real handlers once they all exist, stubs under tmp/ until then.
let handlers: HandlersDir;
beforeAll(() => {
  handlers = handlersForSynth();
});
afterAll(() => handlers.cleanup());

function network() {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['unused'],
  });
  return {
    stack,
    network: {
      vpc,
      securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
    },
  };
}

function problemsOf(props: Partial<AlloyRolloutOrchestratorProps>, region = 'eu-west-1'): string {
  const { network: net } = network();
  try {
    resolveOrchestratorProps(
      {
        network: net,
        taskRoleArns: [ROLE],
        handlersDir: handlers.dir,
        ...props,
      } as AlloyRolloutOrchestratorProps,
      region,
    );
  } catch (error) {
    expect((error as Error).name).toBe('InputInvalidError');
    return (error as Error).message;
  }
  throw new Error('expected the props to be refused');
}

const target: RolloutTarget = targetFromPlan(plan);

describe('targetFromPlan', () => {
  it('scopes to the plan cluster, its services plus the Loki service, its config prefix and log groups', () => {
    expect(target).toEqual({
      clusterName: 'temporal-dev',
      region: 'eu-west-1',
      ecsServiceNames: [
        'temporal-dev-temporal-worker',
        'temporal-dev-temporal-history',
        'temporal-dev-temporal-matching',
        'temporal-dev-temporal-frontend',
        'temporal-dev-benchmark-worker',
        'temporal-dev-loki',
      ],
      configPrefix: '/alloy-rollout/temporal-dev',
      collectorConfigPrefix: '/temporal-dev/adot',
      logGroupNames: [
        '/ecs/temporal-dev/temporal-worker',
        '/ecs/temporal-dev/temporal-history',
        '/ecs/temporal-dev/temporal-matching',
        '/ecs/temporal-dev/temporal-frontend',
        '/ecs/temporal-dev/envoy',
        '/ecs/temporal-dev/benchmark-worker',
      ],
      logGroupWildcards: ['/ecs/temporal-dev/*'],
      ampWorkspaceId: 'ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      // The Loki checkpoint lists the plan's bucket and reads the route tables of Loki's subnets;
      // the Grafana checkpoint reads its token secret: each grant scoped by these.
      lokiBucketName: 'temporal-dev-loki-chunks',
      lokiS3EndpointCheck: true,
      grafanaSecretArn:
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:temporal-dev/grafana-token-AbCdEf',
    });
  });

  it('uses a wildcard for containers the plan does not list, and carries the Loki secret', () => {
    const doc = {
      cluster: 'c1',
      region: 'us-east-1',
      loki: {
        url: 'http://loki:3100',
        authSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:loki',
      },
      amp: { workspaceId: 'ws-1' },
      phases: [{ name: 'p', services: [{ name: 'api', ecsService: 'c1-api' }] }],
      rollback: { logGroupPattern: '/ecs/{cluster}/{service}/{container}' },
    };
    const t = targetFromPlan(parsePlanOrThrow(doc));
    expect(t.logGroupNames).toEqual(['/ecs/c1/api/*']);
    expect(t.ecsServiceNames).toEqual(['c1-api']);
    expect(t.lokiSecretArn).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:loki');
  });
});

describe('resolveOrchestratorProps', () => {
  it('fills in the documented defaults', () => {
    const { network: net } = network();
    const resolved = resolveOrchestratorProps(
      { plan, network: net, taskRoleArns: [ROLE], executionRoleArns: [ROLE], handlersDir: handlers.dir },
      'eu-west-1',
    );
    expect(resolved).toMatchObject({
      stateMachineName: 'alloy-rollout-temporal-dev',
      taskDefinitionFamilies: ['*'],
      lambdaMemorySize: 512,
      minify: true,
      passRoleArns: [ROLE],
      definitionFile: path.join(REPO_ROOT, 'statemachine', 'rollout.asl.json'),
    });
    expect(resolved.lambdaTimeout.toSeconds()).toBe(60);
    expect(ORCHESTRATOR_DEFAULTS.handlersDir).toBe(path.join(REPO_ROOT, 'lambdas', 'handlers'));
  });

  it('refuses a missing cluster, naming the field', () => {
    const rest = Object.fromEntries(Object.entries(target).filter(([key]) => key !== 'clusterName'));
    expect(problemsOf({ target: rest as RolloutTarget })).toMatch(
      /target\.clusterName: expected an ECS cluster name such as "temporal-dev", got nothing/,
    );
  });

  it('refuses neither or both of plan and target', () => {
    expect(problemsOf({})).toMatch(/plan\/target: missing; expected a parsed plan/);
    expect(problemsOf({ plan, target })).toMatch(
      /plan\/target: expected either a parsed plan or a target, not both/,
    );
  });

  it('refuses bad role ARNs and no role at all', () => {
    expect(problemsOf({ plan, taskRoleArns: ['arn:aws:iam::123:role/x'] })).toMatch(
      /taskRoleArns\[0\]: expected an IAM role ARN/,
    );
    expect(problemsOf({ plan, taskRoleArns: [], executionRoleArns: ['role/x'] })).toMatch(
      /executionRoleArns\[0\]: expected an IAM role ARN/,
    );
    expect(problemsOf({ plan, taskRoleArns: [] })).toMatch(
      /taskRoleArns\/executionRoleArns: expected at least one IAM role ARN/,
    );
  });

  it('refuses a bad Loki secret ARN, workspace id and log group', () => {
    const message = problemsOf({
      target: {
        ...target,
        lokiSecretArn: 'arn:aws:s3:::bucket',
        ampWorkspaceId: 'workspace',
        logGroupNames: ['*'],
      },
    });
    expect(message).toMatch(/target\.lokiSecretArn: expected a Secrets Manager secret ARN/);
    expect(message).toMatch(/target\.ampWorkspaceId: expected an AMP workspace id/);
    expect(message).toMatch(/target\.logGroupNames\[0\]: expected a log group name/);
    expect(message).toMatch(/^AlloyRolloutOrchestrator: 3 problems in props/);
  });

  it('refuses a stack in another region than the cluster', () => {
    expect(problemsOf({ plan }, 'us-east-1')).toMatch(
      /region: the stack is in us-east-1 but the cluster is in eu-west-1/,
    );
  });

  it('refuses a network without security groups, a bad account and a bad state machine name', () => {
    const { network: net } = network();
    const message = problemsOf({
      plan,
      network: { vpc: net.vpc, securityGroups: [] },
      account: '12',
      stateMachineName: 'has space',
    });
    expect(message).toMatch(/network\.securityGroups: expected at least one security group/);
    expect(message).toMatch(/account: expected a 12-digit AWS account id, got "12"/);
    expect(message).toMatch(/stateMachineName: expected up to 80 letters/);
  });

  it('names each missing handler file and a missing definition file', () => {
    const message = problemsOf({
      plan,
      handlersDir: path.join(REPO_ROOT, 'tmp', 'no-handlers-here'),
      definitionFile: '/nonexistent/rollout.asl.json',
    });
    expect(message).toMatch(
      /handlersDir \(Lock\): .*no-handlers-here\/lock\.ts does not exist; expected the handler file exporting `handler`/,
    );
    expect(message).toMatch(/handlersDir \(Finalize\): /);
    // The Lambda the EventBridge rule runs is checked as well.
    expect(message).toMatch(/handlersDir \(ExecutionEnded\): .*execution-ended\.ts does not exist/);
    expect(message).toMatch(/definitionFile: \/nonexistent\/rollout\.asl\.json does not exist/);
  });

  it('refuses notifications that are neither true nor { topic }', () => {
    const message = problemsOf({
      plan,
      // A JavaScript caller (no types) passing a topic it has not created yet.
      notifications: { topic: undefined } as unknown as NonNullable<
        AlloyRolloutOrchestratorProps['notifications']
      >,
    });
    expect(message).toMatch(/notifications: expected `true` \(a topic is created\) or `\{ topic \}`/);
  });

  it('refuses handlers outside the directory esbuild runs from', () => {
    expect(problemsOf({ plan, handlersDir: '/tmp' })).toMatch(/handlersDir: expected a directory under /);
  });
});

describe('AlloyRolloutOrchestrator', () => {
  it('validates its props before building anything', () => {
    const { stack, network: net } = network();
    expect(
      () =>
        new AlloyRolloutOrchestrator(stack, 'O', {
          plan,
          network: net,
          taskRoleArns: ['nope'],
          handlersDir: handlers.dir,
        }),
    ).toThrow(/taskRoleArns\[0\]/);
    expect(stack.node.tryFindChild('O')?.node.children ?? []).toHaveLength(0);
  });
});

describe('policy size', () => {
  const roles = (count: number) =>
    Array.from(
      { length: count },
      (_, i) => `arn:aws:iam::123456789012:role/temporal-dev-task-role-number-${i}`,
    );

  it('refuses, before bundling anything, roles to pass that no number of policies per role could hold', () => {
    const { stack, network: net } = network();
    expect(
      () =>
        new AlloyRolloutOrchestrator(stack, 'O', {
          target,
          network: net,
          taskRoleArns: roles(1500),
          handlersDir: handlers.dir,
        }),
    ).toThrow(
      /the \w+ role would need \d+ managed policies \(.*(ecs-write|role-simulate): \d+.*\) and IAM attaches 10 per role by default, even with the per-service resources scoped to the cluster; this plan lists 6 ECS services, 6 log groups and 1500 roles to pass/,
    );
    // No function was created (bundling would have added NodejsFunction children).
    expect(stack.node.findAll().some((c) => c.constructor.name === 'NodejsFunction')).toBe(false);
  });

  it('accepts the example plan, whose policies are well under the limit', () => {
    const { stack } = network();
    expect(
      estimatePolicyChars(
        stack,
        PERMISSION_STATEMENTS['ecs-read']({
          arns: new ScopedArns('aws', 'eu-west-1', '123456789012'),
          target,
          lockTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t',
          ownExecutionsArn: 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout-temporal-dev:*',
          passRoleArns: [ROLE],
          taskDefinitionFamilies: ['*'],
        }),
      ),
    ).toBeLessThan(MANAGED_POLICY_MAX_CHARS / 2);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { parsePlanTextOrThrow } from '../../core/plan/parse-text';
import { LAMBDAS } from '../../lambdas/catalog';
import { nagResourceText } from '../../infra/nag';
import { AlloyRolloutOrchestrator } from '../../infra/orchestrator';
import { resolveOrchestratorProps, type AlloyRolloutOrchestratorProps } from '../../infra/orchestrator-props';
import { withTimeout } from '../../infra/state-machine';
import { allStatements, asList, REPO_ROOT, stubHandlersForSynth, type HandlersDir } from './support';

/**
 * The lock outlives the execution that holds it: the state machine's TimeoutSeconds comes from
 * executionTimeout, the Lambdas get LOCK_TTL_SECONDS (longer) and EXECUTION_TIMEOUT_SECONDS, and
 * props whose lock would expire first are refused.
 */

jest.setTimeout(120_000);

const plan = parsePlanTextOrThrow(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'plan.yaml'), 'utf8'));
const ROLE = 'arn:aws:iam::123456789012:role/temporal-dev-task';
let handlers: HandlersDir;
beforeAll(() => {
  handlers = stubHandlersForSynth();
});
afterAll(() => handlers.cleanup());

function setting(extra: Partial<AlloyRolloutOrchestratorProps> = {}) {
  // No bundling: these tests read roles, environment and the definition, not the code.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0123456789abcdef0'],
  });
  const props: AlloyRolloutOrchestratorProps = {
    plan,
    network: {
      vpc,
      securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
    },
    taskRoleArns: [ROLE],
    handlersDir: handlers.dir,
    ...extra,
  };
  return { stack, props };
}

function refusal(extra: Partial<AlloyRolloutOrchestratorProps>): string {
  const { props } = setting(extra);
  try {
    resolveOrchestratorProps(props, 'eu-west-1');
  } catch (error) {
    expect((error as Error).name).toBe('InputInvalidError');
    return (error as Error).message;
  }
  throw new Error('expected the props to be refused');
}

describe('lock lifetime props', () => {
  it('defaults to a 6 h execution timeout and a lock 15 min longer', () => {
    const { props } = setting();
    const resolved = resolveOrchestratorProps(props, 'eu-west-1');
    expect([resolved.executionTimeoutSeconds, resolved.lockTtlSeconds]).toEqual([21_600, 22_500]);
  });

  it('derives the default lock from a given timeout, and keeps a given lock', () => {
    const given = resolveOrchestratorProps(
      setting({ executionTimeout: Duration.hours(2) }).props,
      'eu-west-1',
    );
    expect([given.executionTimeoutSeconds, given.lockTtlSeconds]).toEqual([7_200, 8_100]);
    const both = resolveOrchestratorProps(
      setting({ executionTimeout: Duration.hours(2), lockTtl: Duration.hours(3) }).props,
      'eu-west-1',
    );
    expect(both.lockTtlSeconds).toBe(10_800);
  });

  it('refuses a lock that would expire before (or with) the execution, saying why', () => {
    const message = refusal({ executionTimeout: Duration.hours(6), lockTtl: Duration.hours(6) });
    expect(message).toContain('lockTtl: expected longer than executionTimeout (21600 s), got 21600 s');
    expect(message).toContain("DynamoDB's TTL may delete an expired lock item");
    expect(message).toContain('a second rollout in while the first still runs');
    expect(refusal({ lockTtl: Duration.hours(1) })).toContain('got 3600 s');
  });

  it('refuses an execution timeout outside what Step Functions runs', () => {
    expect(refusal({ executionTimeout: Duration.seconds(30) })).toContain(
      'executionTimeout: expected a whole number of seconds between 1 minute and 1 year',
    );
  });
});

describe('withTimeout', () => {
  it('adds the top-level TimeoutSeconds and keeps the rest of the definition', () => {
    const asl = fs.readFileSync(path.join(REPO_ROOT, 'statemachine', 'rollout.asl.json'), 'utf8');
    expect(JSON.parse(withTimeout(asl, 'rollout.asl.json', 3600))).toEqual({
      ...(JSON.parse(asl) as object),
      TimeoutSeconds: 3600,
    });
  });

  it('refuses a definition that sets its own timeout', () => {
    expect(() => withTimeout('{"StartAt":"A","TimeoutSeconds":5,"States":{}}', 'x.asl.json', 3600)).toThrow(
      /x\.asl\.json: has its own top-level TimeoutSeconds; expected none/,
    );
  });
});

describe('synthesised orchestrator', () => {
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  beforeAll(() => {
    const { stack, props } = setting({ executionTimeout: Duration.hours(2), lockTtl: Duration.hours(3) });
    new AlloyRolloutOrchestrator(stack, 'O', props);
    template = stackTemplate(stack) as typeof template;
  });

  const resources = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);

  it('writes TimeoutSeconds into the state machine definition', () => {
    const [machine] = resources('AWS::StepFunctions::StateMachine');
    const definition = JSON.parse(machine?.Properties.DefinitionString as string) as Record<string, unknown>;
    expect(definition.TimeoutSeconds).toBe(7_200);
  });

  it('gives every Lambda the lock floor and the execution timeout', () => {
    const functions = resources('AWS::Lambda::Function').filter((f) =>
      LAMBDAS.some((l) => l.description === f.Properties.Description),
    );
    expect(functions).toHaveLength(LAMBDAS.length);
    for (const fn of functions)
      expect(fn.Properties.Environment).toMatchObject({
        Variables: { LOCK_TTL_SECONDS: '10800', EXECUTION_TIMEOUT_SECONDS: '7200' },
      });
  });

  it("grants states:DescribeExecution on this state machine's executions only, to Lock, Register and Rollback", () => {
    const describe = allStatements(template).filter(({ statement }) =>
      asList(statement.Action).includes('states:DescribeExecution'),
    );
    const lambdaGrants = describe.filter(({ statement }) => statement.Sid === 'DescribeOwnExecutions');
    for (const grant of lambdaGrants) {
      expect(asList(grant.statement.Action)).toEqual(['states:DescribeExecution']);
      expect(asList(grant.statement.Resource as unknown).map((r) => nagResourceText(r))).toEqual([
        expect.stringMatching(/:states:eu-west-1:123456789012:execution:alloy-rollout-temporal-dev:\*$/),
      ]);
    }
    // Inline (a fixed grant costs no managed-policy slot), on exactly the roles whose catalog entry
    // lists the category.
    const holders = lambdaGrants
      .flatMap(({ logicalId }) => {
        const policy = template.Resources[logicalId];
        expect(policy?.Type).toBe('AWS::IAM::Policy');
        return (policy?.Properties.Roles as Array<{ Ref: string }>).map((r) => r.Ref);
      })
      .map((id) => id.replace(/^OFunctions/, '').replace(/Role[0-9A-F]{8}$/, ''))
      .sort();
    expect(holders).toEqual(
      LAMBDAS.filter((l) => (l.permissions as readonly string[]).includes('lock-holder'))
        .map((l) => l.id)
        .sort(),
    );
    expect(holders).toEqual(['Lock', 'Register', 'Rollback']);
  });
});

function stackTemplate(stack: Stack): unknown {
  const app = stack.node.root as App;
  return app.synth().getStackByName(stack.stackName).template;
}

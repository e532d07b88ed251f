import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EVENT_LAMBDAS } from '../../lambdas/catalog';
import { ScopedArns } from '../../infra/arns';
import { loadAppConfig } from '../../infra/app-config';
import { buildApp } from '../../infra/build-app';
import { ExecutionEndedCleanup } from '../../infra/execution-ended';
import { nagResourceText } from '../../infra/nag';
import { asList, REPO_ROOT, stubHandlersForSynth, tempOutdir, type Statement } from './support';

const CONFIG = path.join(REPO_ROOT, 'infra', 'config.example.json');
const SPEC = EVENT_LAMBDAS[0];
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
/** Statements of the inline policies attached to a role. */
const roleStatements = (resources: Resources, roleId: string): Statement[] =>
  ofType(resources, 'AWS::IAM::Policy')
    .filter(([, r]) => (r.Properties['Roles'] as Array<{ Ref: string }>).some((ref) => ref.Ref === roleId))
    .flatMap(([, r]) => (r.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);

describe('the example app with notifications: true', () => {
  let app: App;
  let template: Template;
  let resources: Resources;
  let stateMachineName: string;

  beforeAll(() => {
    const handlers = stubHandlersForSynth();
    const out = tempOutdir();
    cleanups.push(handlers.cleanup, out.cleanup);
    const built = buildApp(loadAppConfig(CONFIG), {
      outdir: out.dir,
      orchestrator: { handlersDir: handlers.dir, notifications: true },
    });
    app = built.app;
    stateMachineName = built.stack.orchestrator.stateMachineName;
    const json = app.synth().getStackByName(built.stack.stackName).template as { Resources: Resources };
    resources = json.Resources;
    template = Template.fromJSON(json);
  }, 180_000);

  it('passes the AWS Solutions checks with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('a rule on this state machine\u2019s ABORTED, TIMED_OUT and FAILED executions targets the Lambda, with retries and a dead-letter queue', () => {
    const [rule] = ofType(resources, 'AWS::Events::Rule');
    expect(rule?.[1].Properties['EventPattern']).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        stateMachineArn: [expect.anything()],
        status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
      },
    });
    const smArn = nagResourceText(
      (rule?.[1].Properties['EventPattern'] as { detail: { stateMachineArn: unknown[] } }).detail
        .stateMachineArn[0],
    );
    expect(smArn).toMatch(new RegExp(`:stateMachine:${stateMachineName}$`));
    const targets = rule?.[1].Properties['Targets'] as Array<Record<string, unknown>>;
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] } },
    });
  });

  it('the Lambda: lock table and topic in its environment, its own role with only what the cleanup calls', () => {
    const [fnId, fn] = ofType(resources, 'AWS::Lambda::Function').find(
      ([, r]) => r.Properties['Description'] === SPEC.description,
    ) ?? ['', undefined];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'alloy-rollout',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          LOCK_TABLE_NAME: { Ref: expect.stringMatching(/^OrchestratorLockTable/) },
          NOTIFY_TOPIC_ARN: { Ref: expect.stringMatching(/Notifications/) },
        },
      },
    });
    expect(fnId).toMatch(/ExecutionEnded/);
    const roleId = (fn?.Properties['Role'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = roleStatements(resources, roleId);
    const actions = statements.flatMap((s) => asList(s.Action)).sort();
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'sns:Publish',
        'sqs:SendMessage',
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        'states:StartExecution',
      ]),
    );
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('states:StopExecution');
    const start = statements.find((s) => asList(s.Action).includes('states:StartExecution'));
    expect(asList(start?.Resource).map(nagResourceText)).toEqual([
      expect.stringMatching(new RegExp(`:stateMachine:${stateMachineName}$`)),
    ]);
    const read = statements.find((s) => asList(s.Action).includes('states:GetExecutionHistory'));
    expect(asList(read?.Resource).map(nagResourceText)).toEqual([
      expect.stringMatching(new RegExp(`:execution:${stateMachineName}:\\*$`)),
    ]);
  });

  it('the topic is encrypted (SNS managed key) and refuses plain HTTP', () => {
    const [topic] = ofType(resources, 'AWS::SNS::Topic');
    expect(nagResourceText(topic?.[1].Properties['KmsMasterKeyId'])).toMatch(/:alias\/aws\/sns$/);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });
});

describe('ExecutionEndedCleanup with a given topic, and without one', () => {
  function synth(withTopic: boolean) {
    const handlers = stubHandlersForSynth();
    cleanups.push(handlers.cleanup);
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const table = new Table(stack, 'Locks', {
      partitionKey: { name: 'cluster', type: AttributeType.STRING },
    });
    const topic = withTopic ? new Topic(stack, 'OnCall') : undefined;
    new ExecutionEndedCleanup(stack, 'Cleanup', {
      handlersDir: handlers.dir,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      stateMachineName: 'alloy-rollout-c',
      arns: new ScopedArns('aws', 'eu-west-1', '123456789012'),
      lockTable: table,
      logRetention: RetentionDays.ONE_WEEK,
      timeout: Duration.seconds(60),
      memorySize: 256,
      minify: true,
      logLevel: 'INFO',
      ...(topic ? { notifications: { topic } } : {}),
    });
    return Template.fromStack(stack);
  }

  it('publishes to the given topic only', () => {
    const t = synth(true);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^OnCall') } }),
        ]),
      }),
    });
  }, 60_000);

  it('without notifications: no topic, no NOTIFY_TOPIC_ARN, no sns:Publish', () => {
    const t = synth(false);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    const fns = t.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns))
      expect(
        (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment
          .Variables,
      ).not.toHaveProperty('NOTIFY_TOPIC_ARN');
    expect(JSON.stringify(t.toJSON())).not.toContain('sns:Publish');
  }, 60_000);
});

import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { executionEndedPattern } from '../core/orchestration/execution-ended-event';
import { EVENT_LAMBDAS } from '../lambdas/catalog';
import { LOG_SERVICE_NAME } from '../lambdas/observability/logger';
import type { ScopedArns } from './arns';
import { handlerBundling, LAMBDA_RUNTIME } from './lambda-functions';
import { acknowledgeWildcardResources, NAG_RULES } from './nag';

/** `true`: the construct creates an encrypted topic; `{ topic }`: notifications go to yours. */
export type NotificationsProp = true | { readonly topic: ITopic };

export interface ExecutionEndedProps {
  readonly handlersDir: string;
  readonly depsLockFilePath: string;
  readonly stateMachineName: string;
  /** The stack's own region and account: the state machine's ARNs are built from its name (no cycle). */
  readonly arns: ScopedArns;
  readonly lockTable: Table;
  readonly logRetention: RetentionDays;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly minify: boolean;
  /** POWERTOOLS_LOG_LEVEL, as the definition's Lambdas get it. */
  readonly logLevel: string;
  readonly notifications?: NotificationsProp;
}

const SPEC = EVENT_LAMBDAS[0];

/** The CDK form of the shared pattern (core/orchestration/execution-ended-event.ts). */
export function executionEndedRulePattern(stateMachineArn: string): EventPattern {
  const p = executionEndedPattern(stateMachineArn);
  return { source: p.source, detailType: p['detail-type'], detail: p.detail };
}

/**
 * The abort path: an EventBridge rule on this state machine's executions that end ABORTED,
 * TIMED_OUT or FAILED runs the ExecutionEnded Lambda, which starts one recovery rollback of what a
 * stopped or timed-out rollout left half migrated (or releases its lock), and notifies the topic.
 * The Lambda is not in the definition, so the state machine and it do not reference each other.
 */
export class ExecutionEndedCleanup extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly rule: Rule;
  /** Events the rule could not deliver to the Lambda after its retries. */
  readonly deadLetterQueue: Queue;
  readonly topic?: ITopic;

  constructor(scope: Construct, id: string, props: ExecutionEndedProps) {
    super(scope, id);
    const stateMachineArn = props.arns.stateMachine(props.stateMachineName);
    if (props.notifications === true)
      // SNS's AWS managed key: encrypted at rest (AwsSolutions-SNS2) with no key policy to keep.
      this.topic = new Topic(this, 'Notifications', {
        displayName: 'alloy-rollout',
        masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
        enforceSSL: true,
      });
    else if (props.notifications) this.topic = props.notifications.topic;

    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `alloy-rollout ${SPEC.id} Lambda: ${SPEC.permissions.join(', ')}`,
    });
    logGroup.grantWrite(this.role);
    const statements = [
      new PolicyStatement({
        sid: 'ReadEndedExecutions',
        effect: Effect.ALLOW,
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [props.arns.stateMachineExecutions(props.stateMachineName)],
      }),
      new PolicyStatement({
        sid: 'StartRecoveryRollback',
        effect: Effect.ALLOW,
        actions: ['states:StartExecution'],
        resources: [stateMachineArn],
      }),
      new PolicyStatement({
        sid: 'ReleaseLock',
        effect: Effect.ALLOW,
        actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
        resources: [props.lockTable.tableArn],
      }),
    ];
    const policy = new Policy(this, 'Policy', { statements, roles: [this.role] });
    acknowledgeWildcardResources(policy, statements, {
      ReadEndedExecutions:
        'The ended execution is any execution of this one state machine (names are chosen per run); read-only calls.',
    });
    // sns:Publish on this topic only (and its key, when it is a customer managed one).
    this.topic?.grantPublish(this.role);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the ExecutionEnded rule target: the events EventBridge could not deliver and those the function failed on after its retries, kept 14 days to replay.',
    });
    this.function = new NodejsFunction(this, SPEC.id, {
      entry: path.join(props.handlersDir, `${SPEC.file}.ts`),
      handler: 'handler',
      description: SPEC.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      // EventBridge invokes the function asynchronously: Lambda retries a failed run twice
      // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html), then the event lands here.
      deadLetterQueue: this.deadLetterQueue,
      // Logs and traces as the definition's Lambdas (infra/lambda-functions.ts).
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: LOG_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        LOCK_TABLE_NAME: props.lockTable.tableName,
        ...(this.topic ? { NOTIFY_TOPIC_ARN: this.topic.topicArn } : {}),
      },
      ...handlerBundling(props),
    });
    this.function.node.addDependency(policy);
    Validations.of(this.role).acknowledge({
      id: `${NAG_RULES.wildcard}[Resource::*]`,
      reason:
        'Added by Lambda active tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });

    this.rule = new Rule(this, 'Rule', {
      description:
        'alloy-rollout: a rollout execution ended ABORTED, TIMED_OUT or FAILED -> cleanup and notification',
      eventPattern: executionEndedRulePattern(stateMachineArn),
    });
    // EventBridge retries a delivery the Lambda service refused, then keeps the event in the queue
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
    this.rule.addTarget(
      new LambdaFunction(this.function, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
  }
}

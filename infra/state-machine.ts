import * as fs from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { InputInvalidError } from '../core/errors';
import type { ScopedArns } from './arns';
import { acknowledgeWildcardResources, NAG_RULES } from './nag';

export interface RolloutStateMachineProps {
  /** Physical name: the role's statements name its own executions, so it cannot be generated. */
  readonly stateMachineName: string;
  readonly definitionFile: string;
  /** Placeholder name (without `${}`) to value. */
  readonly substitutions: Readonly<Record<string, string>>;
  /** ARNs of the Lambdas the definition invokes. */
  readonly functionArns: readonly string[];
  readonly arns: ScopedArns;
  readonly logRetention: RetentionDays;
  /** The definition's top-level TimeoutSeconds: the whole execution's bound (children included). */
  readonly timeoutSeconds: number;
}

/** The rule Step Functions manages to learn when a `.sync` child execution ends. */
export const SYNC_EVENTS_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

/** Placeholders (`${Name}`) in a definition, in order of first appearance. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? ''))];
}

/**
 * Reads the ASL file and fails synthesis when it names a placeholder nobody fills (CloudFormation
 * would only say so at deploy time) or is not JSON.
 */
export function readDefinition(file: string, substitutions: Readonly<Record<string, string>>): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InputInvalidError(
      `state machine definition ${file}: cannot be read; expected the ASL JSON file`,
      {},
      { cause },
    );
  }
  try {
    JSON.parse(text);
  } catch (cause) {
    throw new InputInvalidError(
      `state machine definition ${file}: not valid JSON (${(cause as Error).message})`,
      {},
      { cause },
    );
  }
  const missing = placeholdersIn(text).filter((name) => !(name in substitutions));
  if (missing.length > 0)
    throw new InputInvalidError(
      `state machine definition ${file}: no value for ${missing.map((m) => `\${${m}}`).join(', ')}; expected only ${Object.keys(
        substitutions,
      )
        .map((k) => `\${${k}}`)
        .join(', ')}`,
      { missing },
    );
  return text;
}

/**
 * The definition with a top-level TimeoutSeconds. CDK's StateMachine `timeout` prop only reaches a
 * definition CDK builds itself (ChainDefinitionBody); a definition given as a string is passed as
 * is, so the field is written into it here. A file that sets its own TimeoutSeconds is refused:
 * the construct's value is the one the lock's lifetime is checked against.
 */
export function withTimeout(definition: string, file: string, timeoutSeconds: number): string {
  const parsed = JSON.parse(definition) as Record<string, unknown>;
  if ('TimeoutSeconds' in parsed)
    throw new InputInvalidError(
      `state machine definition ${file}: has its own top-level TimeoutSeconds; expected none (the construct sets it from executionTimeout, which the lock's lifetime is checked against)`,
      {},
    );
  return JSON.stringify({ ...parsed, TimeoutSeconds: timeoutSeconds }, null, 2);
}

/**
 * The Standard state machine from the ASL file. Inlined (not an S3 asset) so the template shows
 * the definition it deploys; its role is written out by hand because a definition read from a file
 * grants nothing.
 */
export class RolloutStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RolloutStateMachineProps) {
    super(scope, id);
    const definition = withTimeout(
      readDefinition(props.definitionFile, props.substitutions),
      props.definitionFile,
      props.timeoutSeconds,
    );
    const { arns, stateMachineName } = props;

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `alloy-rollout state machine ${stateMachineName}: invoke its Lambdas, run itself as child executions`,
    });
    const statements: PolicyStatement[] = [];
    const allow = (sid: string, actions: string[], resources: string[]) => {
      const statement = new PolicyStatement({ sid, effect: Effect.ALLOW, actions, resources });
      statements.push(statement);
      this.role.addToPrincipalPolicy(statement);
    };
    allow('InvokeRolloutLambdas', ['lambda:InvokeFunction'], [...props.functionArns]);
    // Per-service work runs as child executions of this same state machine (startExecution.sync:2).
    allow('StartChildExecutions', ['states:StartExecution'], [arns.stateMachine(stateMachineName)]);
    allow(
      'FollowChildExecutions',
      ['states:DescribeExecution', 'states:StopExecution'],
      [arns.stateMachineExecutions(stateMachineName)],
    );
    allow(
      'SyncExecutionEventsRule',
      ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      [arns.eventsRule(SYNC_EVENTS_RULE)],
    );

    // Vended-logs prefix: Step Functions log delivery keeps the resource policy small under it.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: props.logRetention,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: { ...props.substitutions },
      role: this.role,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    acknowledgeWildcardResources(this.role, statements, {
      FollowChildExecutions:
        'Child execution names are made at run time; the pattern covers executions of this one state machine only (startExecution.sync:2 describes and stops them).',
    });
    Validations.of(this.role).acknowledge({
      id: `${NAG_RULES.wildcard}[Resource::*]`,
      reason:
        'Added by the StateMachine construct for logging level ALL and X-Ray tracing: logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups and xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets support no resource-level permissions.',
    });
  }
}

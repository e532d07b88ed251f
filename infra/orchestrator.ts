import { Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ASL_SUBSTITUTIONS, functionArnSubstitution, type LambdaId } from '../lambdas/catalog';
import { ScopedArns } from './arns';
import { ExecutionEndedCleanup } from './execution-ended';
import { RolloutFunctions } from './lambda-functions';
import { LockTable } from './lock-table';
import { resolveOrchestratorProps, type AlloyRolloutOrchestratorProps } from './orchestrator-props';
import { RolloutStateMachine } from './state-machine';
import type { RolloutTarget } from './target';

/**
 * The rollout orchestrator: the Standard state machine from statemachine/rollout.asl.json, one
 * Lambda per catalog entry, the per-cluster lock table, and least-privilege roles for all of them.
 * Usable from any CDK app; it needs no AWS account or credentials to synthesise.
 */
export class AlloyRolloutOrchestrator extends Construct {
  readonly stateMachine: StateMachine;
  readonly stateMachineName: string;
  /** ARN of the state machine (built from its name, so other policies can use it without a cycle). */
  readonly stateMachineArn: string;
  /** ARN pattern matching every execution of the state machine, child executions included. */
  readonly executionArnPattern: string;
  readonly lockTable: Table;
  readonly functions: ReadonlyMap<LambdaId, NodejsFunction>;
  readonly functionRoles: ReadonlyMap<LambdaId, Role>;
  readonly stateMachineRole: Role;
  readonly target: RolloutTarget;
  /** The abort path: the EventBridge rule on ended executions, its Lambda, role and dead-letter queue. */
  readonly executionEnded: ExecutionEndedCleanup;
  /** The topic notifications go to (prop `notifications`); undefined without. */
  readonly notificationTopic?: ITopic;

  constructor(scope: Construct, id: string, props: AlloyRolloutOrchestratorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const resolved = resolveOrchestratorProps(props, stack.region);
    this.target = resolved.target;
    // The cluster's resources; the state machine's own ARNs use the stack's region and account.
    const arns = new ScopedArns(stack.partition, resolved.target.region, resolved.account ?? stack.account);
    const ownArns = new ScopedArns(stack.partition, stack.region, stack.account);
    const logRetention = resolved.logRetention ?? RetentionDays.ONE_MONTH;

    this.lockTable = new LockTable(this, 'Lock').table;

    const lambdas = new RolloutFunctions(this, 'Functions', {
      handlersDir: resolved.handlersDir,
      depsLockFilePath: resolved.depsLockFilePath,
      network: resolved.network,
      lockTableName: this.lockTable.tableName,
      lockTtlSeconds: resolved.lockTtlSeconds,
      executionTimeoutSeconds: resolved.executionTimeoutSeconds,
      logRetention,
      logLevel: resolved.logLevel,
      timeout: resolved.lambdaTimeout,
      memorySize: resolved.lambdaMemorySize,
      minify: resolved.minify,
      scope: {
        arns,
        target: resolved.target,
        lockTableArn: this.lockTable.tableArn,
        ownExecutionsArn: ownArns.stateMachineExecutions(resolved.stateMachineName),
        passRoleArns: resolved.passRoleArns,
        taskDefinitionFamilies: resolved.taskDefinitionFamilies,
      },
    });
    this.functions = lambdas.functions;
    this.functionRoles = lambdas.roles;

    const substitutions: Record<string, string> = { [ASL_SUBSTITUTIONS.lockTable]: this.lockTable.tableName };
    for (const [lambdaId, fn] of lambdas.functions)
      substitutions[functionArnSubstitution(lambdaId)] = fn.functionArn;

    const machine = new RolloutStateMachine(this, 'Rollout', {
      stateMachineName: resolved.stateMachineName,
      definitionFile: resolved.definitionFile,
      substitutions,
      functionArns: [...lambdas.functions.values()].map((fn) => fn.functionArn),
      arns: ownArns,
      logRetention,
      timeoutSeconds: resolved.executionTimeoutSeconds,
    });
    this.stateMachine = machine.stateMachine;
    this.stateMachineRole = machine.role;
    this.stateMachineName = resolved.stateMachineName;
    this.stateMachineArn = ownArns.stateMachine(resolved.stateMachineName);
    this.executionArnPattern = ownArns.stateMachineExecutions(resolved.stateMachineName);

    // Not referenced by the definition: the rule names the state machine by its ARN (built from
    // its name), so the state machine and this Lambda do not depend on each other.
    this.executionEnded = new ExecutionEndedCleanup(this, 'ExecutionEnded', {
      handlersDir: resolved.handlersDir,
      depsLockFilePath: resolved.depsLockFilePath,
      stateMachineName: resolved.stateMachineName,
      arns: ownArns,
      lockTable: this.lockTable,
      logRetention,
      timeout: resolved.lambdaTimeout,
      memorySize: resolved.lambdaMemorySize,
      minify: resolved.minify,
      logLevel: resolved.logLevel,
      ...(resolved.notifications ? { notifications: resolved.notifications } : {}),
    });
    if (this.executionEnded.topic) this.notificationTopic = this.executionEnded.topic;
  }
}

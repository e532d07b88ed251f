import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Token } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Plan } from '../core/plan/schema';
import { EVENT_LAMBDAS, LAMBDAS } from '../lambdas/catalog';
import type { NotificationsProp } from './execution-ended';
import type { LambdaNetwork } from './lambda-functions';
import { checkTarget, targetFromPlan, type RolloutTarget } from './target';
import { checkLockLifetime, checkLogLevel, PATTERNS, PropProblems } from './validation';

export interface AlloyRolloutOrchestratorProps {
  /** A parsed plan (`parsePlanOrThrow`): cluster, region, services, config prefix, log groups, AMP workspace and Loki secret are taken from it. Give this or `target`. */
  readonly plan?: Plan;
  /** The same scope written out by hand, for stacks that deploy before any plan exists. Give this or `plan`. */
  readonly target?: RolloutTarget;
  /** Task roles the services' task definitions use; the only roles `iam:PassRole` is granted on. */
  readonly taskRoleArns?: readonly string[];
  /** Task execution roles the services' task definitions use; also passable. At least one role ARN in total. */
  readonly executionRoleArns?: readonly string[];
  /** VPC placement for the Lambdas that reach Loki (Loki, Verify). */
  readonly network: LambdaNetwork;
  /** Account the cluster lives in. Default: the stack's account (a token when the stack is environment-agnostic). */
  readonly account?: string;
  /** Task definition families the rollout may tag. Default: every family (`*`), since the plan names services, not families. */
  readonly taskDefinitionFamilies?: readonly string[];
  /** Default: `alloy-rollout-<cluster>`. */
  readonly stateMachineName?: string;
  /**
   * The state machine's TimeoutSeconds: an execution still running after this ends TIMED_OUT.
   * Default: 6 hours.
   */
  readonly executionTimeout?: Duration;
  /**
   * The shortest lock lifetime the Lock step writes (it writes max(plan lock.ttl, this)); must be
   * longer than executionTimeout. Default: executionTimeout + 15 minutes.
   */
  readonly lockTtl?: Duration;
  /** Retention of the Lambda and state machine log groups. Default: one month. */
  readonly logRetention?: RetentionDays;
  /**
   * Level of the Lambdas' Powertools logs (POWERTOOLS_LOG_LEVEL): TRACE, DEBUG, INFO, WARN, ERROR,
   * CRITICAL or SILENT. Default: INFO (one line per decision and per check verdict).
   */
  readonly logLevel?: string;
  /** Default: 60 seconds (each Lambda does one short step; waiting happens in Wait states). */
  readonly lambdaTimeout?: Duration;
  /** Default: 512 MiB. */
  readonly lambdaMemorySize?: number;
  /** Minify the bundles. Default: true. */
  readonly minify?: boolean;
  /** Default: this repository's lambdas/handlers. */
  readonly handlersDir?: string;
  /** Default: this repository's statemachine/rollout.asl.json. */
  readonly definitionFile?: string;
  /** Default: this repository's package-lock.json (esbuild resolves dependencies next to it). */
  readonly depsLockFilePath?: string;
  /**
   * Notify an SNS topic when a rollout (a parent execution) ends ABORTED, TIMED_OUT or FAILED
   * (rolled back, failed, refused, verify failed): `true` creates a topic encrypted with SNS's AWS
   * managed key (`notificationTopic`), `{ topic }` publishes to yours. Default: no notifications
   * (the cleanup after a stopped or timed-out rollout runs either way).
   */
  readonly notifications?: NotificationsProp;
}

/** Props with every default filled in and every field checked. */
export interface ResolvedOrchestratorProps {
  readonly target: RolloutTarget;
  readonly passRoleArns: readonly string[];
  readonly network: LambdaNetwork;
  readonly account: string | undefined;
  readonly taskDefinitionFamilies: readonly string[];
  readonly stateMachineName: string;
  readonly executionTimeoutSeconds: number;
  readonly lockTtlSeconds: number;
  readonly logRetention: RetentionDays | undefined;
  readonly logLevel: string;
  readonly lambdaTimeout: Duration;
  readonly lambdaMemorySize: number;
  readonly minify: boolean;
  readonly handlersDir: string;
  readonly definitionFile: string;
  readonly depsLockFilePath: string;
  readonly notifications: NotificationsProp | undefined;
}

const REPO_ROOT = path.resolve(__dirname, '..');

export const ORCHESTRATOR_DEFAULTS = {
  handlersDir: path.join(REPO_ROOT, 'lambdas', 'handlers'),
  definitionFile: path.join(REPO_ROOT, 'statemachine', 'rollout.asl.json'),
  depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
  lambdaTimeoutSeconds: 60,
  lambdaMemorySize: 512,
  taskDefinitionFamilies: ['*'],
  executionTimeoutSeconds: 6 * 3600,
  /** Added to executionTimeout for the default lockTtl: Finalize's retries run after a timeout too. */
  lockTtlMarginSeconds: 15 * 60,
} as const;

const STATE_MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Checks the props and fills in defaults, reporting every problem at once (InputInvalidError).
 * `stackRegion` is the stack's region when it is known at synth time.
 */
export function resolveOrchestratorProps(
  props: AlloyRolloutOrchestratorProps,
  stackRegion: string,
): ResolvedOrchestratorProps {
  const problems = new PropProblems('AlloyRolloutOrchestrator');
  let target: RolloutTarget | undefined;
  if (props.plan && props.target)
    problems.add('plan/target', 'expected either a parsed plan or a target, not both');
  else if (props.plan) {
    if (typeof props.plan !== 'object' || typeof props.plan.cluster !== 'string')
      problems.add(
        'plan.cluster',
        'missing; expected a plan parsed with parsePlanOrThrow (it names the ECS cluster)',
      );
    else target = targetFromPlan(props.plan);
  } else if (props.target) target = props.target;
  else
    problems.add(
      'plan/target',
      'missing; expected a parsed plan (`plan`) or the cluster, services and workspace (`target`)',
    );
  if (target) checkTarget(target, problems, props.plan ? 'plan' : 'target');

  if (target && !Token.isUnresolved(stackRegion) && target.region !== stackRegion)
    problems.add(
      'region',
      `the stack is in ${stackRegion} but the cluster is in ${target.region}; expected the orchestrator in the cluster's region`,
    );

  const passRoleArns = [...(props.taskRoleArns ?? []), ...(props.executionRoleArns ?? [])];
  problems.expect(
    passRoleArns.length > 0,
    'taskRoleArns/executionRoleArns',
    'at least one IAM role ARN the task definitions use',
    passRoleArns,
  );
  // Tokens (roles created in the same app) are checked by CloudFormation instead.
  const isRoleArn = (arn: string) => Token.isUnresolved(arn) || PATTERNS.roleArn.test(arn);
  (props.taskRoleArns ?? []).forEach((arn, i) =>
    problems.expect(
      isRoleArn(arn),
      `taskRoleArns[${i}]`,
      'an IAM role ARN such as "arn:aws:iam::123456789012:role/temporal-task"',
      arn,
    ),
  );
  (props.executionRoleArns ?? []).forEach((arn, i) =>
    problems.expect(
      isRoleArn(arn),
      `executionRoleArns[${i}]`,
      'an IAM role ARN such as "arn:aws:iam::123456789012:role/temporal-execution"',
      arn,
    ),
  );

  if (props.account !== undefined)
    problems.expect(
      PATTERNS.account.test(props.account),
      'account',
      'a 12-digit AWS account id',
      props.account,
    );
  problems.expect(
    Boolean(props.network?.vpc),
    'network.vpc',
    'the VPC the Loki-facing Lambdas run in',
    props.network?.vpc,
  );
  problems.expect(
    (props.network?.securityGroups?.length ?? 0) > 0,
    'network.securityGroups',
    'at least one security group allowed to reach Loki',
    props.network?.securityGroups,
  );

  const families = props.taskDefinitionFamilies ?? ORCHESTRATOR_DEFAULTS.taskDefinitionFamilies;
  problems.expect(
    families.length > 0,
    'taskDefinitionFamilies',
    'at least one family (or leave it out for all)',
    families,
  );
  families.forEach((f, i) =>
    problems.expect(
      f === '*' || PATTERNS.name.test(f),
      `taskDefinitionFamilies[${i}]`,
      'a task definition family name or "*"',
      f,
    ),
  );

  const stateMachineName = props.stateMachineName ?? `alloy-rollout-${target?.clusterName ?? 'cluster'}`;
  problems.expect(
    STATE_MACHINE_NAME.test(stateMachineName),
    'stateMachineName',
    'up to 80 letters, digits, "-" or "_"',
    stateMachineName,
  );

  const executionTimeoutSeconds = (
    props.executionTimeout ?? Duration.seconds(ORCHESTRATOR_DEFAULTS.executionTimeoutSeconds)
  ).toSeconds();
  const lockTtlSeconds =
    props.lockTtl?.toSeconds() ?? executionTimeoutSeconds + ORCHESTRATOR_DEFAULTS.lockTtlMarginSeconds;
  checkLockLifetime(problems, executionTimeoutSeconds, lockTtlSeconds);
  const logLevel = checkLogLevel(problems, props.logLevel);

  const lambdaTimeout = props.lambdaTimeout ?? Duration.seconds(ORCHESTRATOR_DEFAULTS.lambdaTimeoutSeconds);
  problems.expect(
    lambdaTimeout.toSeconds() >= 1 && lambdaTimeout.toSeconds() <= 900,
    'lambdaTimeout',
    'between 1 second and 15 minutes',
    lambdaTimeout.toHumanString(),
  );
  const lambdaMemorySize = props.lambdaMemorySize ?? ORCHESTRATOR_DEFAULTS.lambdaMemorySize;
  problems.expect(
    Number.isInteger(lambdaMemorySize) && lambdaMemorySize >= 128 && lambdaMemorySize <= 10240,
    'lambdaMemorySize',
    'a whole number of MiB between 128 and 10240',
    lambdaMemorySize,
  );

  const handlersDir = props.handlersDir ?? ORCHESTRATOR_DEFAULTS.handlersDir;
  for (const spec of [...LAMBDAS, ...EVENT_LAMBDAS]) {
    const file = path.join(handlersDir, `${spec.file}.ts`);
    if (!fs.existsSync(file))
      problems.add(
        `handlersDir (${spec.id})`,
        `${file} does not exist; expected the handler file exporting \`handler\``,
      );
  }
  const definitionFile = props.definitionFile ?? ORCHESTRATOR_DEFAULTS.definitionFile;
  if (!fs.existsSync(definitionFile))
    problems.add('definitionFile', `${definitionFile} does not exist; expected the ASL JSON file`);
  const depsLockFilePath = props.depsLockFilePath ?? ORCHESTRATOR_DEFAULTS.depsLockFilePath;
  if (!fs.existsSync(depsLockFilePath))
    problems.add(
      'depsLockFilePath',
      `${depsLockFilePath} does not exist; expected the package-lock.json next to node_modules`,
    );
  // esbuild runs from the lock file's directory (where node_modules is) and only bundles entries under it.
  const relativeHandlers = path.relative(path.dirname(depsLockFilePath), handlersDir);
  problems.expect(
    !relativeHandlers.startsWith('..') && !path.isAbsolute(relativeHandlers),
    'handlersDir',
    `a directory under ${path.dirname(depsLockFilePath)}`,
    handlersDir,
  );

  const notifications = props.notifications;
  problems.expect(
    notifications === undefined ||
      notifications === true ||
      (typeof notifications === 'object' && notifications !== null && Boolean(notifications.topic)),
    'notifications',
    '`true` (a topic is created) or `{ topic }` (an SNS topic to publish to)',
    notifications,
  );

  problems.throwIfAny();
  // Every branch that leaves `target` undefined has recorded a problem, so throwIfAny has thrown.
  return {
    target: target as RolloutTarget,
    passRoleArns: [...new Set(passRoleArns)],
    network: props.network,
    account: props.account,
    taskDefinitionFamilies: families,
    stateMachineName,
    executionTimeoutSeconds,
    lockTtlSeconds,
    logRetention: props.logRetention,
    logLevel,
    lambdaTimeout,
    lambdaMemorySize,
    minify: props.minify ?? true,
    handlersDir,
    definitionFile,
    depsLockFilePath,
    notifications,
  };
}

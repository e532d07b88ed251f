import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaId } from '../../../lambdas/catalog';
import { installFakes } from '../../statemachine/support/fakes';
import { testPlan } from '../../statemachine/support/plan';
import { runRollout, type InvocationWrapper, type RunResult } from '../../statemachine/support/runner';
import { LOKI_SERVICE, World } from '../../statemachine/support/world';
import {
  GRAFANA_TOKEN,
  GRAFANA_TOKEN_ARN,
  grafanaSection,
  installFakeGrafana,
} from '../../statemachine/support/grafana';
import { AwsCallRecorder, type RecordedCall } from './recorder';

/** The account and region the state machine tests' world lives in. */
export const WORLD = { partition: 'aws', region: 'eu-west-1', account: '123456789012' } as const;
export const LOCK_TABLE_NAME = 'alloy-rollout-lock';
/** A partial ARN, as plans give it; Secrets Manager answers with the full one (random suffix). */
const LOKI_SECRET = `arn:aws:secretsmanager:${WORLD.region}:${WORLD.account}:secret:alloy-rollout/loki`;

/**
 * The plan of every scenario (and of the synthesised stack): the example plan, Loki behind a
 * credential, and the Grafana checkpoint with its token secret.
 */
export function scenarioPlan(): Record<string, unknown> {
  return testPlan((plan) => {
    plan.loki.authSecretArn = LOKI_SECRET;
    plan.grafana = grafanaSection();
  });
}

interface Scenario {
  readonly name: string;
  /** Runs the rollout(s) and says whether they took the path the scenario is for. */
  readonly run: (world: World, wrap: InvocationWrapper) => Promise<boolean>;
}

const ran = (run: RunResult, ...states: string[]) =>
  states.every((s) => run.calls.some((c) => c.state === s));

/**
 * Rollouts that between them take every handler's paths that call AWS: a migration that upgrades
 * Loki first, a failed check rolled back (a rollback deployment retried, a log group re-created),
 * the two refusals, plan mode, and a manual rollback that re-registers a deregistered baseline.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'migrate: Loki upgraded to the plan image, every service migrated',
    run: async (world, wrap) => {
      const loki = world.taskDefinitions.get(world.service(LOKI_SERVICE).taskDefinition);
      const container = loki?.body.containerDefinitions[0];
      if (container) container.image = 'grafana/loki:3.4.2';
      const run = await runRollout({ mode: 'migrate', plan: scenarioPlan() }, { wrapInvocation: wrap });
      return run.status === 'SUCCEEDED' && world.calls.some((c) => c.includes('temporal-dev-loki:4'));
    },
  },
  {
    name: 'migrate with a shadow step on the canary: Alloy loses lines, the canary rolled back from its shadow revision',
    run: async (world, wrap) => {
      world.faults = { shadowDropEvery: { worker: 10 } };
      const plan = scenarioPlan() as { phases: Record<string, unknown>[] };
      plan.phases[0] = { ...plan.phases[0], shadow: { duration: '20s' } };
      const run = await runRollout({ mode: 'migrate', plan }, { wrapInvocation: wrap });
      return run.error === 'RolledBack' && ran(run, 'VerifyShadow', 'Rollback', 'VerifyCloudWatch');
    },
  },
  {
    name: 'migrate: no logs from history, every migrated service rolled back',
    run: async (world, wrap) => {
      world.faults = {
        logsMissing: ['history'],
        rollbackDeployment: { 'temporal-dev-temporal-worker': { failFirst: 1 } },
      };
      world.logGroups.delete('/ecs/temporal-dev/temporal-history');
      const run = await runRollout({ mode: 'migrate', plan: scenarioPlan() }, { wrapInvocation: wrap });
      return run.error === 'RolledBack' && ran(run, 'Rollback', 'VerifyCloudWatch');
    },
  },
  {
    name: 'refused: another rollout holds the lock',
    run: async (world, wrap) => {
      const holder = `arn:aws:states:${WORLD.region}:${WORLD.account}:execution:alloy-rollout:someone-else`;
      // Still RUNNING: the Lock step describes the holder before refusing (states:DescribeExecution).
      world.executions.set(holder, 'RUNNING');
      world.lock.set('temporal-dev', {
        cluster: 'temporal-dev',
        owner: holder,
        expiresAt: String(Math.floor(world.nowMs / 1000) + 3600),
      });
      const run = await runRollout({ mode: 'migrate', plan: scenarioPlan() }, { wrapInvocation: wrap });
      return run.error === 'RolloutRefused';
    },
  },
  {
    name: 'refused: a Fargate service',
    run: async (world, wrap) => {
      world.service('temporal-dev-temporal-matching').launchType = 'FARGATE';
      const run = await runRollout({ mode: 'migrate', plan: scenarioPlan() }, { wrapInvocation: wrap });
      return run.error === 'RolloutRefused';
    },
  },
  {
    name: 'plan mode: every service rendered, nothing registered',
    run: async (world, wrap) => {
      const run = await runRollout({ mode: 'plan', plan: scenarioPlan() }, { wrapInvocation: wrap });
      return run.status === 'SUCCEEDED' && !world.calls.some((c) => c.startsWith('register'));
    },
  },
  {
    name: 'rollback mode: the migrated worker back on its deregistered baseline',
    run: async (world, wrap) => {
      const baseline = world.service('temporal-dev-temporal-worker').taskDefinition;
      const plan = scenarioPlan();
      const options = { wrapInvocation: wrap };
      const migrated = await runRollout(
        { mode: 'migrate', plan, services: ['worker'] },
        { ...options, executionName: 'migrate' },
      );
      const td = world.taskDefinitions.get(baseline);
      if (td) td.status = 'INACTIVE';
      const run = await runRollout({ mode: 'rollback', plan }, { ...options, executionName: 'rollback' });
      const now = world.service('temporal-dev-temporal-worker').taskDefinition;
      return migrated.status === 'SUCCEEDED' && run.status === 'SUCCEEDED' && now !== baseline;
    },
  },
  {
    name: 'verify mode: the migrated services audited read-only (no lock), history found drifted',
    run: async (world, wrap) => {
      const plan = scenarioPlan();
      const options = { wrapInvocation: wrap };
      const migrated = await runRollout({ mode: 'migrate', plan }, { ...options, executionName: 'migrate' });
      // What a terraform apply does: history back on its ADOT revision, registered outside alloy-rollout.
      const history = world.service('temporal-dev-temporal-history');
      const baseline = world.taskDefinitions.get(
        migrated.report?.services.find((s) => s.name === 'history')?.taskDefinitionBefore ?? '',
      );
      if (baseline) world.updateService(history.serviceName, world.registerTaskDefinition(baseline.body));
      const run = await runRollout({ mode: 'verify', plan }, { ...options, executionName: 'verify' });
      return migrated.status === 'SUCCEEDED' && run.error === 'VerifyFailed' && ran(run, 'Audit');
    },
  },
];

/** Answers for the one client the world does not model: the Loki secret (read and described). */
function installSecretsFake(): () => void {
  const secrets = mockClient(SecretsManagerClient);
  const arn = `${LOKI_SECRET}-AbCdEf`;
  secrets
    .on(GetSecretValueCommand)
    .resolves({ ARN: arn, SecretString: '{"username":"loki","password":"pw"}' });
  secrets
    .on(GetSecretValueCommand, { SecretId: GRAFANA_TOKEN_ARN })
    .resolves({ ARN: `${GRAFANA_TOKEN_ARN}-GhIjKl`, SecretString: JSON.stringify({ token: GRAFANA_TOKEN }) });
  secrets.on(DescribeSecretCommand).resolves({ ARN: arn });
  return () => secrets.restore();
}

export interface ScenarioRecording {
  readonly calls: RecordedCall[];
  /** Scenarios that did not take the path they are for (their calls prove less than they claim). */
  readonly offPath: string[];
  readonly invoked: ReadonlySet<LambdaId>;
}

/** Runs every scenario in a fresh world, recording the AWS calls of each Lambda invocation. */
export async function recordScenarios(
  scenarios: readonly Scenario[] = SCENARIOS,
): Promise<ScenarioRecording> {
  const calls: RecordedCall[] = [];
  const offPath: string[] = [];
  const invoked = new Set<LambdaId>();
  const saved = { ...process.env };
  for (const scenario of scenarios) {
    Object.assign(process.env, {
      LOCK_TABLE_NAME,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_REGION: WORLD.region,
    });
    const world = new World();
    const uninstall = installFakes(world);
    const uninstallSecrets = installSecretsFake();
    installFakeGrafana(world, { calls: [] });
    const recorder = new AwsCallRecorder();
    const wrap: InvocationWrapper = (lambda, invoke) => {
      invoked.add(lambda);
      return recorder.wrap(lambda, invoke);
    };
    try {
      if (!(await scenario.run(world, wrap))) offPath.push(scenario.name);
    } finally {
      uninstallSecrets();
      uninstall();
      process.env = { ...saved };
    }
    calls.push(...recorder.calls);
  }
  return { calls, offPath, invoked };
}

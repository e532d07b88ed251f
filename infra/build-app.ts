import * as fs from 'node:fs';
import { App, Duration, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parsePlanTextOrThrow } from '../core/plan/parse-text';
import type { LoadedConfig } from './app-config';
import type { AlloyRolloutOrchestratorProps } from './orchestrator-props';
import { AlloyRolloutStack } from './stack';

export interface BuildAppOptions {
  readonly outdir: string;
  /** Account of the deploying credentials, used when the config names none. */
  readonly defaultAccount?: string | undefined;
  /** Overrides for the orchestrator (tests point it at other handler files). */
  readonly orchestrator?: Partial<Omit<AlloyRolloutOrchestratorProps, 'plan' | 'target' | 'network'>>;
}

/** Optional fields as exactOptionalPropertyTypes wants them: absent rather than undefined. */
type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<T>;
}

/**
 * The app: one stack from a loaded config, with the AWS Solutions checks registered so that any
 * unacknowledged finding stops synthesis.
 */
export function buildApp(
  loaded: LoadedConfig,
  options: BuildAppOptions,
): { app: App; stack: AlloyRolloutStack } {
  const { config } = loaded;
  const plan = parsePlanTextOrThrow(fs.readFileSync(loaded.planPath, 'utf8'), loaded.planPath);
  const app = new App({ outdir: options.outdir });
  const account = config.account ?? options.defaultAccount;
  const lokiImage = config.loki?.image ?? plan.loki.image;
  const stack = new AlloyRolloutStack(app, config.stackName, {
    // The orchestrator lives in the cluster's region; the account may stay unresolved offline.
    env: { region: plan.region, ...(account ? { account } : {}) },
    description: `alloy-rollout orchestrator for ECS cluster ${plan.cluster}`,
    network: config.network,
    orchestrator: {
      plan,
      taskRoleArns: config.taskRoleArns,
      executionRoleArns: config.executionRoleArns,
      ...(config.stateMachineName ? { stateMachineName: config.stateMachineName } : {}),
      ...(config.logRetentionDays ? { logRetention: config.logRetentionDays as RetentionDays } : {}),
      ...(config.logLevel ? { logLevel: config.logLevel } : {}),
      ...(config.notifications ? { notifications: true as const } : {}),
      ...(config.taskDefinitionFamilies ? { taskDefinitionFamilies: config.taskDefinitionFamilies } : {}),
      ...options.orchestrator,
    },
    ...(config.github
      ? {
          github: {
            repository: config.github.repository,
            refs: config.github.refs,
            environments: config.github.environments,
            ...(config.github.providerArn ? { providerArn: config.github.providerArn } : {}),
            ...(config.github.maxSessionHours
              ? { maxSessionDuration: Duration.hours(config.github.maxSessionHours) }
              : {}),
          },
        }
      : {}),
    ...(config.loki
      ? {
          loki: {
            ...compact(config.loki),
            // The plan is what the Loki Lambda converges to, so start the service there.
            ...(lokiImage ? { image: lokiImage } : {}),
            desiredCount: config.loki.desiredCount ?? plan.loki.desiredCount,
          },
        }
      : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

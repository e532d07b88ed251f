import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import { InputInvalidError } from '../core/errors';
import { formatPath } from '../core/plan/parse';

/** Values CloudWatch Logs accepts as a retention (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const ids = (prefix: string, what: string) =>
  z.array(
    z
      .string()
      .regex(
        new RegExp(`^${prefix}-[0-9a-f]{8,17}$`),
        `expected ${what} id such as "${prefix}-0123456789abcdef0"`,
      ),
  );

/** The deployment settings of `npm run synth` / `cdk deploy`: one file, checked before anything is built. */
export const appConfigSchema = z
  .object({
    /** CloudFormation stack name. */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'expected a stack name (letters, digits, "-")')
      .default('AlloyRollout'),
    /** Default: the account of the credentials `cdk deploy` runs with; none (environment-agnostic) offline. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
      .optional(),
    /** The plan the orchestrator is scoped to, relative to this file. */
    planFile: z.string().min(1, 'expected the path of the plan (YAML or JSON)'),
    taskRoleArns: z.array(z.string()).default([]),
    executionRoleArns: z.array(z.string()).default([]),
    network: z
      .object({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id such as "vpc-0123456789abcdef0"'),
        subnetIds: ids('subnet', 'a subnet').min(1, 'expected at least one private subnet id'),
        securityGroupIds: ids('sg', 'a security group').min(1, 'expected at least one security group id'),
      })
      .strict(),
    stateMachineName: z.string().optional(),
    logRetentionDays: z
      .number()
      .refine(
        (n) => (RETENTION_DAYS as readonly number[]).includes(n),
        `expected one of ${RETENTION_DAYS.join(', ')}`,
      )
      .optional(),
    /** POWERTOOLS_LOG_LEVEL of the Lambdas; the construct checks it against Powertools' levels. */
    logLevel: z.string().optional(),
    /** true: an SNS topic for the notifications of rollouts that ended stopped, timed out or failed. */
    notifications: z.boolean({ error: 'expected true (create a notification topic) or false' }).optional(),
    taskDefinitionFamilies: z.array(z.string()).optional(),
    github: z
      .object({
        repository: z.string(),
        refs: z.array(z.string()).default([]),
        environments: z.array(z.string()).default([]),
        providerArn: z.string().optional(),
        maxSessionHours: z.number().min(1).max(12).optional(),
      })
      .strict()
      .optional(),
    loki: z
      .object({
        ecsInstanceSecurityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'expected a security group id'),
        grafanaSecurityGroupId: z
          .string()
          .regex(/^sg-[0-9a-f]{8,17}$/, 'expected a security group id')
          .optional(),
        serviceConnectNamespace: z.string().min(1, 'expected the Service Connect namespace name or ARN'),
        dnsNamespace: z
          .object({
            name: z.string().min(1),
            id: z.string().regex(/^ns-[a-z0-9]+$/, 'expected a Cloud Map namespace id such as "ns-abc123"'),
            arn: z.string().min(1),
          })
          .strict()
          .optional(),
        cpu: z.number().int().optional(),
        memoryMiB: z.number().int().optional(),
        desiredCount: z.number().int().optional(),
        retentionDays: z.number().int().optional(),
        image: z.string().optional(),
        /** The VPC's existing S3 gateway endpoint; without it one is created on routeTableIds. */
        s3GatewayEndpointId: z
          .string()
          .regex(/^vpce-[0-9a-f]{8,17}$/, 'expected a VPC endpoint id such as "vpce-0123456789abcdef0"')
          .optional(),
        /** The route tables of network.subnetIds, in the same order (one id: shared by all). */
        routeTableIds: z
          .array(
            z
              .string()
              .regex(/^rtb-[0-9a-f]{8,17}$/, 'expected a route table id such as "rtb-0123456789abcdef0"'),
          )
          .min(1)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AppConfig = z.output<typeof appConfigSchema>;

/** Where the config comes from: `-c config=<file>` (cdk CLI), ALLOY_ROLLOUT_INFRA_CONFIG, or the example. */
export const DEFAULT_CONFIG_FILE = path.join(__dirname, 'config.example.json');

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Absolute path of the plan named by the config. */
  readonly planPath: string;
  readonly source: string;
}

/** Reads and validates a config file; every problem is named with its field. */
export function loadAppConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InputInvalidError(
      `${file}: cannot be read; expected the infra config (JSON or YAML)`,
      {},
      { cause },
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new InputInvalidError(
      `${file}: not valid JSON/YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`,
    );
  const result = appConfigSchema.safeParse(doc.toJS());
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${formatPath(i.path) || '(document)'}: ${i.message}`);
    throw new InputInvalidError(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  - ${problems.join('\n  - ')}`,
      { problems },
    );
  }
  return {
    config: result.data,
    planPath: path.resolve(path.dirname(file), result.data.planFile),
    source: file,
  };
}

/** The environment the app reads, in one place (read when the app starts, never at import). */
export interface AppEnvironment {
  readonly configFile: string;
  /** Set by the cdk CLI from the credentials in use. */
  readonly defaultAccount: string | undefined;
}

export function readAppEnvironment(
  contextConfig: unknown,
  env: NodeJS.ProcessEnv = process.env,
): AppEnvironment {
  const fromContext =
    typeof contextConfig === 'string' && contextConfig.length > 0 ? contextConfig : undefined;
  return {
    configFile: path.resolve(fromContext ?? env.ALLOY_ROLLOUT_INFRA_CONFIG ?? DEFAULT_CONFIG_FILE),
    defaultAccount: env.CDK_DEFAULT_ACCOUNT,
  };
}

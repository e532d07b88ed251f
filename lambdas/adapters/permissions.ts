import {
  SimulatePrincipalPolicyCommand,
  type IAMClient,
  type SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Plan } from '../../core/plan/schema';
import type { TaskDefinitionInput } from '../../core/taskdef';
import {
  permissionProblems,
  servicePermissionNeeds,
  simulationBatches,
  type LokiSecretFacts,
  type SimulationAnswer,
  type SimulationBatch,
  type UncheckedRole,
} from '../../core/verify';
import { awsCall, translateAwsError } from './aws-errors';

/** The one method used of each client, so tests can pass anything that sends commands. */
export interface PermissionClients {
  readonly iam: Pick<IAMClient, 'send'>;
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
}

export interface PermissionTarget {
  readonly service: string;
  readonly taskDefinition: Pick<TaskDefinitionInput, 'executionRoleArn' | 'taskRoleArn'>;
}

export interface PermissionCheck {
  readonly problems: { service: string; message: string; reason: string }[];
  readonly notChecked: string[];
  /** (role, action, resource) questions IAM answered. */
  readonly checked: number;
}

/**
 * SDK errors that say the role itself cannot be simulated: a refusal naming the role, not a
 * failed Lambda. Anything else (throttling, 5xx) is translated and thrown, for the ASL to retry.
 */
const ROLE_ERRORS: Readonly<Record<string, UncheckedRole['reason']>> = {
  NoSuchEntityException: 'no-such-role',
  NoSuchEntity: 'no-such-role',
  AccessDenied: 'not-permitted',
  AccessDeniedException: 'not-permitted',
  InvalidInputException: 'rejected',
  InvalidInput: 'rejected',
};

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}

/**
 * The per-resource decisions of one answer page. IAM now gives one result per action with the
 * decisions in ResourceSpecificResults; a result without them is a single resource's (or, from
 * an older endpoint, names its resource in EvalResourceName).
 */
function answersOf(batch: SimulationBatch, page: SimulatePrincipalPolicyCommandOutput): SimulationAnswer[] {
  const base = { roleArn: batch.roleArn, action: batch.action };
  return (page.EvaluationResults ?? []).flatMap((r): SimulationAnswer[] => {
    const specific = r.ResourceSpecificResults ?? [];
    if (specific.length > 0)
      return specific.map((s) => ({
        ...base,
        resource: s.EvalResourceName ?? '',
        decision: s.EvalResourceDecision ?? '',
        missingContext: s.MissingContextValues ?? r.MissingContextValues ?? [],
      }));
    const resource =
      batch.resources.length === 1
        ? batch.resources[0]
        : batch.resources.find((x) => x === r.EvalResourceName);
    return resource === undefined
      ? []
      : [{ ...base, resource, decision: r.EvalDecision ?? '', missingContext: r.MissingContextValues ?? [] }];
  });
}

/** Asks IAM every batch, one role at a time, following pages; a role that cannot be simulated is set aside. */
export async function simulate(
  iam: PermissionClients['iam'],
  batches: readonly SimulationBatch[],
): Promise<{ answers: SimulationAnswer[]; unchecked: UncheckedRole[] }> {
  const answers: SimulationAnswer[] = [];
  const unchecked = new Map<string, UncheckedRole>();
  for (const batch of batches) {
    if (unchecked.has(batch.roleArn)) continue;
    let marker: string | undefined;
    try {
      do {
        const page = await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: batch.roleArn,
            ActionNames: [batch.action],
            ResourceArns: batch.resources,
            ContextEntries: Object.entries(batch.context).map(([name, value]) => ({
              ContextKeyName: name,
              ContextKeyValues: [value],
              ContextKeyType: 'string',
            })),
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        answers.push(...answersOf(batch, page));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
    } catch (error) {
      const reason = ROLE_ERRORS[errorName(error)];
      if (!reason) throw translateAwsError(error, `iam:SimulatePrincipalPolicy ${batch.roleArn}`);
      const detail = `${errorName(error)}: ${(error as Error).message}`;
      unchecked.set(batch.roleArn, { roleArn: batch.roleArn, reason, detail });
    }
  }
  return { answers, unchecked: [...unchecked.values()] };
}

/** The Loki secret's full ARN and KMS key, or null when there is no such secret. */
export async function describeLokiSecret(
  secrets: PermissionClients['secrets'],
  secretArn: string,
): Promise<LokiSecretFacts | null> {
  try {
    const out = await awsCall(`secretsmanager:DescribeSecret ${secretArn}`, () =>
      secrets.send(new DescribeSecretCommand({ SecretId: secretArn })),
    );
    return { arn: out.ARN ?? secretArn, ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}) };
  } catch (error) {
    if ((error as { details?: { awsError?: unknown } }).details?.awsError === 'ResourceNotFoundException')
      return null;
    throw error;
  }
}

/**
 * Whether each target's roles may do what its migrated tasks will need (core/verify/permissions),
 * asked of IAM's policy simulator before anything changes.
 */
export async function checkPermissions(
  plan: Plan,
  targets: readonly PermissionTarget[],
  clients: PermissionClients,
): Promise<PermissionCheck> {
  if (targets.length === 0) return { problems: [], notChecked: [], checked: 0 };
  const problems: PermissionCheck['problems'] = [];
  const secretArn = plan.loki.authSecretArn;
  const secret = secretArn ? await describeLokiSecret(clients.secrets, secretArn) : undefined;
  if (secretArn && secret === null)
    problems.push({
      service: 'loki',
      reason: 'secret-missing',
      message: `loki.authSecretArn ${secretArn} does not exist: the Alloy sidecars could not read their Loki credentials`,
    });
  const needed = targets.map((t) =>
    servicePermissionNeeds(plan, t.service, t.taskDefinition, secret ?? undefined),
  );
  const needs = needed.flatMap((n) => n.needs);
  const { answers, unchecked } = await simulate(clients.iam, simulationBatches(needs));
  problems.push(...permissionProblems(needs, answers, unchecked));
  return { problems, notChecked: needed.flatMap((n) => n.notChecked), checked: answers.length };
}

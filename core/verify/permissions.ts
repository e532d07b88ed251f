import { configParameterName } from '../plan/resolve';
import type { Plan } from '../plan/schema';
import { configParameterValueFrom } from '../taskdef/alloy-containers';
import type { TaskDefinitionInput } from '../taskdef/types';

/**
 * Which IAM permissions a migrated task needs that its baseline did not: the execution role
 * hands the Alloy config (an SSM parameter) and the Loki credentials (a Secrets Manager secret)
 * to the new containers, and the task role signs Alloy's remote writes to AMP. Without them the
 * new tasks fail to start, or start and ship no metrics, which the rollout would only learn
 * mid-deployment; checked in preflight, nothing has changed yet.
 */

export type RoleKind = 'execution' | 'task';

/** One permission a service's migrated tasks need: which role, which action on which resource, and why. */
export interface PermissionNeed {
  readonly service: string;
  readonly roleKind: RoleKind;
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  /** What fails without it, for the refusal. */
  readonly why: string;
  /** Request context AWS sets on the real call, so that conditions on it are evaluated. */
  readonly context?: Readonly<Record<string, string>>;
}

/** The Loki credential secret as DescribeSecret gives it: its full ARN and, when set, its KMS key. */
export interface LokiSecretFacts {
  readonly arn: string;
  /** Absent when the secret uses the AWS managed key aws/secretsmanager. */
  readonly kmsKeyId?: string;
}

export interface ServiceNeeds {
  readonly needs: PermissionNeed[];
  /** What could not be checked, and why (the run goes on; these are said in the preflight output). */
  readonly notChecked: string[];
}

const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/.+$/;
const KEY_ARN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
/** A bare key id: a UUID, or a multi-Region key id (mrk-<32 hex>). */
const KEY_ID = /^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const SECRET_ARN = /^arn:([a-z-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:.+$/;

function roleParts(arn: string): { partition: string; account: string } | null {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1] as string, account: m[2] as string } : null;
}

/**
 * The key ARN kms:Decrypt is evaluated on, from a secret's KmsKeyId (a key ARN, a key id, or an
 * alias). An alias names no key: IAM authorises on the key's ARN, which only kms:DescribeKey could
 * tell, so an alias is reported as not checked. Aliases under alias/aws/ are AWS managed keys,
 * whose key policies let every principal of the account use them through the service.
 */
export function secretKmsKey(secret: LokiSecretFacts): { arn: string } | { notChecked: string } | null {
  const id = secret.kmsKeyId;
  if (id === undefined || id === '') return null;
  if (/(^|:)alias\/aws\//.test(id)) return null;
  if (KEY_ARN.test(id)) return { arn: id };
  const m = SECRET_ARN.exec(secret.arn);
  if (KEY_ID.test(id) && m) return { arn: `arn:${m[1]}:kms:${m[2]}:${m[3]}:key/${id}` };
  return {
    notChecked: `kms:Decrypt on the key of ${secret.arn} ("${id}"): an alias names no key ARN for IAM to evaluate; make sure the execution roles may decrypt with the key it points to`,
  };
}

/** Secrets Manager decrypts on the caller's behalf: KMS sees the call come through it. */
function kmsContext(secretArn: string): Record<string, string> {
  const region = SECRET_ARN.exec(secretArn)?.[2];
  return {
    ...(region ? { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } : {}),
    'kms:EncryptionContext:SecretARN': secretArn,
  };
}

/**
 * What one service's migrated task definition needs, given its current (baseline) definition and,
 * when the plan has `loki.authSecretArn`, that secret as described (without it, nothing is asked
 * of the secret: the caller reports a secret that does not exist by itself). Missing role ARNs are
 * refused by the transform itself, so they add nothing here; a role given by something other than
 * an IAM role ARN cannot be simulated and is reported as not checked.
 */
export function servicePermissionNeeds(
  plan: Plan,
  service: string,
  td: Pick<TaskDefinitionInput, 'executionRoleArn' | 'taskRoleArn'>,
  secret?: LokiSecretFacts,
): ServiceNeeds {
  const needs: PermissionNeed[] = [];
  const notChecked: string[] = [];
  const roleOf = (kind: RoleKind, arn: string | undefined) => {
    if (arn === undefined) return null;
    if (roleParts(arn)) return arn;
    notChecked.push(
      `${service}: ${kind} role "${arn}" is not an IAM role ARN, so its permissions were not checked`,
    );
    return null;
  };

  const execution = roleOf('execution', td.executionRoleArn);
  if (execution) {
    const parameter = configParameterValueFrom(
      td as TaskDefinitionInput,
      plan,
      configParameterName(plan, service),
    );
    const base = { service, roleKind: 'execution', roleArn: execution } as const;
    needs.push({
      ...base,
      action: 'ssm:GetParameters',
      resource: parameter,
      why: 'ECS reads the Alloy config from it when a new task starts',
    });
    if (secret) {
      needs.push({
        ...base,
        action: 'secretsmanager:GetSecretValue',
        resource: secret.arn,
        why: 'ECS hands the Loki credentials to the Alloy sidecar when a new task starts',
      });
      const key = secretKmsKey(secret);
      if (key && 'arn' in key)
        needs.push({
          ...base,
          action: 'kms:Decrypt',
          resource: key.arn,
          why: 'the Loki credential secret is encrypted with this key',
          context: kmsContext(secret.arn),
        });
      else if (key) notChecked.push(`${service}: ${key.notChecked}`);
    }
  }

  const task = roleOf('task', td.taskRoleArn);
  const taskParts = task ? roleParts(task) : null;
  if (task && taskParts)
    needs.push({
      service,
      roleKind: 'task',
      roleArn: task,
      action: 'aps:RemoteWrite',
      // Alloy signs with the task role's own credentials, so the workspace is in the role's account.
      resource: `arn:${taskParts.partition}:aps:${plan.region}:${taskParts.account}:workspace/${plan.amp.workspaceId}`,
      why: 'Alloy signs its remote writes to Amazon Managed Prometheus with the task role',
    });
  return { needs, notChecked };
}

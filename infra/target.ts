import type { Plan } from '../core/plan/schema';
import { configPrefix, logGroupFor, orderedServices } from '../core/plan/resolve';
import { InputInvalidError } from '../core/errors';
import { PATTERNS, type PropProblems } from './validation';

/**
 * What the orchestrator may touch: everything its IAM policies are scoped to. Built from the plan
 * (`targetFromPlan`) or written out by hand, and validated the same way either way.
 */
export interface RolloutTarget {
  /** ECS cluster name (not ARN). */
  readonly clusterName: string;
  /** Region the cluster, AMP workspace and config parameters live in. */
  readonly region: string;
  /** ECS service names the rollout may describe and update (the Loki service included, if managed). */
  readonly ecsServiceNames: readonly string[];
  /** SSM path prefix under which rendered Alloy configs are written, e.g. "/alloy-rollout/temporal-dev". */
  readonly configPrefix: string;
  /**
   * SSM path under which the ADOT collectors' configs live (e.g. "/temporal-dev/adot"): Register
   * and Preflight read them there. Absent: any parameter of the account and region.
   */
  readonly collectorConfigPrefix?: string;
  /** CloudWatch log group names (may contain `*`) that rollback re-creates and reads. */
  readonly logGroupNames: readonly string[];
  /**
   * Patterns covering every name in `logGroupNames`, `*` in place of the parts that vary by service
   * or container (the plan's `logGroupPattern`). Used instead of the names when a plan lists too many
   * for IAM; without it, the longest common prefix of the names is used.
   */
  readonly logGroupWildcards?: readonly string[];
  /** AMP workspace id, e.g. "ws-0a1b2c3d-...". */
  readonly ampWorkspaceId: string;
  /** Secrets Manager ARN of the Loki credential, when Loki needs one. */
  readonly lokiSecretArn?: string;
  /** Secrets Manager ARN of the Grafana service-account token (the plan's grafana.tokenSecretArn). */
  readonly grafanaSecretArn?: string;
  /** The S3 bucket whose chunks the Loki step lists (the plan's loki.storage.bucket, unless skipped). */
  readonly lokiBucketName?: string;
  /** The Loki step reads Loki's subnets' route tables and VPC endpoints (loki-s3-endpoint). */
  readonly lokiS3EndpointCheck?: boolean;
}

/**
 * Scope derived from a parsed plan. Log groups come from the plan's pattern: a service whose main
 * containers are not listed gets `*` in place of `{container}` (its container names are only known
 * once its task definition is described).
 */
export function targetFromPlan(plan: Plan): RolloutTarget {
  const services = orderedServices(plan);
  const logGroups = services.flatMap((s) =>
    (s.mainContainers ?? ['*']).map((container) => logGroupFor(plan, s.name, container)),
  );
  const ecsServiceNames = services.map((s) => s.ecsService);
  if (plan.loki.service) ecsServiceNames.push(plan.loki.service);
  return {
    clusterName: plan.cluster,
    region: plan.region,
    ecsServiceNames,
    configPrefix: configPrefix(plan),
    ...(plan.collectorConfigPrefix ? { collectorConfigPrefix: plan.collectorConfigPrefix } : {}),
    logGroupNames: [...new Set(logGroups)],
    logGroupWildcards: [logGroupWildcard(plan.rollback.logGroupPattern, plan.cluster)],
    ampWorkspaceId: plan.amp.workspaceId,
    ...(plan.loki.authSecretArn ? { lokiSecretArn: plan.loki.authSecretArn } : {}),
    ...(plan.grafana ? { grafanaSecretArn: plan.grafana.tokenSecretArn } : {}),
    // The storage checks that run call S3 and EC2; a skipped one needs no grant.
    ...(plan.loki.storage && !plan.loki.skipChecks?.includes('chunks-flushed')
      ? { lokiBucketName: plan.loki.storage.bucket }
      : {}),
    ...(plan.loki.storage &&
    !plan.loki.skipChecks?.includes('s3-endpoint') &&
    (plan.loki.service || plan.loki.subnets)
      ? { lokiS3EndpointCheck: true }
      : {}),
  };
}

/** The plan's log group pattern with `*` for the service and container (the cluster is fixed). */
export function logGroupWildcard(pattern: string, cluster: string): string {
  return pattern
    .replaceAll('{cluster}', cluster)
    .replace(/\{service\}|\{container\}/g, '*')
    .replace(/\*+/g, '*');
}

/**
 * The log group patterns that cover the target's groups: its own `logGroupWildcards`, or the
 * longest common prefix of the names followed by `*`. Refuses to widen to every log group.
 */
export function logGroupWildcardsOf(target: RolloutTarget): readonly string[] {
  if (target.logGroupWildcards && target.logGroupWildcards.length > 0) return target.logGroupWildcards;
  const [first = '', ...rest] = target.logGroupNames;
  let prefix = first.split('*')[0] ?? '';
  for (const name of rest) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  if (prefix.replaceAll('/', '').length === 0)
    throw new InputInvalidError(
      `the log groups ${JSON.stringify(target.logGroupNames.slice(0, 3))}... share no name prefix to scope a pattern to; expected logGroupWildcards in the target`,
      { logGroupNames: target.logGroupNames.length },
    );
  return [`${prefix}*`];
}

/** Checks every field of the target; problems go to the caller's collector so all are reported at once. */
export function checkTarget(target: RolloutTarget, problems: PropProblems, where = 'target'): void {
  const field = (name: string) => `${where}.${name}`;
  problems.expect(
    typeof target.clusterName === 'string' && PATTERNS.name.test(target.clusterName),
    field('clusterName'),
    'an ECS cluster name such as "temporal-dev"',
    target.clusterName,
  );
  problems.expect(
    typeof target.region === 'string' && PATTERNS.region.test(target.region),
    field('region'),
    'an AWS region such as "eu-west-1"',
    target.region,
  );
  const services = Array.isArray(target.ecsServiceNames) ? target.ecsServiceNames : [];
  problems.expect(
    services.length > 0,
    field('ecsServiceNames'),
    'at least one ECS service name',
    target.ecsServiceNames,
  );
  services.forEach((name, i) =>
    problems.expect(
      PATTERNS.name.test(name),
      field(`ecsServiceNames[${i}]`),
      'an ECS service name (letters, digits, "-", "_", ".")',
      name,
    ),
  );
  problems.expect(
    typeof target.configPrefix === 'string' && PATTERNS.ssmPath.test(target.configPrefix),
    field('configPrefix'),
    'an SSM path such as "/alloy-rollout/temporal-dev"',
    target.configPrefix,
  );
  problems.expect(
    target.collectorConfigPrefix === undefined ||
      (typeof target.collectorConfigPrefix === 'string' &&
        PATTERNS.ssmPath.test(target.collectorConfigPrefix)),
    field('collectorConfigPrefix'),
    'an SSM path such as "/temporal-dev/adot"',
    target.collectorConfigPrefix,
  );
  const groups = Array.isArray(target.logGroupNames) ? target.logGroupNames : [];
  problems.expect(
    groups.length > 0,
    field('logGroupNames'),
    'at least one CloudWatch log group name',
    target.logGroupNames,
  );
  groups.forEach((name, i) =>
    problems.expect(
      PATTERNS.logGroup.test(name) && name.replaceAll('*', '').length > 0,
      field(`logGroupNames[${i}]`),
      'a log group name such as "/ecs/temporal-dev/temporal-history" ("*" only as part of a name)',
      name,
    ),
  );
  (target.logGroupWildcards ?? []).forEach((pattern, i) =>
    problems.expect(
      PATTERNS.logGroup.test(pattern) && pattern.replace(/[*/]/g, '').length > 0,
      field(`logGroupWildcards[${i}]`),
      'a log group name pattern such as "/ecs/temporal-dev/*" (never "*" alone)',
      pattern,
    ),
  );
  problems.expect(
    typeof target.ampWorkspaceId === 'string' && PATTERNS.ampWorkspace.test(target.ampWorkspaceId),
    field('ampWorkspaceId'),
    'an AMP workspace id such as "ws-0a1b2c3d-..."',
    target.ampWorkspaceId,
  );
  if (target.lokiSecretArn !== undefined)
    problems.expect(
      PATTERNS.secretArn.test(target.lokiSecretArn),
      field('lokiSecretArn'),
      'a Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbCdEf"',
      target.lokiSecretArn,
    );
  if (target.grafanaSecretArn !== undefined)
    problems.expect(
      PATTERNS.secretArn.test(target.grafanaSecretArn),
      field('grafanaSecretArn'),
      'a Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-token-AbCdEf"',
      target.grafanaSecretArn,
    );
  if (target.lokiBucketName !== undefined)
    problems.expect(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(target.lokiBucketName),
      field('lokiBucketName'),
      'an S3 bucket name such as "temporal-dev-loki-chunks"',
      target.lokiBucketName,
    );
}

import { toRegisterInput } from '../core/taskdef';
import { isAdotImage } from '../core/taskdef/detect';
import { renderAdotConfig } from './adot-config';
import type { ContainerDefinition } from './ecs/model';
import type { AnyTaskDefinition } from '../core/taskdef/types';
import type { Sandbox } from './sandbox';
import { seedServiceRoles, type RoleGrants, type SeededDefinition } from './seed-roles';

export interface SeedService {
  readonly serviceName: string;
  /** RegisterTaskDefinition input or DescribeTaskDefinition output. */
  readonly taskDefinition: AnyTaskDefinition | Record<string, unknown>;
  readonly desiredCount?: number;
  readonly minimumHealthyPercent?: number;
  readonly maximumPercent?: number;
  readonly circuitBreaker?: boolean;
  /**
   * The port its ADOT collector scrapes (the plan's metricsPort); default: the containerPort of a
   * port mapping named `metrics`, else 9090.
   */
  readonly metricsPort?: number;
  /** CreateService's networkConfiguration (awsvpc services: their subnets and security groups). */
  readonly networkConfiguration?: {
    readonly awsvpcConfiguration: {
      readonly subnets: readonly string[];
      readonly securityGroups?: readonly string[];
    };
  };
}

export interface SeedCluster {
  readonly cluster: string;
  /** EC2 capacity: instances of this size. */
  readonly instances?: { count: number; cpu: number; memory: number; architecture?: 'x86_64' | 'arm64' };
  readonly services: readonly SeedService[];
  /**
   * What the services' roles grant for Alloy (default: the cluster's default config prefix, every
   * AMP workspace of the account, no Loki secret).
   */
  readonly roleGrants?: RoleGrants;
  /** The AMP workspace the ADOT configs write to (default: roleGrants' workspace, else a placeholder). */
  readonly ampWorkspaceId?: string;
}

/**
 * Creates a cluster with EC2 capacity and its services, each on its task definition, and makes
 * sure the awslogs groups, SSM parameters and IAM roles they use exist (as the team's
 * infrastructure would have).
 */
export function seedCluster(
  sandbox: Sandbox,
  seed: SeedCluster,
): { taskDefinitionArns: Record<string, string> } {
  const { ecs, logs } = sandbox;
  ecs.createCluster(seed.cluster);
  const instances = seed.instances ?? { count: 3, cpu: 4096, memory: 16384 };
  for (let i = 0; i < instances.count; i++) ecs.addContainerInstance(seed.cluster, instances);
  const taskDefinitionArns: Record<string, string> = {};
  const definitions = new Map<string, SeededDefinition>();
  const grantedWorkspace = seed.roleGrants?.ampWorkspaceId;
  const workspace =
    seed.ampWorkspaceId ??
    (grantedWorkspace && grantedWorkspace !== '*'
      ? grantedWorkspace
      : 'ws-00000000-0000-0000-0000-000000000000');
  for (const s of seed.services) {
    const definition = toRegisterInput(s.taskDefinition as AnyTaskDefinition);
    definitions.set(s.serviceName, definition);
    const input = definition as unknown as Record<string, unknown>;
    const registered = ecs.registerTaskDefinition(input);
    for (const c of registered.containerDefinitions) {
      // Parameters the definitions read exist in the team's account; the collector's is its config.
      for (const secret of c.secrets ?? []) {
        const m = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(secret.valueFrom);
        const name = m
          ? (m[1] as string)
          : secret.valueFrom.startsWith('arn:')
            ? undefined
            : secret.valueFrom;
        if (name && !sandbox.ssm.get(name))
          sandbox.ssm.put({
            name,
            value: isAdotImage(c.image)
              ? renderAdotConfig({
                  region: sandbox.region,
                  ampWorkspaceId: workspace,
                  metricsPort: s.metricsPort ?? metricsPortOf(registered.containerDefinitions),
                })
              : `# seeded by the sandbox for ${s.serviceName}\n`,
          });
      }
      const group =
        c.logConfiguration?.logDriver === 'awslogs'
          ? c.logConfiguration.options?.['awslogs-group']
          : undefined;
      if (group && !logs.hasGroup(group)) logs.createGroup(group);
    }
    taskDefinitionArns[s.serviceName] = registered.taskDefinitionArn;
    ecs.createService({
      cluster: seed.cluster,
      serviceName: s.serviceName,
      taskDefinition: registered.taskDefinitionArn,
      desiredCount: s.desiredCount ?? 2,
      launchType: 'EC2',
      ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
      deploymentConfiguration: {
        minimumHealthyPercent: s.minimumHealthyPercent ?? 100,
        maximumPercent: s.maximumPercent ?? 200,
        deploymentCircuitBreaker: { enable: s.circuitBreaker ?? true, rollback: false },
      },
    });
  }
  seedServiceRoles(
    sandbox.iam,
    sandbox.region,
    [...definitions.values()],
    seed.roleGrants ?? { configPrefix: `/alloy-rollout/${seed.cluster}`, ampWorkspaceId: '*' },
  );
  withoutRemoteWrite(sandbox, definitions);
  return { taskDefinitionArns };
}

/** The port an application exposes metrics on: its port mapping named `metrics`, else 9090. */
function metricsPortOf(containers: readonly ContainerDefinition[]): number {
  for (const c of containers)
    for (const m of c.portMappings ?? []) if (m.name === 'metrics' && m.containerPort) return m.containerPort;
  return 9090;
}

/**
 * The `<service>:no-remote-write-permission` fault: the service's task role loses aps:RemoteWrite
 * (every service sharing that role loses it with it, as in IAM).
 */
function withoutRemoteWrite(sandbox: Sandbox, definitions: ReadonlyMap<string, SeededDefinition>): void {
  const stripped = new Set<string>();
  for (const [service, td] of definitions) {
    if (!sandbox.faults.forService('no-remote-write-permission', service)) continue;
    const role = td.taskRoleArn;
    if (role === undefined || !sandbox.iam.hasRole(role))
      throw new Error(
        `fault ${service}:no-remote-write-permission: the service's task definition has no task role`,
      );
    if (stripped.has(role)) continue;
    stripped.add(role);
    if (sandbox.iam.removeAction(role, 'aps:RemoteWrite') === 0)
      throw new Error(
        `fault ${service}:no-remote-write-permission: ${role} grants no aps:RemoteWrite to remove`,
      );
  }
}

import { toRegisterInput } from '../core/taskdef';
import type { AnyTaskDefinition } from '../core/taskdef/types';
import type { Sandbox } from './sandbox';

export interface SeedService {
  readonly serviceName: string;
  /** RegisterTaskDefinition input or DescribeTaskDefinition output. */
  readonly taskDefinition: AnyTaskDefinition | Record<string, unknown>;
  readonly desiredCount?: number;
  readonly minimumHealthyPercent?: number;
  readonly maximumPercent?: number;
  readonly circuitBreaker?: boolean;
}

export interface SeedCluster {
  readonly cluster: string;
  /** EC2 capacity: instances of this size. */
  readonly instances?: { count: number; cpu: number; memory: number; architecture?: 'x86_64' | 'arm64' };
  readonly services: readonly SeedService[];
}

/**
 * Creates a cluster with EC2 capacity and its services, each on its task definition, and makes
 * sure the awslogs groups and SSM parameters they use exist (as the team's infrastructure would have).
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
  for (const s of seed.services) {
    const input = toRegisterInput(s.taskDefinition as AnyTaskDefinition) as unknown as Record<
      string,
      unknown
    >;
    const registered = ecs.registerTaskDefinition(input);
    for (const c of registered.containerDefinitions) {
      // Parameters the definitions read (e.g. the ADOT config) exist in the team's account.
      for (const secret of c.secrets ?? []) {
        const m = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(secret.valueFrom);
        const name = m
          ? (m[1] as string)
          : secret.valueFrom.startsWith('arn:')
            ? undefined
            : secret.valueFrom;
        if (name && !sandbox.ssm.get(name))
          sandbox.ssm.put({ name, value: `# seeded by the sandbox for ${s.serviceName}\n` });
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
      deploymentConfiguration: {
        minimumHealthyPercent: s.minimumHealthyPercent ?? 100,
        maximumPercent: s.maximumPercent ?? 200,
        deploymentCircuitBreaker: { enable: s.circuitBreaker ?? true, rollback: false },
      },
    });
  }
  return { taskDefinitionArns };
}

import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { ServiceNotFoundError } from '../../core/errors';
import type { DescribedTaskDefinition, TaskDefinitionInput } from '../../core/taskdef';
import { awsCall } from './aws-errors';

/** The narrow ECS operations the handlers need; every SDK error leaves here as a named error. */

export async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<Service> {
  const out = await awsCall(`ecs:DescribeServices ${service}`, () =>
    ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
  );
  const found = out.services?.find((s) => s.serviceName === service || s.serviceArn?.endsWith(`/${service}`));
  if (!found || found.status === 'INACTIVE') {
    const reason = out.failures?.find(
      (f) => f.arn?.endsWith(`/${service}`) || out.failures?.length === 1,
    )?.reason;
    throw new ServiceNotFoundError(
      `ECS service "${service}" not found in cluster "${cluster}"${reason ? ` (${reason})` : found ? ' (INACTIVE)' : ''}`,
      { cluster, service, reason },
    );
  }
  return found;
}

export async function describeTaskDefinition(
  ecs: ECSClient,
  taskDefinition: string,
): Promise<DescribedTaskDefinition> {
  const out = await awsCall(`ecs:DescribeTaskDefinition ${taskDefinition}`, () =>
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })),
  );
  if (!out.taskDefinition)
    throw new ServiceNotFoundError(`task definition ${taskDefinition} not found`, { taskDefinition });
  // Core's shape types the fields it reads and carries the rest through index signatures.
  return {
    taskDefinition: out.taskDefinition as unknown as DescribedTaskDefinition['taskDefinition'],
    tags: (out.tags ?? []) as NonNullable<DescribedTaskDefinition['tags']>,
  };
}

export async function registerTaskDefinition(ecs: ECSClient, input: TaskDefinitionInput): Promise<string> {
  const out = await awsCall(`ecs:RegisterTaskDefinition ${input.family}`, () =>
    ecs.send(new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput)),
  );
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn)
    throw new ServiceNotFoundError(`RegisterTaskDefinition for "${input.family}" returned no ARN`, {
      family: input.family,
    });
  return arn;
}

/**
 * Points the service at a revision (and a count); returns the id of the deployment that started.
 * `forceNewDeployment`: ECS starts no deployment when the revision is the one the service already
 * names, which is the case when a failed deployment is tried again.
 */
export async function updateService(
  ecs: ECSClient,
  input: {
    cluster: string;
    service: string;
    /** Left out: the service keeps its revision (e.g. only the deployment configuration changes). */
    taskDefinition?: string | undefined;
    desiredCount?: number | undefined;
    forceNewDeployment?: boolean | undefined;
    /** The whole configuration (ECS replaces it): the service's own, with what we change. */
    deploymentConfiguration?: DeploymentConfiguration | undefined;
  },
): Promise<string | null> {
  const out = await awsCall(`ecs:UpdateService ${input.service}`, () =>
    ecs.send(
      new UpdateServiceCommand({
        cluster: input.cluster,
        service: input.service,
        ...(input.taskDefinition ? { taskDefinition: input.taskDefinition } : {}),
        ...(input.desiredCount !== undefined ? { desiredCount: input.desiredCount } : {}),
        ...(input.forceNewDeployment ? { forceNewDeployment: true } : {}),
        ...(input.deploymentConfiguration ? { deploymentConfiguration: input.deploymentConfiguration } : {}),
      }),
    ),
  );
  return out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? null;
}

export interface RunningTask {
  readonly taskArn: string;
  readonly taskDefinitionArn: string | undefined;
  readonly startedBy: string | undefined;
  /** When the task reached RUNNING (ECS `startedAt`): absence deadlines count from it. */
  readonly startedAtMs?: number;
  /**
   * Each container's state as DescribeTasks reports it (`containers[]`: name, lastStatus, exitCode,
   * reason): a non-essential sidecar can be STOPPED while its task runs on.
   */
  readonly containers?: readonly TaskContainerState[];
}

export interface TaskContainerState {
  readonly name: string;
  readonly lastStatus?: string;
  readonly exitCode?: number;
  readonly reason?: string;
}

/** The service's RUNNING tasks on one revision: the tasks of the new deployment. */
export async function runningTasksOf(
  ecs: ECSClient,
  cluster: string,
  service: string,
  taskDefinitionArn: string,
): Promise<RunningTask[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall(`ecs:ListTasks ${service}`, () =>
      ecs.send(
        new ListTasksCommand({
          cluster,
          serviceName: service,
          desiredStatus: 'RUNNING',
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const tasks: RunningTask[] = [];
  // DescribeTasks takes at most 100 tasks per call.
  for (let i = 0; i < arns.length; i += 100) {
    const out = await awsCall(`ecs:DescribeTasks ${service}`, () =>
      ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) })),
    );
    for (const t of out.tasks ?? []) {
      if (t.taskArn && t.lastStatus === 'RUNNING' && t.taskDefinitionArn === taskDefinitionArn)
        tasks.push({
          taskArn: t.taskArn,
          taskDefinitionArn: t.taskDefinitionArn,
          startedBy: t.startedBy,
          // A Date from the SDK; anything else that went through JSON is a string.
          ...(t.startedAt !== undefined ? { startedAtMs: new Date(t.startedAt).getTime() } : {}),
          containers: (t.containers ?? []).flatMap((c) =>
            c.name
              ? [
                  {
                    name: c.name,
                    ...(c.lastStatus !== undefined ? { lastStatus: c.lastStatus } : {}),
                    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
                    ...(c.reason !== undefined ? { reason: c.reason } : {}),
                  },
                ]
              : [],
          ),
        });
    }
  }
  return tasks;
}

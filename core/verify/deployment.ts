import type { Assessment } from './types';

/**
 * The part of ECS DescribeServices the check reads, as plain data. Fields are optional and accept
 * undefined so an SDK `Service` object can be passed as is.
 */
export interface EcsDeploymentLike {
  readonly id?: string | undefined;
  /** PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE. */
  readonly status?: string | undefined;
  readonly taskDefinition?: string | undefined;
  /** IN_PROGRESS, COMPLETED or FAILED. */
  readonly rolloutState?: string | undefined;
  readonly rolloutStateReason?: string | undefined;
  readonly desiredCount?: number | undefined;
  readonly runningCount?: number | undefined;
  readonly pendingCount?: number | undefined;
  readonly failedTasks?: number | undefined;
  /** When the deployment last changed state: for a COMPLETED one, when it completed. */
  readonly updatedAt?: Date | string | undefined;
}

export interface EcsServiceLike {
  readonly serviceName?: string | undefined;
  /** ACTIVE, DRAINING or INACTIVE. */
  readonly status?: string | undefined;
  readonly desiredCount?: number | undefined;
  readonly runningCount?: number | undefined;
  readonly deployments?: readonly EcsDeploymentLike[] | undefined;
  readonly events?: readonly { readonly message?: string | undefined }[] | undefined;
}

export interface DeploymentInput {
  /** Check name in the report; default "deployment". */
  readonly name?: string;
  /** The service as described; undefined when DescribeServices did not return it. */
  readonly service: EcsServiceLike | undefined;
  /** The task definition the deployment must run (ARN or family:revision). */
  readonly expectedTaskDefinition: string;
}

/** `family:revision` (or `family`) of a task definition ARN, so ARNs and short names compare. */
export function taskDefinitionKey(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf('/');
  return slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName;
}

function matches(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  const want = taskDefinitionKey(expected);
  const have = taskDefinitionKey(actual);
  // A bare family matches any revision of it.
  return want.includes(':') ? have === want : have.split(':')[0] === want;
}

/**
 * The PRIMARY deployment's rolloutState decides: COMPLETED passes, FAILED fails (with the reason),
 * IN_PROGRESS waits. PRIMARY must run the expected task definition: another task definition
 * means someone else deployed over this rollout, which is a failure, not something to wait out.
 */
export function assessDeployment(input: DeploymentInput): Assessment {
  const name = input.name ?? 'deployment';
  const service = input.service;
  const query = `DescribeServices ${service?.serviceName ?? '(unknown service)'}`;
  const threshold = { rolloutState: 'COMPLETED', taskDefinition: input.expectedTaskDefinition };

  if (!service) {
    return {
      name,
      verdict: 'error',
      message: 'the service was not returned by DescribeServices',
      evidence: { query, values: null, threshold },
    };
  }
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const values = {
    serviceStatus: service.status ?? null,
    desiredCount: service.desiredCount ?? null,
    runningCount: service.runningCount ?? null,
    primary: primary
      ? {
          id: primary.id ?? null,
          taskDefinition: primary.taskDefinition ?? null,
          rolloutState: primary.rolloutState ?? null,
          rolloutStateReason: primary.rolloutStateReason ?? null,
          desiredCount: primary.desiredCount ?? null,
          runningCount: primary.runningCount ?? null,
          pendingCount: primary.pendingCount ?? null,
          failedTasks: primary.failedTasks ?? null,
        }
      : null,
    otherDeployments: deployments
      .filter((d) => d !== primary)
      .map((d) => ({
        status: d.status ?? null,
        taskDefinition: d.taskDefinition ?? null,
        runningCount: d.runningCount ?? null,
      })),
    recentEvents: (service.events ?? []).slice(0, 3).map((e) => e.message ?? ''),
  };
  const evidence = { query, values, threshold };
  const result = (verdict: Assessment['verdict'], message: string): Assessment => ({
    name,
    verdict,
    message,
    evidence,
  });

  if (service.status !== undefined && service.status !== 'ACTIVE') {
    return result('failed', `service ${service.serviceName ?? ''} is ${service.status}, not ACTIVE`);
  }
  if (!primary) return result('error', 'the service has no PRIMARY deployment');
  if (!matches(primary.taskDefinition, input.expectedTaskDefinition)) {
    return result(
      'failed',
      `the PRIMARY deployment runs ${primary.taskDefinition ?? '(none)'}, expected ${input.expectedTaskDefinition}: another deployment replaced this one`,
    );
  }
  const counts = `${primary.runningCount ?? 0}/${primary.desiredCount ?? 0} running, ${primary.pendingCount ?? 0} pending, ${primary.failedTasks ?? 0} failed`;
  switch (primary.rolloutState) {
    case 'COMPLETED': {
      // A Date from the SDK; state documents that went through JSON carry it as a string.
      const completedAtMs =
        primary.updatedAt !== undefined ? new Date(primary.updatedAt).getTime() : Number.NaN;
      const known = Number.isFinite(completedAtMs);
      return {
        ...result(
          'passed',
          `deployment completed${known ? ` at ${new Date(completedAtMs).toISOString()}` : ''}: ${counts}`,
        ),
        ...(known ? { evidenceAtMs: completedAtMs } : {}),
      };
    }
    case 'FAILED':
      return result(
        'failed',
        `deployment failed: ${primary.rolloutStateReason ?? 'no reason given'} (${counts})`,
      );
    case 'IN_PROGRESS':
      return result('pending', `deployment in progress: ${counts}`);
    default: {
      // rolloutState is only set for the ECS deployment controller; otherwise judge by the counts.
      const settled =
        deployments.length === 1 &&
        (primary.desiredCount ?? 0) > 0 &&
        primary.runningCount === primary.desiredCount &&
        (primary.pendingCount ?? 0) === 0;
      return settled
        ? result('passed', `deployment steady (no rolloutState): ${counts}`)
        : result(
            'pending',
            `deployment not steady yet (no rolloutState): ${counts}, ${deployments.length} deployments`,
          );
    }
  }
}

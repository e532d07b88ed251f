import type { Plan } from '../plan/schema';
import { alloyImage, dockerProxyImage, initImage, isDockerHubImage } from '../plan/resolve';
import type { ContainerDefinition, TaskDefinitionInput } from './types';
import { REFUSAL_REASONS as R, type Refusal } from './refusal';

/**
 * The sidecar runs Linux images, reads the Linux docker socket and the json-file logs under
 * /var/lib/docker: a Windows task definition would register and then fail at deployment.
 */
export function platformRefusal(td: TaskDefinitionInput): Refusal | null {
  const platform = td.runtimePlatform as { operatingSystemFamily?: unknown } | undefined;
  const family = platform?.operatingSystemFamily;
  if (family === undefined || family === 'LINUX') return null;
  return {
    reason: R.operatingSystem,
    message: `runtimePlatform.operatingSystemFamily is ${JSON.stringify(family)}: the Alloy sidecar, its docker socket and json-file log paths need LINUX`,
  };
}

/**
 * Alloy binds its port on the task's loopback (awsvpc: the task's own network namespace; host: the
 * instance's). A container of the task that maps or serves that port would make one of the two
 * fail to bind, so the migration refuses rather than guess which.
 */
export function portRefusals(
  containers: readonly ContainerDefinition[],
  /** The port Alloy scrapes (resolved from the plan and ADOT's config); undefined = not known. */
  metricsPort: number | undefined,
  port: number,
): Refusal[] {
  const refusals: Refusal[] = [];
  for (const c of containers) {
    const clash = (c.portMappings ?? []).find((m) => m.containerPort === port || m.hostPort === port);
    if (clash)
      refusals.push({
        reason: R.portClash,
        message: `container "${c.name}" maps port ${port} (containerPort ${clash.containerPort ?? '-'}, hostPort ${clash.hostPort ?? '-'}), the port Alloy listens on; set alloy.listenPort to a free port`,
      });
  }
  if (metricsPort === port)
    refusals.push({
      reason: R.portClash,
      message: `the service's metrics port is ${port}, the port Alloy listens on; set alloy.listenPort to a free port`,
    });
  return refusals;
}

/** What an SRE should know about where the added images come from and what they may reach. */
export function imageWarnings(plan: Plan): string[] {
  const images = [alloyImage(plan), initImage(plan)];
  if (plan.alloy.dockerAccess === 'proxy') images.push(dockerProxyImage(plan));
  const warnings = images
    .filter(isDockerHubImage)
    .map(
      (image) =>
        `image "${image}" is pulled from Docker Hub at every task start (an outside dependency with pull rate limits); set alloy.dockerHubMirror to a private mirror or pull-through cache`,
    );
  if (plan.alloy.dockerAccess === 'socket')
    warnings.push(
      "Alloy gets the host docker socket (alloy.dockerAccess: socket): read-only does not stop API calls, so it holds the full docker API (host-root equivalent, other tasks' secrets by inspect); use alloy.dockerAccess: proxy in production",
    );
  return warnings;
}

import type { Plan, ServicePlan } from './schema';

/** Values the plan leaves to defaults that depend on other fields. */
export function configPrefix(plan: Plan): string {
  return plan.configPrefix ?? `/alloy-rollout/${plan.cluster}`;
}

/** SSM parameter name holding one service's rendered Alloy config. */
export function configParameterName(plan: Plan, serviceName: string): string {
  return `${configPrefix(plan)}/${serviceName}/config.alloy`;
}

export function lokiPushUrl(plan: Plan): string {
  return plan.loki.pushUrl ?? `${plan.loki.url.replace(/\/+$/, '')}/loki/api/v1/push`;
}

export function ampBaseUrl(plan: Plan): string {
  return (
    plan.amp.queryUrl ??
    `https://aps-workspaces.${plan.region}.amazonaws.com/workspaces/${plan.amp.workspaceId}`
  ).replace(/\/+$/, '');
}

export function ampRemoteWriteUrl(plan: Plan): string {
  return plan.amp.remoteWriteUrl ?? `${ampBaseUrl(plan)}/api/v1/remote_write`;
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The registry host of an image reference, or null for Docker Hub: the first path component names
 * a registry only when it has a "." or ":" or is "localhost" (the rule docker itself applies).
 */
function registryHost(image: string): string | null {
  const slash = image.indexOf('/');
  if (slash < 0) return null;
  const first = image.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost && !DOCKER_HUB_HOSTS.has(first) ? first : null;
}

export function isDockerHubImage(image: string): boolean {
  return registryHost(image) === null;
}

/** A Docker Hub image as pulled through `mirror` ("busybox" is "library/busybox" there). */
function throughMirror(image: string, mirror: string): string {
  const slash = image.indexOf('/');
  const path = slash >= 0 && DOCKER_HUB_HOSTS.has(image.slice(0, slash)) ? image.slice(slash + 1) : image;
  return `${mirror}/${path.includes('/') ? path : `library/${path}`}`;
}

/** An image the migration adds, pulled through the plan's Docker Hub mirror when it is on Docker Hub. */
export function resolvedImage(plan: Plan, image: string): string {
  const mirror = plan.alloy.dockerHubMirror;
  return mirror !== undefined && isDockerHubImage(image) ? throughMirror(image, mirror) : image;
}

export function alloyImage(plan: Plan): string {
  return resolvedImage(plan, plan.alloy.image ?? `grafana/alloy:${plan.alloy.version}`);
}

export function initImage(plan: Plan): string {
  return resolvedImage(plan, plan.alloy.initImage);
}

export function dockerProxyImage(plan: Plan): string {
  return resolvedImage(plan, plan.alloy.dockerProxyImage);
}

export interface OrderedService extends ServicePlan {
  readonly phase: string;
  readonly phaseEnabled: boolean;
}

/** All services in rollout order: phase by phase, each phase in its listed order. */
export function orderedServices(plan: Plan): OrderedService[] {
  return plan.phases.flatMap((p) =>
    p.services.map((s) => ({ ...s, phase: p.name, phaseEnabled: p.enabled })),
  );
}

export function findService(plan: Plan, name: string): OrderedService | undefined {
  return orderedServices(plan).find((s) => s.name === name);
}

/** The CloudWatch log group a container's logs go back to on rollback. */
export function logGroupFor(plan: Plan, serviceName: string, container: string): string {
  return plan.rollback.logGroupPattern
    .replaceAll('{cluster}', plan.cluster)
    .replaceAll('{service}', serviceName)
    .replaceAll('{container}', container);
}

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

export function alloyImage(plan: Plan): string {
  return plan.alloy.image ?? `grafana/alloy:${plan.alloy.version}`;
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

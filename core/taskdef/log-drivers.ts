import type { Plan, ServicePlan } from '../plan/schema';
import { jsonFileLogging } from './alloy-containers';
import { REFUSAL_REASONS as R, type Refusal } from './refusal';
import type { ContainerDefinition, LogConfiguration } from './types';

/**
 * Docker's own log options, valid for every driver (moby/moby daemon/logger/factory.go,
 * builtInLogOpts; ValidateLogOpts accepts max-buffer-size only with mode=non-blocking, so a pair
 * Docker took for the old driver stays valid for json-file). Carried over on a switch: a
 * container that did not block on a slow CloudWatch must not start blocking on a full disk.
 */
const DOCKER_GENERIC_OPTIONS = ['mode', 'max-buffer-size'] as const;

/**
 * A FireLens log router (Fluent Bit or Fluentd that other containers' `awsfirelens` driver sends
 * to). It is a helper, not an app: it is no main container by default, and it is never removed
 * (containers outside the migration may still route through it, and revert would have to put it
 * back); when no container routes through it any more, the migration says so.
 */
export function isFirelensRouter(c: ContainerDefinition): boolean {
  return c.firelensConfiguration !== undefined && c.firelensConfiguration !== null;
}

/** The driver of a main container as the migration treats it. */
export function driverTreatment(
  c: ContainerDefinition,
  service: ServicePlan,
): 'keep' | 'switch' | 'refuse' | 'unset' {
  const driver = c.logConfiguration?.logDriver;
  if (driver === undefined) return 'unset';
  if (driver === 'json-file') return 'keep';
  if (driver === 'awslogs') return 'switch';
  return (service.switchLogDrivers ?? []).includes(c.name) ? 'switch' : 'refuse';
}

/**
 * Alloy reads json-file lines (through the docker API or the files); awslogs is always switched.
 * Any other driver of a main container is refused unless the plan lists the container in the
 * service's switchLogDrivers: its lines would go on to their old destination and never reach
 * Loki, and the verification could only fail. A switchLogDrivers entry that is no main container
 * is refused too: it names something the plan meant to change and cannot.
 */
export function logDriverRefusals(main: readonly ContainerDefinition[], service: ServicePlan): Refusal[] {
  const refusals: Refusal[] = [];
  for (const c of main) {
    if (driverTreatment(c, service) !== 'refuse') continue;
    refusals.push({
      reason: R.unreadableLogDriver,
      message: `main container "${c.name}" logs with "${c.logConfiguration?.logDriver ?? ''}", which Alloy cannot read (it reads json-file); list it in the service's switchLogDrivers to switch it to json-file (its logging comes back on revert), or leave it out of mainContainers`,
    });
  }
  const stray = (service.switchLogDrivers ?? []).filter((name) => !main.some((c) => c.name === name));
  if (stray.length > 0)
    refusals.push({
      reason: R.unknownMainContainer,
      message: `switchLogDrivers names ${stray.map((n) => `"${n}"`).join(', ')}, not among the main containers (${main.map((c) => c.name).join(', ') || 'none'})`,
    });
  return refusals;
}

/** json-file for a switched main container, keeping Docker's generic options it had. */
export function switchedLogging(plan: Plan, previous: LogConfiguration): LogConfiguration {
  const logging = jsonFileLogging(plan);
  const options = { ...logging.options };
  for (const key of DOCKER_GENERIC_OPTIONS) {
    const value = previous.options?.[key];
    if (value !== undefined) options[key] = value;
  }
  return { ...logging, options };
}

/** Warnings for FireLens routers that no container sends to once the switches are made. */
export function idleRouterWarnings(after: readonly ContainerDefinition[]): string[] {
  const routed = after.some((c) => c.logConfiguration?.logDriver === 'awsfirelens');
  if (routed) return [];
  return after
    .filter(isFirelensRouter)
    .map(
      (c) =>
        `FireLens log router "${c.name}" is kept, but no container logs through it any more (awsfirelens); remove it in a later revision if nothing else needs it`,
    );
}

import { ServiceNotFoundError } from '../core/errors';
import { orderedServices } from '../core/plan/resolve';
import type { Plan } from '../core/plan/schema';
import { serviceFaultSpec, type Fault } from './faults';

type ServiceFault = Extract<Fault, { readonly service: string }>;

/**
 * Refuses service faults aimed at a service the plan does not have. The injector matches faults
 * by name as the services are touched, so a misspelt target would inject nothing and the fault
 * test would look passed. A target is a plan service name or its ECS service name.
 */
export function checkFaultTargets(faults: readonly Fault[], plan: Plan, planFile: string): void {
  const services = orderedServices(plan);
  const known = new Set(services.flatMap((s) => [s.name, s.ecsService]));
  const unknown = faults.filter((f): f is ServiceFault => 'service' in f && !known.has(f.service));
  if (unknown.length === 0) return;
  throw new ServiceNotFoundError(
    `${unknown.map((f) => `fault "${serviceFaultSpec(f)}"`).join(', ')}: no service ` +
      `${unknown.map((f) => `"${f.service}"`).join(', ')} in ${planFile}; expected a plan service name ` +
      `(${services.map((s) => s.name).join(', ')}) or an ECS service name ` +
      `(${services.map((s) => s.ecsService).join(', ')})`,
    { services: unknown.map((f) => f.service) },
  );
}

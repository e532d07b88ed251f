import type { Plan, ShadowPlan } from './schema';

/** The shadow step of the phase that lists `serviceName`, if that phase has one. */
export function shadowOf(plan: Plan, serviceName: string): ShadowPlan | undefined {
  return plan.phases.find((p) => p.services.some((s) => s.name === serviceName))?.shadow;
}

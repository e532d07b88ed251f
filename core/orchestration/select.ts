import { InputInvalidError } from '../errors';
import { orderedServices, type OrderedService } from '../plan/resolve';
import type { Plan } from '../plan/schema';

/**
 * Which plan services this run covers: the named ones, or every phase up to and including
 * `phase`. Without either, a migration stops at the last enabled phase (phased rollouts), while a
 * rollback covers every phase (anything may have been migrated by an earlier run).
 */
export function selectServices(
  plan: Plan,
  mode: string,
  names: readonly string[] | undefined,
  phase: string | undefined,
): OrderedService[] {
  const all = orderedServices(plan);
  if (names && names.length > 0) {
    const unknown = names.filter((n) => !all.some((s) => s.name === n));
    if (unknown.length > 0)
      throw new InputInvalidError(
        `services ${unknown.map((n) => JSON.stringify(n)).join(', ')} are not in the plan; expected some of ${all.map((s) => s.name).join(', ')}`,
        { unknown },
      );
    return all.filter((s) => names.includes(s.name));
  }
  if (mode === 'rollback' && phase === undefined) return all;
  if (phase === undefined || phase === 'enabled') return all.filter((s) => s.phaseEnabled);
  const index = plan.phases.findIndex((p) => p.name === phase);
  if (index < 0)
    throw new InputInvalidError(
      `phase "${phase}" is not in the plan; expected one of ${plan.phases.map((p) => p.name).join(', ')} or "enabled"`,
      { phase },
    );
  const allowed = new Set(plan.phases.slice(0, index + 1).map((p) => p.name));
  return all.filter((s) => allowed.has(s.phase));
}

import type { WorkItem } from '../execution';
import type { ServiceReport } from '../report/types';

/**
 * After a child failed (and rolled its own service back): with scope `all`, every other service
 * this run migrated goes back too, newest first, so the cluster ends as it began.
 */
export function selectRollbackTargets(input: {
  readonly scope: 'service' | 'all';
  readonly work: readonly WorkItem[];
  readonly done: readonly Pick<ServiceReport, 'name' | 'outcome'>[];
  readonly failedService?: string | undefined;
  /**
   * Set when a check after the last service failed (Grafana dashboards): no child rolled anything
   * back yet. Lists the services that check found failing (may be empty when it could not tell).
   */
  readonly failingAfterRun?: readonly string[] | undefined;
}): WorkItem[] {
  const migrated = new Set(input.done.filter((d) => d.outcome === 'migrated').map((d) => d.name));
  if (input.failingAfterRun) {
    // Scope service: the services the check names; when it named none, which one is at fault is
    // unknown, so every service of the run goes back rather than none.
    const named = input.failingAfterRun.filter((n) => migrated.has(n));
    const chosen = input.scope === 'all' || named.length === 0 ? migrated : new Set(named);
    return input.work.filter((w) => chosen.has(w.name)).reverse();
  }
  if (input.scope === 'service') return [];
  return input.work.filter((w) => migrated.has(w.name) && w.name !== input.failedService).reverse();
}

export type RollbackAction =
  /** The service already runs ADOT + awslogs: only watch and verify. */
  | { readonly kind: 'nothing' }
  /** Point the service at the recorded baseline revision. */
  | { readonly kind: 'baseline'; readonly taskDefinitionArn: string }
  /** The baseline revision was deregistered: register its description again. */
  | { readonly kind: 'reregister-baseline' }
  /** Manual rollback: revert(current, baseline), so app images deployed since the migration stay. */
  | { readonly kind: 'revert' };

export function decideRollback(input: {
  readonly reason: 'migrate' | 'rollback';
  readonly currentArn: string;
  readonly currentCollector: 'alloy' | 'adot' | 'none';
  readonly baselineArn: string;
  readonly baselineStatus: string | undefined;
}): RollbackAction {
  if (input.currentArn === input.baselineArn || input.currentCollector === 'adot') return { kind: 'nothing' };
  if (input.reason === 'rollback') return { kind: 'revert' };
  if (input.baselineStatus === 'INACTIVE') return { kind: 'reregister-baseline' };
  return { kind: 'baseline', taskDefinitionArn: input.baselineArn };
}

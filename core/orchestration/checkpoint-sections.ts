import type { CheckResult, Report } from '../report/types';

interface CheckpointState {
  readonly checks?: readonly CheckResult[] | undefined;
}

/**
 * The report's Loki and Grafana checkpoint sections, from the steps' state as Finalize finds it:
 * Loki whenever its step ran, Grafana only when it ran a check (a plan without a grafana section
 * shows no empty table). Shared by migrate/rollback reports and verify reports.
 */
export function checkpointSections(facts: {
  readonly loki?: CheckpointState | undefined;
  readonly grafana?: CheckpointState | undefined;
}): Pick<Report, 'loki' | 'grafana'> {
  return {
    ...(facts.loki?.checks ? { loki: { checks: [...facts.loki.checks] } } : {}),
    ...(facts.grafana?.checks && facts.grafana.checks.length > 0
      ? { grafana: { checks: [...facts.grafana.checks] } }
      : {}),
  };
}

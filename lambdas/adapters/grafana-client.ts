import { InputInvalidError } from '../../core/errors';
import type { GrafanaPlan, Plan } from '../../core/plan/schema';
import { createSecretsClient } from '../clients/aws-secrets';
import { createGrafanaClient, type GrafanaClient } from '../clients/grafana';
import { loadGrafanaToken } from '../clients/secrets';

/** The plan's grafana section, or a clear error when a Grafana step runs on a plan without one. */
export function grafanaPlanOf(plan: Plan): GrafanaPlan {
  if (!plan.grafana)
    throw new InputInvalidError(
      'Grafana: the plan has no grafana section; expected grafana.url, grafana.datasourceUid and grafana.tokenSecretArn',
    );
  return plan.grafana;
}

/** Grafana as the plan says to reach it, with the service-account token read from Secrets Manager. */
export async function grafanaClientFor(plan: Plan): Promise<GrafanaClient> {
  const grafana = grafanaPlanOf(plan);
  const token = await loadGrafanaToken(grafana.tokenSecretArn, createSecretsClient(plan.region));
  return createGrafanaClient({ baseUrl: grafana.url, token });
}

import type { Plan } from '../../core/plan/schema';
import { createSecretsClient } from '../clients/aws-secrets';
import { createLokiClient, type LokiClient } from '../clients/loki';
import { loadLokiAuth } from '../clients/secrets';

/**
 * Loki as the plan says to reach it: URL, tenant, and credentials from Secrets Manager when given.
 * Apart from `./observability` so that only the steps that query Loki carry the Secrets Manager
 * client in their bundle.
 */
export async function lokiClientFor(plan: Plan): Promise<LokiClient> {
  const auth = plan.loki.authSecretArn
    ? await loadLokiAuth(plan.loki.authSecretArn, createSecretsClient(plan.region), plan.loki.authType)
    : undefined;
  return createLokiClient({ baseUrl: plan.loki.url, tenant: plan.loki.tenant, auth });
}

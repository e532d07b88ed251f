import type { Plan } from '../../plan/schema';
import { LOKI_ENV } from './names';

export interface SidecarSecret {
  readonly name: string;
  readonly valueFrom: string;
}

export type LokiAuth = 'none' | 'basic' | 'bearer';

/**
 * How Alloy authenticates to Loki. The secret at plan.loki.authSecretArn is JSON: {"username",
 * "password"} for basic auth (the default) or {"token"} when plan.loki.authType is "bearer".
 */
export function lokiAuth(plan: Plan): LokiAuth {
  if (!plan.loki.authSecretArn) return 'none';
  return plan.loki.authType ?? 'basic';
}

/**
 * ECS secrets for the sidecar: each JSON key of the Secrets Manager secret becomes one variable,
 * using the `<arn>:<json-key>::` form of valueFrom (latest version of the secret).
 */
export function lokiSecrets(plan: Plan): SidecarSecret[] {
  const arn = plan.loki.authSecretArn;
  switch (lokiAuth(plan)) {
    case 'basic':
      return [
        { name: LOKI_ENV.password, valueFrom: `${arn}:password::` },
        { name: LOKI_ENV.username, valueFrom: `${arn}:username::` },
      ];
    case 'bearer':
      return [{ name: LOKI_ENV.token, valueFrom: `${arn}:token::` }];
    case 'none':
      return [];
  }
}

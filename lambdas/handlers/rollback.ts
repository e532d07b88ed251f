import { apply, type ApplyResult } from './rollback/apply';
import { retry, type GiveUpResult, type RetryResult } from './rollback/retry';
import { select, type SelectResult } from './rollback/select';
import { instrumented } from '../observability/instrumented';

export type { ApplyResult, GiveUpResult, RetryResult, SelectResult };

/**
 * `select` (parent): which services go back after a child failed. `apply` (child): puts one
 * service back on ADOT + awslogs and starts the deployment DeploymentPoll then watches. `retry`
 * (child): after that deployment failed, deploys the same target again or gives up.
 */
async function handleRollback(
  event: unknown,
): Promise<SelectResult | ApplyResult | RetryResult | GiveUpResult> {
  const action = (event as { action?: unknown } | null)?.action;
  if (action === 'select') return select(event);
  if (action === 'retry') return retry(event);
  return apply(event);
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Rollback', handleRollback);

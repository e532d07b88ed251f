import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ServicePlan } from '../../core/plan/schema';
import type { AnyTaskDefinition } from '../../core/taskdef';
import { collectorConfigSourceOf, type CollectorConfig } from '../../core/taskdef/adot-config-source';
import { collectorConfigOf, decodeCollectorConfig } from '../../core/taskdef/adot-config-text';
import { translateAwsError } from './aws-errors';

/**
 * SSM answers that mean "this config cannot be had" rather than "try again": migrate then falls
 * back to the plan's scrape settings and says why in its warnings. Throttling and outages still
 * fail the step (translateAwsError), so Step Functions retries them.
 */
const UNREADABLE = new Set([
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'AccessDeniedException',
  'ValidationException',
  'InvalidKeyId',
]);

/**
 * The ADOT collector config for migrate's `collectorConfig` option: read from the SSM parameter
 * the collector's definition names (a `--config env:NAME` or AOT_CONFIG_CONTENT secret), or its
 * inline value, decoded; or why there is none.
 */
export async function readCollectorConfig(
  ssm: SSMClient,
  current: AnyTaskDefinition,
  service: ServicePlan,
): Promise<CollectorConfig> {
  const source = collectorConfigSourceOf(current, service);
  if (source.kind !== 'ssm') return collectorConfigOf(current, service);
  try {
    // WithDecryption: a SecureString config is read as text (needs kms:Decrypt on its key).
    const out = await ssm.send(new GetParameterCommand({ Name: source.parameter, WithDecryption: true }));
    const text = out?.Parameter?.Value;
    return text === undefined
      ? { unavailable: `${source.from} has no value` }
      : decodeCollectorConfig(text, source.from);
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown } | null;
    const name = typeof e?.name === 'string' ? e.name : '';
    if (UNREADABLE.has(name))
      return {
        unavailable: `${source.from} could not be read (${name}${typeof e?.message === 'string' && e.message ? `: ${e.message}` : ''})`,
      };
    throw translateAwsError(err, `ssm:GetParameter ${source.parameter}`);
  }
}

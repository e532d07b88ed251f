import { parse } from 'yaml';
import type { ServicePlan } from '../plan/schema';
import { collectorConfigSourceOf, type CollectorConfig } from './adot-config-source';
import type { AnyTaskDefinition } from './types';

/**
 * Decodes an ADOT collector config's YAML for migrate's `collectorConfig`. Kept apart from
 * migrate (like the plan's parse-text.ts) so only the callers that read a collector config carry
 * the YAML parser: Register, Preflight and the CLI.
 */
export function decodeCollectorConfig(text: string, from: string): CollectorConfig {
  try {
    return { document: parse(text) as unknown, from };
  } catch (e) {
    return {
      unavailable: `${from} is not YAML (${(e as Error).message.split('\n')[0] ?? 'unreadable'})`,
    };
  }
}

/**
 * The collector config a definition holds without AWS: its inline AOT_CONFIG_CONTENT / `--config
 * env:NAME` value decoded, or why there is none (an SSM parameter is named: the caller reads it).
 */
export function collectorConfigOf(
  td: AnyTaskDefinition,
  service: Pick<ServicePlan, 'adotContainer'>,
): CollectorConfig {
  const source = collectorConfigSourceOf(td, service);
  if (source.kind === 'inline') return decodeCollectorConfig(source.text, source.from);
  if (source.kind === 'ssm') return { unavailable: `${source.from} was not read` };
  return { unavailable: source.reason };
}

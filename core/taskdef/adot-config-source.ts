import type { ServicePlan } from '../plan/schema';
import { adotCandidates, bodyOf } from './detect';
import type { AnyTaskDefinition, ContainerDefinition } from './types';

/**
 * Where an ADOT collector container gets its config, read from its definition. ADOT takes the
 * YAML from `--config env:NAME` (the collector's env config provider) and, failing that, from the
 * AOT_CONFIG_CONTENT variable (aws-observability/aws-otel-collector, docs/developers/
 * configure-aotcollector.md); either variable may be a plain environment value or an ECS secret.
 */
export type CollectorConfigSource =
  | { readonly kind: 'inline'; readonly text: string; readonly from: string }
  /** An SSM parameter (name or ARN, as the secret's valueFrom) the caller must read. */
  | { readonly kind: 'ssm'; readonly parameter: string; readonly from: string }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * What migrate is told about the collector's config: the decoded YAML document and where it came
 * from (decodeCollectorConfig, adot-config-text.ts), or why there is none.
 */
export type CollectorConfig =
  { readonly document: unknown; readonly from: string } | { readonly unavailable: string };

const AOT_CONFIG_CONTENT = 'AOT_CONFIG_CONTENT';

/** The value of `--config`: `["--config", "x"]`, `["--config=x"]` or `-config`. */
function configArgument(command: readonly string[] | undefined): string | undefined {
  const args = command ?? [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const eq = /^--?config=(.*)$/.exec(arg);
    if (eq) return eq[1];
    if (arg === '--config' || arg === '-config') return args[i + 1];
  }
  return undefined;
}

export function collectorConfigSource(adot: ContainerDefinition): CollectorConfigSource {
  const config = configArgument(adot.command);
  const envName = config?.startsWith('env:') ? config.slice('env:'.length) : undefined;
  if (config !== undefined && envName === undefined && !config.startsWith('${'))
    return {
      kind: 'none',
      reason: `"${adot.name}" reads its config from ${JSON.stringify(config)} (a file or URI the migration cannot read)`,
    };
  const names = [envName, AOT_CONFIG_CONTENT].filter((n): n is string => n !== undefined);
  for (const name of names) {
    const value = adot.environment?.find((e) => e.name === name)?.value;
    if (value !== undefined)
      return { kind: 'inline', text: value, from: `the ${name} environment variable of "${adot.name}"` };
    const secret = adot.secrets?.find((s) => s.name === name);
    if (secret === undefined) continue;
    if (secret.valueFrom.startsWith('arn:aws:secretsmanager:'))
      return {
        kind: 'none',
        reason: `"${adot.name}" takes ${name} from Secrets Manager (${secret.valueFrom}), which the migration does not read`,
      };
    return {
      kind: 'ssm',
      parameter: secret.valueFrom,
      from: `SSM parameter ${secret.valueFrom} (secret ${name} of "${adot.name}")`,
    };
  }
  return {
    kind: 'none',
    reason: `"${adot.name}" has no ${names.join(' or ')} variable or secret (it runs the config built into its image)`,
  };
}

/** The collector container's plain environment, for `${env:...}` references in its config. */
export function collectorEnvironment(adot: ContainerDefinition): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of adot.environment ?? []) if (e.name && e.value !== undefined) env[e.name] = e.value;
  return env;
}

/**
 * The config source of the definition's ADOT collector (the plan's adotContainer, else the one
 * container with an ADOT image); `none` when there is not exactly one (migrate refuses those).
 */
export function collectorConfigSourceOf(
  td: AnyTaskDefinition,
  service: Pick<ServicePlan, 'adotContainer'>,
): CollectorConfigSource {
  const body = bodyOf(td);
  const candidates =
    service.adotContainer === undefined
      ? adotCandidates(body)
      : body.containerDefinitions.filter((c) => c.name === service.adotContainer);
  const [adot] = candidates;
  if (candidates.length !== 1 || !adot)
    return { kind: 'none', reason: `${candidates.length} ADOT collector containers found, expected one` };
  return collectorConfigSource(adot);
}

import type { ContainerDefinition, TaskDefinition } from '../ecs/model';
import { isAdotImage, isOurAddition, isOurInit, isOurSidecar } from '../../core/taskdef/detect';
import { ALLOY_INIT_CONTAINER, CONFIG_ENV } from '../../core/taskdef/names';
import type { ContainerDefinition as CoreContainer } from '../../core/taskdef/types';

/** How a task definition collects telemetry, read the way ECS and the sidecars would see it. */
export interface TaskShape {
  readonly collector: 'alloy' | 'adot' | 'none';
  /** Application containers: everything but collectors and the containers the migration adds. */
  readonly mainContainers: readonly ContainerDefinition[];
  /** Where the Alloy init container reads the config from (an SSM name or ARN), if any. */
  readonly alloyConfigFrom?: string;
  /** The Alloy sidecar's definition (its restart policy, stop timeout and drain), if any. */
  readonly sidecar?: ContainerDefinition;
  /** Where the ADOT collector's config comes from, if it has one the sandbox can read. */
  readonly adotConfig?: AdotConfigSource;
}

/** An ADOT config given inline (AOT_CONFIG_CONTENT, or `--config env:X` with X set) or by SSM. */
export type AdotConfigSource = { readonly inline: string } | { readonly parameter: string };

/** ADOT reads its config from AOT_CONFIG_CONTENT when no --config is given (aws-otel-collector). */
const AOT_CONFIG_CONTENT = 'AOT_CONFIG_CONTENT';

/**
 * The collector's config source: `--config env:<NAME>` names a variable (an environment value or a
 * secret, e.g. ADOT_CONFIG from SSM), else AOT_CONFIG_CONTENT.
 */
function adotConfigOf(adot: ContainerDefinition): AdotConfigSource | undefined {
  const command = adot.command ?? [];
  const flag = command.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  const value =
    flag < 0 ? undefined : command[flag]?.includes('=') ? command[flag]?.slice(9) : command[flag + 1];
  const variable = value?.startsWith('env:')
    ? value.slice(4)
    : value === undefined
      ? AOT_CONFIG_CONTENT
      : undefined;
  if (variable === undefined) return undefined;
  const inline = adot.environment?.find((e) => e.name === variable)?.value;
  if (inline !== undefined) return { inline };
  const secret = adot.secrets?.find((s) => s.name === variable)?.valueFrom;
  return secret === undefined ? undefined : { parameter: secret };
}

export function shapeOf(td: TaskDefinition): TaskShape {
  const containers = td.containerDefinitions;
  const asCore = (c: ContainerDefinition) => c as unknown as CoreContainer;
  const sidecar = containers.find((c) => isOurSidecar(asCore(c)));
  const adotContainer = containers.find((c) => isAdotImage(c.image));
  const adot = adotContainer !== undefined;
  const adotConfig = adotContainer ? adotConfigOf(adotContainer) : undefined;
  const init = containers.find((c) => isOurInit(asCore(c)) || c.name === ALLOY_INIT_CONTAINER);
  const configFrom = init?.secrets?.find((s) => s.name === CONFIG_ENV)?.valueFrom;
  return {
    collector: sidecar ? 'alloy' : adot ? 'adot' : 'none',
    mainContainers: containers.filter((c) => !isAdotImage(c.image) && !isOurAddition(asCore(c))),
    ...(configFrom ? { alloyConfigFrom: configFrom } : {}),
    ...(sidecar ? { sidecar } : {}),
    ...(adotConfig && !sidecar ? { adotConfig } : {}),
  };
}

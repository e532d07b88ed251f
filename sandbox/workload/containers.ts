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
}

export function shapeOf(td: TaskDefinition): TaskShape {
  const containers = td.containerDefinitions;
  const asCore = (c: ContainerDefinition) => c as unknown as CoreContainer;
  const sidecar = containers.find((c) => isOurSidecar(asCore(c)));
  const adot = containers.some((c) => isAdotImage(c.image));
  const init = containers.find((c) => isOurInit(asCore(c)) || c.name === ALLOY_INIT_CONTAINER);
  const configFrom = init?.secrets?.find((s) => s.name === CONFIG_ENV)?.valueFrom;
  return {
    collector: sidecar ? 'alloy' : adot ? 'adot' : 'none',
    mainContainers: containers.filter((c) => !isAdotImage(c.image) && !isOurAddition(asCore(c))),
    ...(configFrom ? { alloyConfigFrom: configFrom } : {}),
    ...(sidecar ? { sidecar } : {}),
  };
}

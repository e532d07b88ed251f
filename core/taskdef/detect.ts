import type { AnyTaskDefinition, ContainerDefinition, TaskDefinitionInput } from './types';
import { isDescribed } from './register-input';
import { ALLOY_CONTAINER, ALLOY_INIT_CONTAINER, ALLOY_PROXY_CONTAINER, RECORD_LABELS, ROLE } from './names';

/**
 * ADOT is found by image, not by name (real definitions call it adot-collector, aws-collector,
 * aoc-collector...): the public ECR / Docker Hub image or a private mirror repository named
 * aws-otel-collector, tagged, digest-pinned or bare.
 */
const ADOT_IMAGE = /(^|\/)aws-otel-collector(:[^/]*|@sha256:[0-9a-f]+)?$/;
const ALLOY_IMAGE = /(^|\/)alloy(:[^/]*|@sha256:[0-9a-f]+)?$/;

export function isAdotImage(image: string | undefined): boolean {
  return image !== undefined && ADOT_IMAGE.test(image);
}

export function bodyOf(td: AnyTaskDefinition): TaskDefinitionInput {
  return isDescribed(td) ? td.taskDefinition : td;
}

/** The Alloy sidecar this transform adds: our role label, or our name with an Alloy image. */
export function isOurSidecar(c: ContainerDefinition): boolean {
  return (
    c.dockerLabels?.[RECORD_LABELS.role] === ROLE.sidecar ||
    (c.name === ALLOY_CONTAINER && ALLOY_IMAGE.test(c.image ?? ''))
  );
}

/** Any Grafana Alloy container (ours, or one a team added by other means). */
export function isAlloyContainer(c: ContainerDefinition): boolean {
  return isOurSidecar(c) || ALLOY_IMAGE.test(c.image ?? '');
}

export function isOurInit(c: ContainerDefinition): boolean {
  return (
    c.dockerLabels?.[RECORD_LABELS.role] === ROLE.init ||
    (c.name === ALLOY_INIT_CONTAINER && c.essential === false)
  );
}

export function isOurProxy(c: ContainerDefinition): boolean {
  return (
    c.dockerLabels?.[RECORD_LABELS.role] === ROLE.proxy ||
    (c.name === ALLOY_PROXY_CONTAINER && c.essential === false)
  );
}

/** Any container the migration adds: the sidecar, its init container, the docker API proxy. */
export function isOurAddition(c: ContainerDefinition): boolean {
  return isOurSidecar(c) || isOurInit(c) || isOurProxy(c);
}

export function adotCandidates(td: TaskDefinitionInput): ContainerDefinition[] {
  return td.containerDefinitions.filter((c) => isAdotImage(c.image));
}

export function isEssential(c: ContainerDefinition): boolean {
  // ECS treats an absent `essential` as true.
  return c.essential !== false;
}

/** Which collector a definition runs: an Alloy container wins (a migrated definition), then ADOT. */
export function collectorOf(td: AnyTaskDefinition): 'alloy' | 'adot' | 'none' {
  const body = bodyOf(td);
  if (body.containerDefinitions.some(isAlloyContainer)) return 'alloy';
  if (adotCandidates(body).length > 0) return 'adot';
  return 'none';
}

/**
 * The log driver of the given containers (default: every container that is not a collector or our
 * init container). Containers without a logConfiguration are ignored unless none has one.
 */
export function logDriverOf(
  td: AnyTaskDefinition,
  containers?: string[],
): 'json-file' | 'awslogs' | 'mixed' | 'none' {
  const body = bodyOf(td);
  const selected = containers
    ? body.containerDefinitions.filter((c) => containers.includes(c.name))
    : body.containerDefinitions.filter(
        (c) => !isAdotImage(c.image) && !isAlloyContainer(c) && !isOurAddition(c),
      );
  const drivers = new Set(
    selected.flatMap((c) => (c.logConfiguration ? [c.logConfiguration.logDriver] : [])),
  );
  if (drivers.size === 0) return 'none';
  if (drivers.size > 1) return 'mixed';
  const [only] = [...drivers];
  return only === 'json-file' || only === 'awslogs' ? only : 'mixed';
}

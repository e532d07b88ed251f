import { adotCandidates, bodyOf, isOurInit, isOurSidecar } from '../taskdef/detect';
import { BASELINE_TAG, RECORD_LABELS, ROLE } from '../taskdef/names';
import type { DescribedTaskDefinition } from '../taskdef/types';
import type { Assessment } from './types';

/**
 * What a `verify` run requires of a service it found migrated: the definition its ECS service runs
 * still has the Alloy sidecar and its init container, no ADOT container, and is a revision
 * alloy-rollout registered. Register marks its revisions twice (core/taskdef/migrate.ts and
 * alloy-containers.ts): the `alloy-rollout:baseline` tag on the definition and the
 * `alloy-rollout.role` Docker label on the sidecar. A `terraform apply` of the original module
 * re-registers the family from its own container definitions: ADOT again, without either mark.
 * A copy made by hand (console "create new revision") keeps the label but loses the tag, because
 * ECS tags are not part of the container definitions (DescribeTaskDefinition returns them only
 * with `include: ["TAGS"]`, see lambdas/adapters/ecs.ts).
 */
export const DRIFT_REQUIREMENT =
  `Alloy sidecar (${RECORD_LABELS.role}=${ROLE.sidecar}) and its init container, no ADOT container, ` +
  `the ${BASELINE_TAG} tag alloy-rollout puts on the revisions it registers`;

export type DriftKind =
  /** ADOT is back (with or without Alloy beside it). */
  | 'adot'
  /** Neither collector: someone removed the sidecar. */
  | 'no-collector'
  /** The sidecar is there but its init container (which writes its config) is not. */
  | 'no-init'
  /** Our containers are there, but the revision was registered by something else. */
  | 'not-ours';

export interface DriftInput {
  /** The plan's service name, for messages. */
  readonly service: string;
  /** The definition the ECS service runs (its PRIMARY deployment), described with its tags. */
  readonly taskDefinition: DescribedTaskDefinition;
}

/** ":14" from "arn:aws:ecs:...:task-definition/temporal-dev-history:14" (the whole ARN when it has no revision). */
export function revisionLabel(arn: string): string {
  const match = /:(\d+)$/.exec(arn);
  return match ? `:${match[1]}` : arn;
}

/** Whether alloy-rollout registered this revision: its baseline tag and the sidecar's role label. */
export function registeredByAlloyRollout(td: DescribedTaskDefinition): boolean {
  const tagged = (td.tags ?? []).some((t) => t.key === BASELINE_TAG && (t.value ?? '') !== '');
  const labelled = bodyOf(td).containerDefinitions.some(
    (c) => c.dockerLabels?.[RECORD_LABELS.role] === ROLE.sidecar,
  );
  return tagged && labelled;
}

function kindOf(td: DescribedTaskDefinition): DriftKind | undefined {
  const body = bodyOf(td);
  if (adotCandidates(body).length > 0) return 'adot';
  if (!body.containerDefinitions.some(isOurSidecar)) return 'no-collector';
  if (!body.containerDefinitions.some(isOurInit)) return 'no-init';
  if (!registeredByAlloyRollout(td)) return 'not-ours';
  return undefined;
}

/**
 * The drift check of one service: `passed` when the running revision is still alloy-rollout's
 * migration, `failed` otherwise with a message that names the service, the revision and what
 * changed (e.g. "history runs ADOT again: task definition :14 registered by something other than
 * alloy-rollout"). Never `pending`: a described definition is the whole evidence.
 */
export function assessDrift(input: DriftInput): Assessment {
  const td = input.taskDefinition;
  const body = bodyOf(td);
  const arn = td.taskDefinition.taskDefinitionArn ?? `${body.family}:${td.taskDefinition.revision ?? '?'}`;
  const revision = revisionLabel(arn);
  const ours = registeredByAlloyRollout(td);
  const registeredBy = ours
    ? 'registered by alloy-rollout'
    : 'registered by something other than alloy-rollout';
  const kind = kindOf(td);
  const messages: Record<DriftKind, string> = {
    adot: `${input.service} runs ADOT again: task definition ${revision} ${registeredBy}`,
    'no-collector': `${input.service} runs no Alloy sidecar and no ADOT: task definition ${revision} ${registeredBy}`,
    'no-init': `${input.service} runs the Alloy sidecar without its init container (nothing writes its config): task definition ${revision} ${registeredBy}`,
    'not-ours': `${input.service} runs ${revision}, not registered by alloy-rollout (no ${BASELINE_TAG} tag): changed outside alloy-rollout`,
  };
  return {
    name: 'drift',
    verdict: kind ? 'failed' : 'passed',
    message: kind
      ? messages[kind]
      : `${input.service} runs ${revision}, alloy-rollout's Alloy revision (baseline ${(td.tags ?? []).find((t) => t.key === BASELINE_TAG)?.value ?? '?'})`,
    evidence: {
      query: `ecs:DescribeServices + ecs:DescribeTaskDefinition ${arn} (include TAGS)`,
      values: {
        taskDefinition: arn,
        containers: body.containerDefinitions.map((c) => ({ name: c.name, image: c.image ?? null })),
        adotContainers: adotCandidates(body).map((c) => c.name),
        registeredByAlloyRollout: ours,
        ...(kind ? { drift: kind } : {}),
      },
      threshold: DRIFT_REQUIREMENT,
    },
  };
}

/** The drift check of a service whose ECS service names no task definition at all: nothing runs as migrated. */
export function assessNoTaskDefinition(service: string, ecsService: string): Assessment {
  return {
    name: 'drift',
    verdict: 'failed',
    message: `${service}: ECS service ${ecsService} names no task definition`,
    evidence: {
      query: `ecs:DescribeServices ${ecsService}`,
      values: { taskDefinition: null },
      threshold: DRIFT_REQUIREMENT,
    },
  };
}

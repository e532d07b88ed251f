import { BASELINE_TAG, collectorOf, toRegisterInput, type DescribedTaskDefinition } from '../core/taskdef';
import type { EcsTwin } from './ecs/api';
import { describeTaskDefinition } from './ecs/task-definitions';

/** What `revertByIac` did to one service, for the rehearsal's output and tests. */
export interface IacRevert {
  readonly ecsService: string;
  /** The Alloy revision the service ran. */
  readonly from: string;
  /** The ADOT + awslogs revision registered and deployed in its place. */
  readonly to: string;
}

/**
 * The fault `<service>:reverted-by-iac`: what a `terraform apply` of the team's original ECS module
 * does after a migration. Terraform's `aws_ecs_task_definition` registers a new revision of the
 * family from the container definitions in its code (the ADOT sidecar and the awslogs driver, as
 * before the migration) and `aws_ecs_service` points the service at it: a plain
 * RegisterTaskDefinition (no alloy-rollout tags, no alloy-rollout Docker labels) and UpdateService
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_task_definition).
 * The container definitions are the baseline's, found through the migrated revision's
 * `alloy-rollout:baseline` tag. A service that does not run alloy-rollout's revision is left alone
 * (nothing to revert): undefined.
 */
export function revertByIac(ecs: EcsTwin, ecsService: string): IacRevert | undefined {
  const service = ecs.allServices().find((s) => s.serviceName === ecsService);
  if (!service) return undefined;
  const current = ecs.taskDefinitions.resolve(service.taskDefinitionArn);
  const described = (arn: string): DescribedTaskDefinition => ({
    taskDefinition: describeTaskDefinition(
      ecs.taskDefinitions.resolve(arn),
    ) as DescribedTaskDefinition['taskDefinition'],
    tags: ecs.tagsOf(arn),
  });
  const migrated = described(current.taskDefinitionArn);
  const baselineArn = migrated.tags?.find((t) => t.key === BASELINE_TAG)?.value;
  if (collectorOf(migrated) !== 'alloy' || !baselineArn) return undefined;
  const body = toRegisterInput(described(baselineArn));
  // Terraform tags what its code says, not what alloy-rollout added: no tags at all here.
  delete body.tags;
  const registered = ecs.registerTaskDefinition(body as unknown as Record<string, unknown>);
  ecs.updateService({
    cluster: service.clusterName,
    service: service.serviceName,
    taskDefinition: registered.taskDefinitionArn,
  });
  return { ecsService, from: current.taskDefinitionArn, to: registered.taskDefinitionArn };
}

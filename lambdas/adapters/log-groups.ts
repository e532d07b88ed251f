import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { logGroupFor } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import { isAdotImage, type TaskDefinitionInput } from '../../core/taskdef';
import { awsCall, translateAwsError } from './aws-errors';

/**
 * The CloudWatch log groups the definition's awslogs containers write to; with `containers`, only
 * those containers' groups.
 */
export function awslogsGroupsOf(
  td: TaskDefinitionInput,
  plan: Plan,
  serviceName: string,
  containers?: readonly string[],
): string[] {
  const selected = td.containerDefinitions.filter((c) => !containers || containers.includes(c.name));
  const groups = selected.flatMap((c) =>
    c.logConfiguration?.logDriver === 'awslogs'
      ? [c.logConfiguration.options?.['awslogs-group'] ?? logGroupFor(plan, serviceName, c.name)]
      : [],
  );
  return [...new Set(groups)];
}

/**
 * The containers whose logs the rollout follows, as the migration picks them: the plan's
 * `mainContainers`, or every container but the ADOT collector.
 */
export function watchedContainers(
  td: TaskDefinitionInput,
  service: { readonly mainContainers?: readonly string[] | undefined },
): string[] {
  return service.mainContainers
    ? [...service.mainContainers]
    : td.containerDefinitions.filter((c) => !isAdotImage(c.image)).map((c) => c.name);
}

/**
 * Makes sure each group exists before tasks log to it: a missing one is created with the plan's
 * retention; an existing one keeps its own retention (someone chose it).
 */
export async function ensureLogGroups(
  logs: CloudWatchLogsClient,
  groups: readonly string[],
  retentionDays: number,
): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const name of groups) {
    const found = await awsCall(`logs:DescribeLogGroups ${name}`, () =>
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50 })),
    );
    if (found.logGroups?.some((g) => g.logGroupName === name)) {
      existing.push(name);
      continue;
    }
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    } catch (err) {
      // Created meanwhile (by a retried attempt or by awslogs-create-group): it exists, which is all we need.
      if ((err as { name?: string }).name !== 'ResourceAlreadyExistsException')
        throw translateAwsError(err, `logs:CreateLogGroup ${name}`);
    }
    await awsCall(`logs:PutRetentionPolicy ${name}`, () =>
      logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: retentionDays })),
    );
    created.push(name);
  }
  return { created, existing };
}

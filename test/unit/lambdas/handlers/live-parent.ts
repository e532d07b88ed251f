import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';

/** The parent of the child the fixtures' EXECUTION_ARN stands for: a run of the same state machine. */
export const PARENT_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:parent-1';

/** What a parent's MigrateService / RollbackServiceChild put in a child's input. */
export const PARENT_LINK = {
  parentExecutionArn: PARENT_ARN,
  AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: PARENT_ARN,
} as const;

/**
 * The child gate's world for a child's first Lambda (Register, Rollback apply): the parent is
 * RUNNING and holds the cluster lock. Tests change the answers to see a refusal.
 */
export function useLiveParent(): { sfn: ReturnType<typeof mockClient>; ddb: ReturnType<typeof mockClient> } {
  const sfn = mockClient(SFNClient);
  const ddb = mockClient(DynamoDBClient);
  beforeEach(() => {
    sfn.reset();
    ddb.reset();
    process.env.LOCK_TABLE_NAME = 'locks';
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: PARENT_ARN, status: 'RUNNING' });
    ddb.on(GetItemCommand).resolves({ Item: { cluster: { S: 'temporal-dev' }, owner: { S: PARENT_ARN } } });
  });
  afterAll(() => {
    sfn.restore();
    ddb.restore();
  });
  return { sfn, ddb };
}

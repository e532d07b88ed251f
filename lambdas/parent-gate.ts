import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ChildModeRefusedError } from '../core/errors';
import {
  assessParentIdentity,
  assessParentLive,
  LOCK_ATTRIBUTES,
  type ParentGateVerdict,
} from '../core/orchestration';
import { awsCall } from './adapters/aws-errors';
import { describeExecutionStatus, regionOfExecution } from './adapters/executions';
import { createDynamoDbClient } from './clients/aws-dynamodb';
import { createSfnClient } from './clients/aws-sfn';
import { readEnv, requireEnv } from './env';

/** The fields of a child's state the gate reads (its input, as the parent built it). */
export const parentLinkFields = {
  parentExecutionArn: z.string().optional(),
  AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: z.string().optional(),
};

function refuseUnless(verdict: ParentGateVerdict): void {
  if (!verdict.ok) throw new ChildModeRefusedError(verdict.message, { condition: verdict.condition });
}

/**
 * Refuses a child execution (ChildModeRefused, before it changes anything) unless a live parent of
 * this same state machine that holds the cluster's lock started it. The ASL's Route already refuses
 * a child without a parent link; anyone allowed to StartExecution could forge that link, so this
 * checks the parent's real state: DescribeExecution says RUNNING, and the lock item names it.
 */
export async function requireLiveParent(
  childExecutionArn: string,
  state: {
    readonly parentExecutionArn?: string | undefined;
    readonly AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: string | undefined;
  },
  plan: { readonly cluster: string; readonly region: string },
): Promise<void> {
  const input = {
    childExecutionArn,
    parentExecutionArn: state.parentExecutionArn,
    startedBy: state.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID,
    cluster: plan.cluster,
    region: plan.region,
  };
  refuseUnless(
    assessParentIdentity({
      childExecutionArn: input.childExecutionArn,
      parentExecutionArn: input.parentExecutionArn,
      startedBy: input.startedBy,
    }),
  );
  const parent = input.parentExecutionArn as string;
  const table = requireEnv(readEnv(), 'lockTableName', 'LOCK_TABLE_NAME');
  const sfn = createSfnClient(regionOfExecution(parent, input.region));
  const execution = await describeExecutionStatus(sfn, parent);
  const dynamodb = createDynamoDbClient(input.region);
  const lock = await awsCall('dynamodb:GetItem (lock)', () =>
    dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: { [LOCK_ATTRIBUTES.key]: { S: input.cluster } },
        ConsistentRead: true,
      }),
    ),
  );
  refuseUnless(
    assessParentLive({
      parentExecutionArn: parent,
      parentStatus: execution.status,
      cluster: input.cluster,
      lockOwner: lock.Item?.[LOCK_ATTRIBUTES.owner]?.S,
    }),
  );
}

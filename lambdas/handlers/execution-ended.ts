import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { InputInvalidError } from '../../core/errors';
import type { Progress } from '../../core/execution';
import { LOCK_ATTRIBUTES, RELEASE_CONDITION } from '../../core/orchestration/lock';
import {
  childRunsFromHistory,
  decideAftermath,
  recoveryExecutionName,
  recoveryInput,
  type Aftermath,
  type ChildRun,
  type EndedRun,
  type HistoryEventLike,
} from '../../core/orchestration/aftermath';
import { executionEndedNotice, type CleanupDone } from '../../core/orchestration/aftermath-notice';
import {
  executionStatusChangeSchema,
  isEndedStatus,
  type EndedStatus,
  type ExecutionStatusDetail,
} from '../../core/orchestration/execution-ended-event';
import { orderedServices } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import { awsCall, translateAwsError } from '../adapters/aws-errors';
import { createDynamoDbClient } from '../clients/aws-dynamodb';
import { createSfnClient } from '../clients/aws-sfn';
import { createSnsClient } from '../clients/aws-sns';
import { readEnv, requireEnv } from '../env';
import { parseEvent } from '../event';
import { loadPlan } from '../shared';
import { instrumented } from '../observability/instrumented';

/**
 * ExecutionEnded: run by the EventBridge rule on this state machine's executions that ended
 * ABORTED, TIMED_OUT or FAILED (core/orchestration/execution-ended-event.ts), not by the definition.
 * A parent rollout that ended still holding the cluster lock (stopped, timed out, or failed past
 * Finalize) gets one recovery rollback of the services it left half migrated, or its lock released
 * when there is nothing to put back; a parent run that ended is reported on the SNS topic in
 * NOTIFY_TOPIC_ARN when the construct wires notifications.
 */

/** The fields of an execution input the cleanup reads; child inputs carry a service instead. */
const endedInputSchema = z.looseObject({
  mode: z.string({ error: 'expected the execution input to name its mode' }),
  plan: z.record(z.string(), z.unknown()).optional(),
  services: z.array(z.string()).optional(),
  requestedBy: z.string().optional(),
  recovers: z.string().optional(),
});
type EndedInput = z.infer<typeof endedInputSchema>;

const PARENT_MODES = ['migrate', 'rollback', 'plan', 'verify'] as const;
/** GetExecutionHistory's largest page (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html). */
const HISTORY_PAGE = 1000;

export interface ExecutionEndedResult {
  readonly executionArn: string;
  readonly status: string;
  readonly mode?: string;
  readonly cleanup: CleanupDone | { readonly kind: 'ignored'; readonly reason: string };
  readonly notified?: { readonly topicArn: string; readonly messageId: string | undefined };
  readonly progress: Progress;
}

/** The region of a Step Functions ARN (arn:aws:states:<region>:...). */
function regionOf(arn: string): string {
  const region = arn.split(':')[3];
  if (!region)
    throw new InputInvalidError(`execution ARN ${arn}: no region; expected arn:aws:states:<region>:...`, {});
  return region;
}

async function readInput(sfn: SFNClient, detail: ExecutionStatusDetail): Promise<EndedInput> {
  let text = detail.input ?? undefined;
  // Left out of the event when input and output together pass 248 KB: DescribeExecution has it.
  if (text === undefined || detail.inputDetails?.included === false) {
    const described = await awsCall('states:DescribeExecution', () =>
      sfn.send(new DescribeExecutionCommand({ executionArn: detail.executionArn })),
    );
    text = described.input;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new InputInvalidError(
      `execution ${detail.executionArn}: its input is not JSON; expected the execution input document`,
      {},
    );
  }
  const result = endedInputSchema.safeParse(parsed);
  if (!result.success)
    throw new InputInvalidError(
      `execution ${detail.executionArn}: ${result.error.issues.map((i) => i.message).join('; ')}`,
      {},
    );
  return result.data;
}

async function readChildren(sfn: SFNClient, executionArn: string): Promise<ChildRun[]> {
  const events: HistoryEventLike[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await awsCall('states:GetExecutionHistory', () =>
      sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: HISTORY_PAGE,
          ...(token ? { nextToken: token } : {}),
        }),
      ),
    );
    events.push(...((page.events ?? []) as HistoryEventLike[]));
    nextToken = page.nextToken;
  } while (nextToken);
  return childRunsFromHistory(events);
}

async function lockOwner(db: DynamoDBClient, table: string, cluster: string): Promise<string | undefined> {
  const held = await awsCall('dynamodb:GetItem (lock)', () =>
    db.send(
      new GetItemCommand({
        TableName: table,
        Key: { [LOCK_ATTRIBUTES.key]: { S: cluster } },
        ConsistentRead: true,
      }),
    ),
  );
  return held.Item?.[LOCK_ATTRIBUTES.owner]?.S;
}

/** Conditional delete (owner = the ended run), as Finalize releases: false when it was not ours any more. */
async function releaseLock(
  db: DynamoDBClient,
  table: string,
  cluster: string,
  owner: string,
): Promise<boolean> {
  try {
    await db.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { [LOCK_ATTRIBUTES.key]: { S: cluster } },
        ConditionExpression: RELEASE_CONDITION.expression,
        ExpressionAttributeNames: { ...RELEASE_CONDITION.names },
        ExpressionAttributeValues: { ':me': { S: owner } },
      }),
    );
    return true;
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      (err as { name?: string }).name === 'ConditionalCheckFailedException'
    )
      return false;
    throw translateAwsError(err, 'dynamodb:DeleteItem (lock)');
  }
}

/** Starts the recovery under its derived name; a second delivery finds it started (and says so). */
async function startRecovery(
  sfn: SFNClient,
  detail: ExecutionStatusDetail,
  status: EndedStatus,
  plan: Record<string, unknown>,
  decision: Extract<Aftermath, { action: 'recover' }>,
): Promise<CleanupDone> {
  const name = recoveryExecutionName(detail.executionArn);
  const input = JSON.stringify(
    recoveryInput({ plan, services: decision.services, stoppedExecutionArn: detail.executionArn, status }),
  );
  let recoveryArn = recoveryExecutionName(detail.executionArn, true);
  let alreadyStarted = false;
  try {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: detail.stateMachineArn, name, input }),
    );
    recoveryArn = started.executionArn ?? recoveryArn;
  } catch (err) {
    // Same name, already ended or other input: the first delivery of this event started it.
    if (
      !(err instanceof ExecutionAlreadyExists) &&
      (err as { name?: string }).name !== 'ExecutionAlreadyExists'
    )
      throw translateAwsError(err, 'states:StartExecution (recovery)');
    alreadyStarted = true;
  }
  return {
    kind: 'recovery',
    reason: decision.reason,
    recoveryArn,
    services: decision.services,
    alreadyStarted,
  };
}

function endedRun(input: EndedInput, plan: Plan | undefined): EndedRun {
  const mode = PARENT_MODES.find((m) => m === input.mode);
  if (!mode) return { level: 'child' };
  const all = plan ? orderedServices(plan).map((s) => s.name) : [];
  return {
    level: 'parent',
    mode,
    // In plan order, as the run would have gone through them.
    requested: input.services
      ? all.length > 0
        ? all.filter((s) => input.services?.includes(s))
        : input.services
      : all,
    ...(input.recovers !== undefined ? { recovers: input.recovers } : {}),
  };
}

function summary(cleanup: CleanupDone): string {
  switch (cleanup.kind) {
    case 'none':
      return `nothing to clean up: ${cleanup.reason}`;
    case 'lock-released':
      return cleanup.released
        ? `lock released: ${cleanup.reason}`
        : `lock not held any more: ${cleanup.reason}`;
    case 'recovery':
      return `${cleanup.alreadyStarted ? 'recovery already started' : 'recovery started'}: ${cleanup.recoveryArn} puts back ${cleanup.services.join(', ')}`;
  }
}

async function handleExecutionEnded(event: unknown): Promise<ExecutionEndedResult> {
  const env = readEnv();
  const { detail } = parseEvent(executionStatusChangeSchema, event, 'ExecutionEnded');
  const executionArn = detail.executionArn;
  const status = detail.status;
  if (!isEndedStatus(status)) {
    const reason = `status ${status} is not one the cleanup acts on (ABORTED, TIMED_OUT, FAILED)`;
    return {
      executionArn,
      status,
      cleanup: { kind: 'ignored', reason },
      progress: { step: 'execution-ended', status: 'skipped', message: reason },
    };
  }
  const region = regionOf(executionArn);
  const sfn = createSfnClient(region);
  const input = await readInput(sfn, detail);
  let plan: Plan | undefined;
  let planProblem: string | undefined;
  try {
    plan = input.plan ? loadPlan(input.plan) : undefined;
  } catch (err) {
    planProblem = (err as Error).message;
  }
  const run = endedRun(input, plan);
  if (run.level === 'child') {
    const decision = decideAftermath({
      executionArn,
      status,
      run,
      scope: 'all',
      lockOwner: undefined,
      children: [],
    });
    const reason = decision.action === 'none' ? decision.reason : '';
    return {
      executionArn,
      status,
      mode: input.mode,
      cleanup: { kind: 'none', reason },
      progress: { step: 'execution-ended', status: 'skipped', message: `${input.mode} ${status}: ${reason}` },
    };
  }

  let cleanup: CleanupDone;
  if (!plan) {
    cleanup = {
      kind: 'none',
      reason: `the plan does not load (${planProblem ?? 'no plan in the input'}), so the run never took the lock`,
    };
  } else {
    const table = requireEnv(env, 'lockTableName', 'LOCK_TABLE_NAME');
    const db = createDynamoDbClient(plan.region);
    const owner =
      run.mode === 'migrate' || run.mode === 'rollback'
        ? await lockOwner(db, table, plan.cluster)
        : undefined;
    const children = owner === executionArn ? await readChildren(sfn, executionArn) : [];
    const decision = decideAftermath({
      executionArn,
      status,
      run,
      scope: plan.rollback.scope,
      lockOwner: owner,
      children,
    });
    switch (decision.action) {
      case 'none':
        cleanup = { kind: 'none', reason: decision.reason };
        break;
      case 'release-lock':
        cleanup = {
          kind: 'lock-released',
          reason: decision.reason,
          released: await releaseLock(db, table, plan.cluster, executionArn),
          needsPeople: decision.needsPeople,
          leftAsIs: decision.leftAsIs,
        };
        break;
      case 'recover':
        cleanup = await startRecovery(sfn, detail, status, input.plan ?? {}, decision);
        break;
    }
  }

  const topicArn = env.notifyTopicArn;
  let notified: ExecutionEndedResult['notified'];
  if (topicArn) {
    const notice = executionEndedNotice({
      cluster: plan?.cluster,
      region,
      executionArn,
      mode: input.mode,
      status,
      error: detail.error ?? undefined,
      cause: detail.cause ?? undefined,
      requestedBy: input.requestedBy,
      cleanup,
    });
    // arn:aws:sns:<region>:<account>:<topic>
    const sns = createSnsClient(topicArn.split(':')[3] || region);
    // One message per protocol (MessageStructure json, https://docs.aws.amazon.com/sns/latest/api/API_Publish.html):
    // email subscribers get the text; every other subscriber, AWS Chatbot included, the custom
    // notification Chatbot posts to its channel.
    const published = await awsCall('sns:Publish', () =>
      sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: notice.subject,
          MessageStructure: 'json',
          Message: JSON.stringify({ default: JSON.stringify(notice.chat), email: notice.message }),
        }),
      ),
    );
    notified = { topicArn, messageId: published.MessageId };
  }
  return {
    executionArn,
    status,
    mode: input.mode,
    cleanup,
    ...(notified ? { notified } : {}),
    progress: {
      step: 'execution-ended',
      status: cleanup.kind === 'lock-released' && cleanup.needsPeople ? 'failed' : 'ok',
      message: `${input.mode} ${status}${detail.error ? ` (${detail.error})` : ''}: ${summary(cleanup)}${notified ? '; notified' : ''}`,
    },
  };
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('ExecutionEnded', handleExecutionEnded);

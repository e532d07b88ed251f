import * as z from 'zod';

/**
 * The event Step Functions sends to the default EventBridge bus when an execution of a Standard
 * state machine changes status, as documented in "EventBridge (CloudWatch Events) for Step
 * Functions execution status changes" (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html):
 * source `aws.states`, detail-type `Step Functions Execution Status Change`, and a detail with
 * executionArn, stateMachineArn, name, status, startDate and stopDate (epoch ms), input, output,
 * inputDetails/outputDetails, error and cause. The input is left out (null, `inputDetails.included`
 * false) when input and output together exceed 248 KB; DescribeExecution then has it in full.
 * Delivery is "best effort" (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html)
 * and, like every EventBridge delivery, at least once: whatever acts on it must be idempotent.
 */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The end states the cleanup acts on: everything but SUCCEEDED (and RUNNING). */
export const ENDED_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

/**
 * The EventBridge rule's pattern, the one the CDK construct deploys and the sandbox's event bus
 * matches: this state machine's executions that ended without succeeding.
 */
export function executionEndedPattern(stateMachineArn: string) {
  return {
    source: ['aws.states'],
    'detail-type': [EXECUTION_STATUS_CHANGE],
    detail: { stateMachineArn: [stateMachineArn], status: [...ENDED_STATUSES] },
  };
}

const optionalText = z.string().nullish();

export const executionStatusChangeSchema = z.object({
  source: z.literal('aws.states', { error: 'expected source "aws.states"' }),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE, {
    error: `expected detail-type "${EXECUTION_STATUS_CHANGE}"`,
  }),
  detail: z.object({
    executionArn: z.string().min(1, { error: 'expected the execution ARN' }),
    stateMachineArn: z.string().min(1, { error: 'expected the state machine ARN' }),
    name: z.string().min(1),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    startDate: z.number(),
    stopDate: z.number().nullish(),
    input: optionalText,
    inputDetails: z.object({ included: z.boolean().optional() }).nullish(),
    output: optionalText,
    error: optionalText,
    cause: optionalText,
  }),
});
export type ExecutionStatusChange = z.infer<typeof executionStatusChangeSchema>;
export type ExecutionStatusDetail = ExecutionStatusChange['detail'];

export function isEndedStatus(status: string): status is EndedStatus {
  return (ENDED_STATUSES as readonly string[]).includes(status);
}

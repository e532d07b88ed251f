import { SNSClient } from '@aws-sdk/client-sns';

/** The SNS client of the Lambdas (the ExecutionEnded notification). Per invocation, as the others. */
export function createSnsClient(region: string): SNSClient {
  return new SNSClient({ region });
}

import { SNSClient } from '@aws-sdk/client-sns';
import { traced } from '../observability/tracer';

/** The SNS client of the Lambdas (the ExecutionEnded notification). Per invocation, as the others. */
export function createSnsClient(region: string): SNSClient {
  return traced(new SNSClient({ region }));
}

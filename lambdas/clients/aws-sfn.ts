import { SFNClient } from '@aws-sdk/client-sfn';
import { traced } from '../observability/tracer';

/**
 * The Step Functions client of the Lambdas (the ExecutionEnded cleanup reads the ended execution
 * and starts its recovery). Per invocation, like the other clients: the endpoint variables are read
 * once per client and the sandbox changes them between runs.
 */
export function createSfnClient(region: string): SFNClient {
  return traced(new SFNClient({ region }));
}

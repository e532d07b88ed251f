import { SSMClient } from '@aws-sdk/client-ssm';
import { traced } from '../observability/tracer';

/**
 * The SSM Parameter Store client of the Lambdas. One module per client so a handler's bundle carries only the SDK
 * clients it imports. Built with the SDK constructor so aws-sdk-client-mock intercepts it, and
 * per invocation rather than cached at module level, because the endpoint variables
 * (AWS_ENDPOINT_URL_*) are resolved once per client and the sandbox changes them between runs.
 */
export function createSsmClient(region: string): SSMClient {
  return traced(new SSMClient({ region }));
}

import { IAMClient } from '@aws-sdk/client-iam';
import { traced } from '../observability/tracer';

/**
 * The IAM client of the Lambdas (preflight's permission check). One module per client so a
 * handler's bundle carries only the SDK clients it imports. Built with the SDK constructor so
 * aws-sdk-client-mock intercepts it, and per invocation rather than cached at module level,
 * because the endpoint variables (AWS_ENDPOINT_URL_IAM) are resolved once per client and the
 * sandbox changes them between runs. IAM is global; the region picks the partition's endpoint.
 */
export function createIamClient(region: string): IAMClient {
  return traced(new IAMClient({ region }));
}

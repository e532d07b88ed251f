import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { traced } from '../observability/tracer';

/**
 * The Secrets Manager client of the Lambdas. One module per client so a handler's bundle carries only the SDK
 * clients it imports. Built with the SDK constructor so aws-sdk-client-mock intercepts it, and
 * per invocation rather than cached at module level, because the endpoint variables
 * (AWS_ENDPOINT_URL_*) are resolved once per client and the sandbox changes them between runs.
 */
export function createSecretsClient(region: string): SecretsManagerClient {
  return traced(new SecretsManagerClient({ region }));
}

import { ECSClient } from '@aws-sdk/client-ecs';
import { traced } from '../observability/tracer';

/**
 * The ECS client of the Lambdas. One module per client so a handler's bundle carries only the SDK
 * clients it imports. Built with the SDK constructor so aws-sdk-client-mock intercepts it, and
 * per invocation rather than cached at module level, because the endpoint variables
 * (AWS_ENDPOINT_URL_*) are resolved once per client and the sandbox changes them between runs.
 */
export function createEcsClient(region: string): ECSClient {
  return traced(new ECSClient({ region }));
}

/** What a step that only talks to ECS is handed. */
export interface EcsClients {
  readonly ecs: ECSClient;
}

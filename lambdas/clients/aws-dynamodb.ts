import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { traced } from '../observability/tracer';

/**
 * The DynamoDB client of the Lambdas. One module per client so a handler's bundle carries only the SDK
 * clients it imports. Built with the SDK constructor so aws-sdk-client-mock intercepts it, and
 * per invocation rather than cached at module level, because the endpoint variables
 * (AWS_ENDPOINT_URL_*) are resolved once per client and the sandbox changes them between runs.
 */
export function createDynamoDbClient(region: string): DynamoDBClient {
  return traced(new DynamoDBClient({ region }));
}

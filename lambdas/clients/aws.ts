import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * The AWS clients of the Lambdas, built in one place: default SDK v3 clients, so
 * aws-sdk-client-mock intercepts them in tests and AWS_ENDPOINT_URL_* variables redirect them
 * (the sandbox). Each is created on first use, for the plan's region.
 */
export interface AwsClients {
  readonly ecs: ECSClient;
  readonly ssm: SSMClient;
  readonly logs: CloudWatchLogsClient;
  readonly dynamodb: DynamoDBClient;
  readonly secrets: SecretsManagerClient;
  readonly sfn: SFNClient;
}

export function createAwsClients(region: string): AwsClients {
  const cache = new Map<string, unknown>();
  const lazy = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  return {
    get ecs() {
      return lazy('ecs', () => new ECSClient({ region }));
    },
    get ssm() {
      return lazy('ssm', () => new SSMClient({ region }));
    },
    get logs() {
      return lazy('logs', () => new CloudWatchLogsClient({ region }));
    },
    get dynamodb() {
      return lazy('dynamodb', () => new DynamoDBClient({ region }));
    },
    get secrets() {
      return lazy('secrets', () => new SecretsManagerClient({ region }));
    },
    get sfn() {
      return lazy('sfn', () => new SFNClient({ region }));
    },
  };
}

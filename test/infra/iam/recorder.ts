import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SinonSpyCall } from 'sinon';
import type { LambdaId } from '../../../lambdas/catalog';
import type { InvocationWrapper } from '../../statemachine/support/runner';

/** Every SDK client package the Lambdas import, with the IAM service prefix its operations authorise under. */
export const SDK_CLIENTS = {
  '@aws-sdk/client-cloudwatch-logs': { client: CloudWatchLogsClient, service: 'logs' },
  '@aws-sdk/client-dynamodb': { client: DynamoDBClient, service: 'dynamodb' },
  '@aws-sdk/client-ec2': { client: EC2Client, service: 'ec2' },
  '@aws-sdk/client-ecs': { client: ECSClient, service: 'ecs' },
  '@aws-sdk/client-iam': { client: IAMClient, service: 'iam' },
  '@aws-sdk/client-s3': { client: S3Client, service: 's3' },
  '@aws-sdk/client-secrets-manager': { client: SecretsManagerClient, service: 'secretsmanager' },
  '@aws-sdk/client-ssm': { client: SSMClient, service: 'ssm' },
  '@aws-sdk/client-sfn': { client: SFNClient, service: 'states' },
  // ExecutionEnded (sns:Publish): run by EventBridge, not by the definition the scenarios drive.
  '@aws-sdk/client-sns': { client: SNSClient, service: 'sns' },
} as const;

/** One command a Lambda sent through an AWS SDK client. */
export interface SdkCall {
  readonly kind: 'sdk';
  readonly lambda: LambdaId;
  /** IAM service prefix, e.g. "ecs". */
  readonly service: string;
  /** API operation, e.g. "DescribeServices". */
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly region: string;
  /** What the (fake) service answered, when it answered: some ARNs are only known from it. */
  readonly output: unknown;
}

/** One HTTP request a Lambda made with fetch (AMP queries, Loki). */
export interface HttpCall {
  readonly kind: 'http';
  readonly lambda: LambdaId;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type RecordedCall = SdkCall | HttpCall;

type SendStub = { getCalls(): SinonSpyCall[] };
type Clients = (typeof SDK_CLIENTS)[keyof typeof SDK_CLIENTS][];
const CLIENTS = Object.values(SDK_CLIENTS) as Clients;

function stubOf(client: Clients[number]['client']): SendStub {
  const send = (client.prototype as unknown as { send: Partial<SendStub> }).send;
  // An unstubbed client would send the call out of the process, where nothing records it.
  if (typeof send.getCalls !== 'function')
    throw new Error(`${client.name}.send is not stubbed (aws-sdk-client-mock): its calls would not be seen`);
  return send as SendStub;
}

function fetchMock(): jest.Mock {
  if (!jest.isMockFunction(globalThis.fetch))
    throw new Error('fetch is not a jest mock: HTTP calls would not be seen');
  return globalThis.fetch as unknown as jest.Mock;
}

async function sdkCallOf(lambda: LambdaId, service: string, call: SinonSpyCall): Promise<SdkCall> {
  const command = call.args[0] as { constructor: { name: string }; input?: Record<string, unknown> };
  const config = (call.thisValue as { config?: { region?: unknown } }).config;
  const region = typeof config?.region === 'function' ? await (config.region as () => Promise<string>)() : '';
  const output: unknown = await Promise.resolve(call.returnValue).catch(() => undefined);
  return {
    kind: 'sdk',
    lambda,
    service,
    operation: command.constructor.name.replace(/Command$/, ''),
    input: command.input ?? {},
    region: String(region),
    output,
  };
}

function httpCallOf(
  lambda: LambdaId,
  [url, init]: [string | URL | Request, RequestInit | undefined],
): HttpCall {
  const headers = Object.fromEntries(
    Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [
      k.toLowerCase(),
      String(v),
    ]),
  );
  return { kind: 'http', lambda, method: init?.method ?? 'GET', url: String(url), headers };
}

/**
 * Records the AWS SDK commands and HTTP requests of each Lambda invocation of the state machine
 * tests' runner, from the aws-sdk-client-mock stubs and the fetch mock the fakes install. Each
 * invocation owns the calls made between its start and its end: invocations never overlap, which
 * the recorder checks rather than assumes.
 */
export class AwsCallRecorder {
  readonly calls: RecordedCall[] = [];
  private running: LambdaId | undefined;

  readonly wrap: InvocationWrapper = async (lambda, invoke) => {
    if (this.running)
      throw new Error(`${lambda} started while ${this.running} runs: their calls could not be told apart`);
    const stubs = CLIENTS.map(({ client, service }) => ({ stub: stubOf(client), service }));
    const marks = stubs.map(({ stub }) => stub.getCalls().length);
    const httpMark = fetchMock().mock.calls.length;
    this.running = lambda;
    try {
      return await invoke();
    } finally {
      this.running = undefined;
      for (const [i, { stub, service }] of stubs.entries())
        for (const call of stub.getCalls().slice(marks[i]))
          this.calls.push(await sdkCallOf(lambda, service, call));
      for (const call of fetchMock().mock.calls.slice(httpMark))
        this.calls.push(httpCallOf(lambda, call as [string, RequestInit | undefined]));
    }
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import AWSXRay from 'aws-xray-sdk-core';
import { createDynamoDbClient } from '../../../../lambdas/clients/aws-dynamodb';
import { sendHttp } from '../../../../lambdas/clients/http';
import { instrumented } from '../../../../lambdas/observability/instrumented';

/**
 * With tracing on (as in Lambda: AWS_EXECUTION_ENV set, before the Tracer is first made), an
 * invocation is a `## <LambdaId>` subsegment of the facade segment, and a request the handler makes
 * with the global fetch (lambdas/clients/http.ts, as for Loki, AMP and Grafana) is a subsegment
 * under it, made by the Tracer's undici instrumentation, and so is each call of an SDK client from
 * lambdas/clients (captureAWSv3Client).
 */
process.env['AWS_EXECUTION_ENV'] = 'AWS_Lambda_nodejs24.x';
delete process.env['POWERTOOLS_TRACE_ENABLED'];

let server: Server;
let url: URL;
beforeAll(async () => {
  // Loki's /ready for GET; an empty DynamoDB answer for the SDK's POST.
  server = createServer((req, res) => {
    if (req.method === 'POST') res.setHeader('content-type', 'application/x-amz-json-1.0');
    res.end(req.method === 'POST' ? '{}' : 'ready');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: url.origin,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  delete process.env['AWS_EXECUTION_ENV'];
});

it('traces the invocation, its AWS SDK calls and its fetch requests as subsegments, annotated with the execution', async () => {
  // Lambda's facade segment, current in X-Ray's context as the runtime makes it for each invocation.
  const facade = new AWSXRay.Segment('alloy-rollout-Loki');
  const handler = instrumented('Loki', async () => {
    const answer = await sendHttp({ method: 'GET', url }, { dependency: 'Loki' });
    const dynamodb = createDynamoDbClient('eu-west-1');
    await dynamodb.send(new GetItemCommand({ TableName: 'locks', Key: { cluster: { S: 'c' } } }));
    dynamodb.destroy();
    return { verdict: 'passed', progress: { step: 'loki', status: 'ok', message: answer.text } };
  });
  const namespace = AWSXRay.getNamespace();
  await namespace.runPromise(async () => {
    AWSXRay.setSegment(facade);
    await handler({
      action: 'poll',
      executionArn: 'arn:aws:states:eu-west-1:1:execution:m:run-1',
      state: {},
    });
  });
  const doc = JSON.parse(JSON.stringify(facade)) as {
    subsegments?: {
      name: string;
      annotations?: Record<string, unknown>;
      subsegments?: { name: string; http?: unknown; aws?: unknown }[];
    }[];
  };
  const invocation = doc.subsegments?.find((s) => s.name === '## Loki');
  expect(invocation?.annotations).toMatchObject({
    executionArn: 'arn:aws:states:eu-west-1:1:execution:m:run-1',
    lambdaId: 'Loki',
    verdict: 'passed',
  });
  // captureAWSv3Client names the subsegment after the service (aws-xray-sdk-core patchers/aws3_p).
  expect(invocation?.subsegments).toContainEqual(
    expect.objectContaining({ name: 'DynamoDB', aws: expect.objectContaining({ operation: 'GetItem' }) }),
  );
  expect(invocation?.subsegments).toContainEqual(
    expect.objectContaining({
      name: '127.0.0.1',
      http: expect.objectContaining({ request: expect.objectContaining({ method: 'GET' }) }),
    }),
  );
});

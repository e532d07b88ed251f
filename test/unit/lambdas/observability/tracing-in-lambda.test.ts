import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../../..');

/**
 * With tracing on (as in Lambda), an invocation is a `## <LambdaId>` subsegment of the facade
 * segment, and under it each SDK call (captureAWSv3Client) and each fetch request (the Tracer's
 * undici instrumentation). Run in a process of its own (test/fixtures/observability): an enabled
 * Tracer instruments http and fetch process-wide.
 */
it('traces the invocation, its AWS SDK calls and its fetch requests as subsegments, annotated with the execution', async () => {
  const { stdout } = await promisify(execFile)(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(ROOT, 'test', 'fixtures', 'observability', 'traced-invocation.ts')],
    { cwd: ROOT, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
  );
  const facade = JSON.parse(stdout) as {
    subsegments?: {
      name: string;
      annotations?: Record<string, unknown>;
      subsegments?: { name: string; http?: unknown; aws?: unknown }[];
    }[];
  };
  const invocation = facade.subsegments?.find((s) => s.name === '## Loki');
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
}, 30_000);

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { parsePlanOrThrow } from '../../../../core/plan/parse';
import type { AnyTaskDefinition } from '../../../../core/taskdef';
import { MAX_LINES_PER_CONTAINER, measureJsonBaseline } from '../../../../lambdas/measure/json-baseline';
import { CloudWatchLogsTwin } from '../../../../sandbox/aws/cloudwatch-logs';
import { handleAwsJson } from '../../../../sandbox/aws/protocol';
import { describedHistory, planDoc } from '../fixtures';

/**
 * The CloudWatch baseline read through the real SDK client against the sandbox's CloudWatch Logs
 * twin (the same wire protocol the Lambda speaks on AWS).
 */

const NOW = 1_700_000_600_000;
const GROUP = '/ecs/temporal-dev/temporal-history';
const plan = parsePlanOrThrow(planDoc());
const WINDOW = plan.verification.logs.window;

let twin: CloudWatchLogsTwin;
let server: Server;
let client: CloudWatchLogsClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    void handleAwsJson([twin.service()], req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new CloudWatchLogsClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  twin = new CloudWatchLogsTwin('eu-west-1', '123456789012', () => NOW);
  twin.createGroup(GROUP);
});

const json = (i: number) => JSON.stringify({ level: 'info', msg: `line ${i}` });

/** `count` lines in a stream, 5 a second up to `endMs`; `plain(i)` says which are not JSON. */
function write(stream: string, count: number, plain: (i: number) => boolean, endMs = NOW - 1000): void {
  twin.append(
    GROUP,
    stream,
    Array.from({ length: count }, (_, i) => ({
      timestamp: endMs - (count - 1 - i) * 200,
      message: plain(i) ? `goroutine ${i} [running]:` : json(i),
    })),
  );
}

function history(): AnyTaskDefinition {
  return describedHistory() as unknown as AnyTaskDefinition;
}

function measure(td: AnyTaskDefinition = history(), mainContainers = ['temporal-history']) {
  return measureJsonBaseline({ logs: client, plan, taskDefinition: td, mainContainers, atMs: NOW });
}

describe('measureJsonBaseline against the CloudWatch Logs twin', () => {
  it("measures the main container's share of non-JSON lines over the logs window", async () => {
    write('temporal-history/temporal-history/task-a', 100, (i) => i % 20 === 0);
    write('temporal-history/temporal-history/task-b', 100, () => false);
    const baseline = await measure();
    expect(baseline).toMatchObject({
      kind: 'measured',
      lines: 200,
      nonJsonLines: 5,
      share: 0.025,
      sampled: false,
      window: { startMs: NOW - WINDOW, endMs: NOW },
    });
    if (baseline.kind === 'measured')
      expect(baseline.source).toContain(`${GROUP} streams temporal-history/temporal-history/*`);
  });

  it("reads only the main container's streams, not a helper's in the same group, nor lines before the window", async () => {
    write('temporal-history/temporal-history/task-a', 50, () => false);
    write('helper/helper/task-a', 50, () => true);
    write('temporal-history/temporal-history/task-a', 30, () => true, NOW - WINDOW - 60_000);
    expect(await measure()).toMatchObject({ kind: 'measured', lines: 50, nonJsonLines: 0 });
  });

  it('samples at most the per-container cap and says it sampled', async () => {
    write('temporal-history/temporal-history/task-a', MAX_LINES_PER_CONTAINER + 200, (i) => i % 10 === 0);
    expect(await measure()).toMatchObject({
      kind: 'measured',
      lines: MAX_LINES_PER_CONTAINER,
      nonJsonLines: MAX_LINES_PER_CONTAINER / 10,
      sampled: true,
    });
  });

  it('is unavailable, naming the count, when the window holds too few lines', async () => {
    write('temporal-history/temporal-history/task-a', 3, () => false);
    const baseline = await measure();
    expect(baseline.kind).toBe('unavailable');
    if (baseline.kind === 'unavailable') expect(baseline.reason).toMatch(/only 3 line\(s\) in CloudWatch/);
  });

  it('is unavailable, naming the group and the error, when the group cannot be read', async () => {
    twin = new CloudWatchLogsTwin('eu-west-1', '123456789012', () => NOW);
    const baseline = await measure();
    expect(baseline.kind).toBe('unavailable');
    if (baseline.kind === 'unavailable')
      expect(baseline.reason).toMatch(
        new RegExp(
          `could not read ${GROUP} streams temporal-history/temporal-history/\\*: .*log group does not exist`,
        ),
      );
  });

  it('is unavailable when no main container logs with awslogs', async () => {
    const td = history();
    const body = (td as { taskDefinition: { containerDefinitions: { logConfiguration?: unknown }[] } })
      .taskDefinition;
    for (const c of body.containerDefinitions) c.logConfiguration = { logDriver: 'json-file' };
    const baseline = await measure(td);
    expect(baseline).toEqual({
      kind: 'unavailable',
      reason: 'no main container logs to CloudWatch with awslogs (temporal-history): nothing to compare with',
    });
  });
});

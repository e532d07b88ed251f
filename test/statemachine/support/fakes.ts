import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { simulationAnswer } from '../../support/iam-simulation';
import { requestedTimeMs } from '../../support/query-time';
import { installStorageFakes, LOKI_SUBNETS } from './loki-storage';
import { harnessExecutions } from './runner';
import { CLUSTER, LOKI_SERVICE, type World } from './world';

/** Wires the AWS SDK clients to the world (aws-sdk-client-mock) and fetch to fake Loki and AMP. */
export function installFakes(world: World): () => void {
  const ecs = mockClient(ECSClient);
  const ddb = mockClient(DynamoDBClient);
  const ssm = mockClient(SSMClient);
  const logs = mockClient(CloudWatchLogsClient);
  const iam = mockClient(IAMClient);
  const sfn = mockClient(SFNClient);
  // No Lambda of the definition publishes (ExecutionEnded runs outside it); stubbed so none reaches AWS.
  const sns = mockClient(SNSClient);

  // The lock's takeover rule and the child gate describe executions: the ones a test set on the
  // world, then the harness's own (RUNNING while their states run), else none.
  sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
    const status = world.executions.get(input.executionArn) ?? harnessExecutions.get(input.executionArn);
    if (!status)
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${input.executionArn}'`,
        $metadata: {},
      });
    return { executionArn: input.executionArn, status, startDate: new Date(world.nowMs) };
  });

  ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
    if ((world.faults.ecsThrottles ?? 0) > 0) {
      world.faults.ecsThrottles = (world.faults.ecsThrottles ?? 0) - 1;
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    const name = input.services[0]!;
    const described = world.describeService(name);
    // Loki runs in awsvpc mode: its subnets are where the S3 gateway endpoint is checked.
    const s =
      described && name === LOKI_SERVICE
        ? { ...described, networkConfiguration: { awsvpcConfiguration: { subnets: [...LOKI_SUBNETS] } } }
        : described;
    return s
      ? { services: [s], failures: [] }
      : {
          services: [],
          failures: [
            { arn: `arn:aws:ecs:eu-west-1:123456789012:service/${CLUSTER}/${name}`, reason: 'MISSING' },
          ],
        };
  });
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const td = world.describeTaskDefinition(input.taskDefinition);
    if (!td)
      throw Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' });
    return td;
  });
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input) => {
    const arn = world.registerTaskDefinition(input);
    return { taskDefinition: { taskDefinitionArn: arn } };
  });
  ecs
    .on(UpdateServiceCommand)
    .callsFake(
      (input: {
        service: string;
        taskDefinition: string;
        desiredCount?: number;
        forceNewDeployment?: boolean;
      }) => ({
        service: world.updateService(
          input.service,
          input.taskDefinition,
          input.desiredCount,
          input.forceNewDeployment,
        ),
      }),
    );
  ecs.on(ListTasksCommand).callsFake((input: { serviceName: string }) => ({
    taskArns: world.service(input.serviceName).tasks.map((t) => t.taskArn),
  }));
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: [...world.services.values()]
      .flatMap((s) => s.tasks)
      .filter((t) => input.tasks.includes(t.taskArn))
      .map((t) => ({ ...t, lastStatus: 'RUNNING' })),
  }));

  ddb
    .on(PutItemCommand)
    .callsFake(
      (input: {
        Item: Record<string, { S?: string; N?: string }>;
        ExpressionAttributeValues: Record<string, { S?: string; N?: string }>;
        ReturnValues?: string;
      }) => {
        const key = input.Item.cluster!.S!;
        const held = world.lock.get(key);
        // Acquire: free or ours (`:me`); takeover: a compare-and-swap on the judged holder (`:holder`).
        const holder = input.ExpressionAttributeValues[':holder']?.S;
        const me = input.ExpressionAttributeValues[':me']?.S;
        const allowed = holder !== undefined ? held?.owner === holder : !held || held.owner === me;
        if (!allowed)
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        world.lock.set(
          key,
          Object.fromEntries(Object.entries(input.Item).map(([k, v]) => [k, String(v.S ?? v.N)])),
        );
        return input.ReturnValues === 'ALL_OLD' && held
          ? { Attributes: Object.fromEntries(Object.entries(held).map(([k, v]) => [k, { S: v }])) }
          : {};
      },
    );
  ddb.on(GetItemCommand).callsFake((input: { Key: { cluster: { S: string } } }) => {
    const item = world.lock.get(input.Key.cluster.S);
    // expiresAt is a number attribute (N), as the Lock step writes it and DynamoDB returns it.
    return item
      ? {
          Item: Object.fromEntries(
            Object.entries(item).map(([k, v]) => [k, k === 'expiresAt' ? { N: v } : { S: v }]),
          ),
        }
      : {};
  });
  ddb
    .on(DeleteItemCommand)
    .callsFake(
      (input: {
        Key: { cluster: { S: string } };
        ExpressionAttributeValues: Record<string, { S: string }>;
      }) => {
        const item = world.lock.get(input.Key.cluster.S);
        if (!item || item.owner !== input.ExpressionAttributeValues[':me']!.S)
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        world.lock.delete(input.Key.cluster.S);
        return {};
      },
    );

  ssm.on(PutParameterCommand).callsFake((input: { Name: string; Value: string }) => {
    if (world.faults.ssmDenied?.some((name) => input.Name.includes(`/${name}/`)))
      throw Object.assign(new Error('not authorized to perform: ssm:PutParameter'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      });
    world.ssm.set(input.Name, input.Value);
    return { Version: 1 };
  });
  // The collectors' configs (seeded by the world); SSM takes a parameter's name or its ARN.
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    const name = input.Name.replace(/^arn:aws:ssm:[^:]+:\d+:parameter(?=\/)/, '');
    const value = world.ssm.get(name);
    if (value === undefined)
      throw Object.assign(new Error(`parameter ${input.Name} not found`), {
        name: 'ParameterNotFound',
        $metadata: { httpStatusCode: 400 },
      });
    return { Parameter: { Name: name, Type: 'String', Value: value, Version: 1 } };
  });

  // Preflight's permission check: allowed unless the test denies an action.
  iam
    .on(SimulatePrincipalPolicyCommand)
    .callsFake((input) =>
      simulationAnswer(input, (_role, action) =>
        world.faults.permissionDenied?.includes(action) ? 'implicitDeny' : 'allowed',
      ),
    );

  logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupNamePrefix: string }) => ({
    logGroups: [...world.logGroups.entries()]
      .filter(([n]) => n.startsWith(input.logGroupNamePrefix))
      .map(([logGroupName, g]) => ({ logGroupName, ...g })),
  }));
  logs.on(CreateLogGroupCommand).callsFake((input: { logGroupName: string }) => {
    if (world.logGroups.has(input.logGroupName))
      throw new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} });
    world.logGroups.set(input.logGroupName, {});
    return {};
  });
  logs.on(PutRetentionPolicyCommand).callsFake((input: { logGroupName: string; retentionInDays: number }) => {
    world.logGroups.set(input.logGroupName, { retentionInDays: input.retentionInDays });
    return {};
  });
  logs
    .on(FilterLogEventsCommand)
    .callsFake(
      (input: { logGroupName: string; startTime: number; endTime?: number; logStreamNames?: string[] }) => ({
        events: input.logStreamNames
          ? world.shadowCloudWatchEvents(
              input.logGroupName,
              input.logStreamNames,
              input.startTime,
              input.endTime ?? Number.MAX_SAFE_INTEGER,
            )
          : world.cloudWatchEvents(input.logGroupName, input.startTime),
      }),
    );

  const fetchSpy = jest
    .spyOn(globalThis, 'fetch')
    .mockImplementation(async (url: string | URL | Request, init?: RequestInit) =>
      fakeHttp(world, new URL(String(url)), init),
    );
  const nowSpy = jest.spyOn(Date, 'now').mockImplementation(() => world.tick());
  const uninstallStorage = installStorageFakes(world.lokiStorage);
  return () => {
    uninstallStorage();
    ecs.restore();
    ddb.restore();
    ssm.restore();
    logs.restore();
    iam.restore();
    sfn.restore();
    sns.restore();
    fetchSpy.mockRestore();
    nowSpy.mockRestore();
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const vector = (result: unknown[]) => json({ status: 'success', data: { resultType: 'vector', result } });

/** The evaluation time an instant query asked for, in seconds (samples carry it so). */
function requestedSeconds(url: URL, init?: RequestInit): number | undefined {
  const ms = requestedTimeMs(url, init?.body ? String(init.body) : undefined);
  return ms === undefined ? undefined : ms / 1000;
}

/** Prometheus and Loki stamp every sample of an instant query with the requested time. */
function stampedAt(at: number | undefined, result: { metric: unknown; value: readonly unknown[] }[]) {
  return at === undefined ? result : result.map((r) => ({ ...r, value: [at, r.value[1]] }));
}
const serviceOf = (query: string) => /service_name="([^"]+)"/.exec(query)?.[1] ?? '';
/** The ids of a `task_id=~"a|b"` matcher, or undefined without one. */
const taskIdsOf = (query: string) => /task_id=~"([^"]+)"/.exec(query)?.[1]?.split('|');

function fakeHttp(world: World, url: URL, init?: RequestInit): Response {
  if (url.hostname.startsWith('loki')) {
    world.calls.push(`loki ${url.pathname}`);
    // /ready reports 5xx as "not ready" by design; the injected statuses hit the API calls.
    const status = url.pathname === '/ready' ? undefined : world.faults.lokiStatuses?.shift();
    if (status !== undefined)
      return new Response(status === 429 ? 'Too Many Requests' : 'upstream error', { status });
    if (url.pathname === '/ready')
      return world.faults.lokiNotReady
        ? new Response('Ingester not ready: waiting for 15s after being ready', { status: 503 })
        : new Response('ready', { status: 200 });
    if (url.pathname === '/config') return new Response(world.lokiStorage.config(), { status: 200 });
    if (url.pathname === '/flush' && init?.method === 'POST') {
      world.lokiStorage.flush(world.nowMs);
      return new Response(null, { status: 204 });
    }
    if (url.pathname === '/loki/api/v1/push') {
      const body = JSON.parse(String(init?.body)) as {
        streams: { stream: Record<string, string>; values: [string, string][] }[];
      };
      if (!world.faults.canaryLost)
        for (const s of body.streams)
          for (const [ts, line] of s.values) world.canaryLines.push({ labels: s.stream, ts, line });
      return new Response(null, { status: 204 });
    }
    const query = url.searchParams.get('query') ?? '';
    if (url.pathname === '/loki/api/v1/query_range') {
      const marker = /\|= "(.*)"$/.exec(query)?.[1] ?? '';
      const found = world.canaryLines.filter((l) => l.line.includes(marker));
      return json({
        status: 'success',
        data: {
          resultType: 'streams',
          result: found.map((l) => ({ stream: l.labels, values: [[l.ts, l.line]] })),
        },
      });
    }
    if (url.pathname === '/loki/api/v1/series')
      return json({
        status: 'success',
        data: world.lokiSeries(serviceOf(url.searchParams.get('match[]') ?? '')),
      });
    if (url.pathname === '/loki/api/v1/query') {
      const at = requestedSeconds(url, init);
      // The example plan's own check counts error lines per service: none, so Loki answers no series.
      if (query.includes('level="error"')) return vector([]);
      // The shadow step counts per task and container while the shadow revision runs.
      const shadowRange = /\[(\d+)(ms|s|m|h)\]\)\)$/.exec(query);
      if (query.includes('container_name)') && shadowRange && world.runsShadow(serviceOf(query))) {
        const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[shadowRange[2] as 'ms' | 's' | 'm' | 'h'];
        return vector(
          world.shadowLokiLines(
            serviceOf(query),
            Number(shadowRange[1]) * unit,
            (at ?? world.nowMs / 1000) * 1000,
          ),
        );
      }
      // The logs check groups by task_id, container_name once Register names the containers.
      const perContainer = query.includes('container_name)');
      if (query.includes('__error__'))
        return vector(stampedAt(at, world.lokiJsonErrorsByTask(serviceOf(query), perContainer)));
      if (query.includes('service_name='))
        return vector(stampedAt(at, world.lokiLinesByTask(serviceOf(query), perContainer)));
      return vector(stampedAt(at, [{ metric: {}, value: [world.nowMs / 1000, '0'] }]));
    }
    return new Response('not found', { status: 404 });
  }
  if (url.hostname.startsWith('aps-workspaces')) {
    world.calls.push(`amp ${url.pathname}`);
    const form = new URLSearchParams(String(init?.body ?? ''));
    const query = form.get('query') ?? '';
    const at = requestedSeconds(url, init);
    if (url.pathname.endsWith('/api/v1/series')) {
      const match = form.get('match[]') ?? '';
      if (world.faults.ampSeriesRejected?.includes(serviceOf(match)))
        return json(
          { status: 'error', errorType: 'bad_data', error: 'query processing would load too many samples' },
          422,
        );
      return json({ status: 'success', data: world.ampSeries(serviceOf(match), taskIdsOf(match)) });
    }
    const range = /\[(\d+)(ms|s|m|h)\]$/.exec(query);
    if (query.startsWith('up') && range) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[range[2] as 'ms' | 's' | 'm' | 'h'];
      const series = world.ampUpSamples(serviceOf(query), Number(range[1]) * unit, taskIdsOf(query));
      return json({ status: 'success', data: { resultType: 'matrix', result: series } });
    }
    if (query.startsWith('up')) return vector(stampedAt(at, world.ampUp(serviceOf(query))));
    if (query.startsWith('count(')) return vector(stampedAt(at, world.ampSeriesCount(serviceOf(query))));
    // alloy-health: Alloy's own metrics (core/queries alloySelfMetrics).
    if (query.startsWith('{__name__=~')) return vector(stampedAt(at, world.ampAlloySelf(serviceOf(query))));
    return vector(stampedAt(at, [{ metric: {}, value: [world.nowMs / 1000, '1'] }]));
  }
  return new Response('unexpected host', { status: 599 });
}

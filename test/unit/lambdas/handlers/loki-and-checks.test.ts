import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as loki } from '../../../../lambdas/handlers/loki';
import { handler as verifyLogs } from '../../../../lambdas/handlers/verify-logs';
import { handler as verifyMetrics } from '../../../../lambdas/handlers/verify-metrics';
import { HISTORY_ALLOY_TD, event, historyItem, planDoc, window } from '../fixtures';
import {
  TASK_ID,
  serveFetch,
  stubRunningTask,
  useExampleCredentials,
  vectorAt,
  type SeenRequest,
} from './support';

const ecs = mockClient(ECSClient);
const secrets = mockClient(SecretsManagerClient);
const LOKI_TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-loki:3';

let requests: SeenRequest[];

beforeEach(() => {
  ecs.reset();
  secrets.reset();
  requests = [];
  useExampleCredentials();
  stubRunningTask(ecs, HISTORY_ALLOY_TD);
});
afterEach(() => jest.restoreAllMocks());

describe('Loki', () => {
  it('deploy: updates count and image, returning the deployment to watch', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        { serviceName: 'temporal-dev-loki', status: 'ACTIVE', taskDefinition: LOKI_TD, desiredCount: 0 },
      ],
    });
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        family: 'temporal-dev-loki',
        taskDefinitionArn: LOKI_TD,
        containerDefinitions: [{ name: 'loki', image: 'grafana/loki:3.4.0' }],
      },
    });
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: `${LOKI_TD.slice(0, -1)}4` } });
    ecs
      .on(UpdateServiceCommand)
      .resolves({ service: { deployments: [{ id: 'ecs-svc/9', status: 'PRIMARY' }] } });
    const out = await loki(event('deploy', {}));
    expect(
      ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input.containerDefinitions?.[0]?.image,
    ).toBe('grafana/loki:3.5.3');
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      service: 'temporal-dev-loki',
      desiredCount: 1,
      taskDefinition: `${LOKI_TD.slice(0, -1)}4`,
    });
    expect(out).toMatchObject({
      verdict: 'pending',
      stage: 'deployment',
      target: { deploymentId: 'ecs-svc/9' },
    });
  });

  it('poll: /ready and the canary push in one poll, the exact read-back in the next, with tenant and basic auth', async () => {
    const plan = planDoc() as { loki: Record<string, unknown> };
    plan.loki = {
      ...plan.loki,
      service: undefined,
      tenant: 'team-a',
      authSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-abc',
    };
    delete plan.loki.service;
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ username: 'u', password: 'p' }) });
    let pushed: { stream: Record<string, string>; values: [string, string][] } | undefined;
    requests = serveFetch((url, init) => {
      if (url.pathname === '/ready') return new Response('ready');
      if (url.pathname === '/loki/api/v1/push') {
        pushed = (JSON.parse(String(init?.body)) as { streams: NonNullable<typeof pushed>[] }).streams[0]!;
        return new Response(null, { status: 204 });
      }
      if (url.pathname === '/loki/api/v1/query_range')
        return new Response(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'streams',
              result: pushed ? [{ stream: pushed.stream, values: pushed.values }] : [],
            },
          }),
        );
      return undefined;
    });
    const executionArn = 'arn:aws:states:eu-west-1:1:execution:sm:run-7';
    const state = { verdict: 'pending', stage: 'ready', target: null, window: window(), checks: [] };
    const first = await loki({ action: 'poll', executionArn, state: { plan, loki: state } });
    expect(first).toMatchObject({
      verdict: 'pending',
      stage: 'canary',
      canary: { marker: expect.stringMatching(/^run-7-/) },
    });
    expect(first.checks.map((c) => c.name)).toEqual(['loki-ready']);
    expect(requests.filter((r) => r.url.pathname === '/loki/api/v1/query_range')).toHaveLength(0);
    expect(pushed?.values[0]![1]).toBe(`alloy-rollout canary ${first.canary!.marker}`);
    expect(pushed?.stream).toEqual({
      source: 'alloy-rollout-canary',
      service_name: 'alloy-rollout-canary',
      cluster: 'temporal-dev',
    });

    const second = await loki({ action: 'poll', executionArn, state: { plan, loki: first } });
    expect(second).toMatchObject({ verdict: 'passed', stage: 'done' });
    expect(second.checks.map((c) => c.name)).toEqual(['loki-ready', 'loki-canary']);
    expect(requests.filter((r) => r.url.pathname === '/loki/api/v1/push')).toHaveLength(1);
    const query = requests.find((r) => r.url.pathname === '/loki/api/v1/query_range')!;
    expect(query.url.searchParams.get('query')).toContain(first.canary!.marker);
    const headers = query.init?.headers as Record<string, string>;
    expect(headers['X-Scope-OrgID']).toBe('team-a');
    expect(headers['X-Loki-Response-Encoding-Flags']).toBe('categorize-labels');
    expect(headers.Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('poll: Loki not ready is pending, and failed with a cause at the deadline', async () => {
    requests = serveFetch((url) =>
      url.pathname === '/ready' ? new Response('Ingester not ready', { status: 503 }) : undefined,
    );
    const pending = await loki(
      event('poll', {
        loki: { verdict: 'pending', stage: 'ready', target: null, window: window(), checks: [] },
      }),
    );
    expect(pending.verdict).toBe('pending');
    const late = { startedAtMs: Date.now() - 3_600_000, allowanceMs: 60_000, attempts: 9 };
    const failed = await loki(
      event('poll', { loki: { verdict: 'pending', stage: 'ready', target: null, window: late, checks: [] } }),
    );
    expect(failed).toMatchObject({ verdict: 'failed', cause: { service: 'loki', check: 'loki-ready' } });
  });

  it('poll: a throttled push is thrown for Retry', async () => {
    requests = serveFetch((url) =>
      url.pathname === '/ready' ? new Response('ready') : new Response('slow down', { status: 429 }),
    );
    await expect(
      loki(
        event('poll', {
          loki: { verdict: 'pending', stage: 'ready', target: null, window: window(), checks: [] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ThrottledError' });
  });

  it('poll: needs the deploy result', async () => {
    await expect(loki(event('poll', {}))).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringContaining('state.loki'),
    });
  });
});

describe('VerifyLogs', () => {
  const update = { taskDefinitionArn: HISTORY_ALLOY_TD, deploymentId: 'ecs-svc/2', window: window() };
  const labels = {
    service_name: 'history',
    cluster: 'temporal-dev',
    container_name: 'temporal-history',
    task_id: TASK_ID,
    level: 'info',
  };

  it('passes when the new task has lines, labels and parseable JSON', async () => {
    requests = serveFetch((url, init) => {
      if (url.pathname === '/loki/api/v1/series')
        return new Response(JSON.stringify({ status: 'success', data: [labels] }));
      const q = url.searchParams.get('query') ?? '';
      return vectorAt(
        url,
        init,
        q.includes('__error__') ? [] : [{ metric: { task_id: TASK_ID }, value: '12' }],
      );
    });
    const out = await verifyLogs(event('logs', { service: historyItem, update }));
    expect(out).toMatchObject({ verdict: 'passed', check: { name: 'logs', verdict: 'passed' } });
    expect(requests.map((r) => r.url.pathname)).toEqual([
      '/loki/api/v1/query',
      '/loki/api/v1/query',
      '/loki/api/v1/series',
    ]);
  });

  it('a missing label fails with the evidence', async () => {
    const withoutLevel: Record<string, string> = { ...labels };
    delete withoutLevel.level;
    requests = serveFetch((url, init) => {
      if (url.pathname === '/loki/api/v1/series')
        return new Response(JSON.stringify({ status: 'success', data: [withoutLevel] }));
      return vectorAt(
        url,
        init,
        (url.searchParams.get('query') ?? '').includes('__error__')
          ? []
          : [{ metric: { task_id: TASK_ID }, value: '12' }],
      );
    });
    const out = await verifyLogs(event('logs', { service: historyItem, update }));
    expect(out.verdict).toBe('failed');
    expect(out.cause).toMatchObject({ service: 'history', check: 'logs' });
  });

  it('Loki 5xx is thrown as TransientError for Retry', async () => {
    requests = serveFetch(() => new Response('boom', { status: 502 }));
    await expect(verifyLogs(event('logs', { service: historyItem, update }))).rejects.toMatchObject({
      name: 'TransientError',
    });
  });
});

describe('VerifyMetrics', () => {
  const update = { taskDefinitionArn: HISTORY_ALLOY_TD, deploymentId: 'ecs-svc/2', window: window() };
  type Sample = { metric: unknown; value: string };
  const amp = (up: Sample[], count: Sample[]) =>
    (requests = serveFetch((url, init) => {
      if (url.hostname.startsWith('aps-workspaces')) {
        const q = new URLSearchParams(String(init?.body)).get('query') ?? '';
        return vectorAt(url, init, q.startsWith('up') ? up : count);
      }
      return vectorAt(url, init, [{ metric: {}, value: '3' }]);
    }));

  it('passes on up=1 for every task, enough series and the plan check; returns the summary', async () => {
    amp([{ metric: { task_id: TASK_ID }, value: '1' }], [{ metric: {}, value: '118' }]);
    const out = await verifyMetrics(event('metrics', { service: historyItem, update }));
    expect(out.verdict).toBe('passed');
    expect(out.summary).toMatchObject({
      name: 'history',
      outcome: 'migrated',
      taskDefinitionAfter: HISTORY_ALLOY_TD,
      finalCollector: 'alloy',
    });
    expect(out.summary?.checks.map((c) => c.name)).toEqual(['metrics', 'no-error-burst']);
    const signed = requests.find((r) => r.url.hostname.startsWith('aps-workspaces'))!;
    expect((signed.init?.headers as Record<string, string>).authorization).toMatch(
      /^AWS4-HMAC-SHA256 .*\/aps\/aws4_request/,
    );
  });

  it('a plan check whose query returns several series is an error naming the count, not their sum', async () => {
    requests = serveFetch((url, init) => {
      if (url.hostname.startsWith('aps-workspaces')) {
        const q = new URLSearchParams(String(init?.body)).get('query') ?? '';
        return vectorAt(
          url,
          init,
          q.startsWith('up')
            ? [{ metric: { task_id: TASK_ID }, value: '1' }]
            : [{ metric: {}, value: '118' }],
        );
      }
      return vectorAt(url, init, [
        { metric: { level: 'error', task_id: 'a' }, value: '3' },
        { metric: { level: 'error', task_id: 'b' }, value: '4' },
      ]);
    });
    const out = await verifyMetrics(event('metrics', { service: historyItem, update }));
    expect(out.verdict).toBe('pending');
    expect(out.check.verdict).toBe('error');
    expect(out.check.message).toContain('no-error-burst: could not measure: the query returned 2 series');
    expect(out.check.evidence.checks).toEqual([
      expect.objectContaining({ name: 'no-error-burst', verdict: 'error' }),
    ]);
  });

  it('no data is pending, never passed', async () => {
    amp([], []);
    const out = await verifyMetrics(event('metrics', { service: historyItem, update }));
    expect(out.verdict).toBe('pending');
  });
});

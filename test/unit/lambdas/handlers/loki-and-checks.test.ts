import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as loki } from '../../../../lambdas/handlers/loki';
import { handler as verify, type VerifyResult } from '../../../../lambdas/handlers/verify';
import { HISTORY_ALLOY_TD, HISTORY_TD, event, historyItem, planDoc, window } from '../fixtures';
import {
  TASK_ID,
  carried,
  serveFetch,
  stubPrimaryDeployment,
  stubRunningTask,
  useClock,
  useExampleCredentials,
  vectorAt,
  healthyAlloySelf,
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
    // The storage checks have their own tests (loki-storage.test.ts): here the plan states none.
    delete plan.loki.retention;
    delete plan.loki.storage;
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
    expect(second.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['loki-ready', 'passed'],
      ['loki-canary', 'passed'],
      ['loki-retention', 'skipped'],
      ['loki-object-store', 'skipped'],
      ['loki-s3-endpoint', 'skipped'],
      ['loki-chunks-flushed', 'skipped'],
    ]);
    expect(second.checks[2]!.message).toBe('skipped: the plan states no loki.retention');
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

/**
 * Verify: one poll reads the deployment (DescribeServices) and the RUNNING tasks of the new
 * revision (ListTasks + DescribeTasks with startedAt) and, once they run, logs, metrics and the
 * plan's check on them. Every case runs on one fixed clock; the example plan verifies with a 2m
 * soak, 10s polls, a 30s logs deadline (silence window 20s) and 2m for metrics and plan checks.
 */
const S = 1000;
/** When UpdateService ran: the deployment's deadline counts from here. */
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
/** The new task reaches RUNNING 20 s after the update; ECS says the deployment completed at 60 s. */
const TASK_STARTED = T0 + 20 * S;
const COMPLETED = T0 + 60 * S;
const SOAK = 120 * S;

type Sample = { metric: unknown; value: string };
const streamLabels = {
  service_name: 'history',
  cluster: 'temporal-dev',
  container_name: 'temporal-history',
  task_id: TASK_ID,
  level: 'info',
};
const ofTask = (value: string): Sample[] => [{ metric: { task_id: TASK_ID }, value }];

/** What Loki and AMP answer; every field defaults to a healthy migrated task. */
interface Telemetry {
  /** Lines per task over the plan's logs window (5m). */
  lines?: Sample[];
  /** Lines per task over the silence window (20s). */
  recent?: Sample[];
  /** Lines per task over two silence windows (40s). */
  twoWindows?: Sample[];
  jsonErrors?: Sample[];
  streams?: Record<string, string>[];
  up?: Sample[];
  seriesCount?: Sample[];
  /** The plan's no-error-burst check (a LogQL count of error lines). */
  errorBurst?: Sample[];
  /** Alloy's own metrics of the task (alloySelfMetrics). */
  alloySelf?: Sample[];
}

/** Serves Loki and AMP from `t`, samples stamped with the requested time; returns the requests seen. */
function serveTelemetry(t: Telemetry = {}): SeenRequest[] {
  return serveFetch((url, init) => {
    if (url.hostname.startsWith('aps-workspaces')) {
      const q = new URLSearchParams(String(init?.body)).get('query') ?? '';
      if (q.startsWith('up')) return vectorAt(url, init, t.up ?? ofTask('1'));
      if (q.startsWith('{__name__=~'))
        return vectorAt(url, init, t.alloySelf ?? healthyAlloySelf(TASK_ID, TASK_STARTED));
      return vectorAt(url, init, t.seriesCount ?? [{ metric: {}, value: '118' }]);
    }
    if (url.pathname === '/loki/api/v1/series')
      return new Response(JSON.stringify({ status: 'success', data: t.streams ?? [streamLabels] }));
    if (url.pathname !== '/loki/api/v1/query') return undefined;
    const q = url.searchParams.get('query') ?? '';
    if (q.includes('level="error"')) return vectorAt(url, init, t.errorBurst ?? []);
    if (q.includes('__error__')) return vectorAt(url, init, t.jsonErrors ?? []);
    if (q.includes('[5m]')) return vectorAt(url, init, t.lines ?? ofTask('300'));
    if (q.includes('[20s]')) return vectorAt(url, init, t.recent ?? ofTask('20'));
    if (q.includes('[40s]')) return vectorAt(url, init, t.twoWindows ?? ofTask('40'));
    return undefined;
  });
}

const lokiQueries = (seen: SeenRequest[]) =>
  seen.filter((r) => r.url.pathname === '/loki/api/v1/query').map((r) => r.url.searchParams.get('query'));

describe('Verify', () => {
  const update = {
    taskDefinitionArn: HISTORY_ALLOY_TD,
    deploymentId: 'ecs-svc/2',
    window: { startedAtMs: T0, allowanceMs: 900 * S, attempts: 1 },
  };
  let clock: ReturnType<typeof useClock>;
  const deployment = (rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED', rolloutStateReason?: string) =>
    stubPrimaryDeployment(ecs, {
      serviceName: 'temporal-dev-temporal-history',
      taskDefinition: HISTORY_ALLOY_TD,
      previousTaskDefinition: HISTORY_TD,
      rolloutState,
      updatedAtMs: rolloutState === 'COMPLETED' ? COMPLETED : T0 + 5 * S,
      ...(rolloutStateReason ? { rolloutStateReason } : {}),
    });
  /** One Verify poll at `atMs`, carrying the previous poll's result as the state machine does. */
  const poll = (atMs: number, previous?: VerifyResult) => {
    clock.set(atMs);
    return verify(
      event('verify', {
        service: historyItem,
        update,
        register: { startedAt: new Date(T0 - 30 * S).toISOString() },
        ...(previous ? { verify: carried(previous) } : {}),
      }),
    );
  };
  const checkOf = (out: VerifyResult, name: string) => out.checks.find((c) => c.name === name);
  const verdicts = (out: VerifyResult) => Object.fromEntries(out.checks.map((c) => [c.name, c.verdict]));

  beforeEach(() => {
    clock = useClock(T0);
    stubRunningTask(ecs, HISTORY_ALLOY_TD, TASK_STARTED);
    deployment('COMPLETED');
  });

  describe('logs', () => {
    // Rule: a poll never passes on one look; every check must pass at every poll of a whole soak
    // counted from ECS's completion time. The first poll shows the logs check passed and waits;
    // the poll at the soak's end, with the tracker passed back, passes with the summary.
    it('passes when the new task has lines, labels and parseable JSON, once the soak is over', async () => {
      requests = serveTelemetry();
      const first = await poll(COMPLETED + 10 * S);
      expect(first.verdict).toBe('pending');
      expect(checkOf(first, 'logs')).toMatchObject({
        verdict: 'passed',
        message: expect.stringContaining('ship labelled, parseable logs to Loki (300 lines, 0 not JSON)'),
      });
      expect(first.progress.message).toMatch(/soak 0s of 2m/);
      // Lines, JSON errors and lines over the silence window, each an instant query at the poll's
      // time; the stream labels over the window; and the plan's LogQL check.
      expect(lokiQueries(requests).sort()).toEqual(
        [
          'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"}[20s]))',
          'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"}[40s]))',
          'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"}[5m]))',
          'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"} | json | __error__!="" [5m]))',
          'sum(count_over_time({service_name="history", level="error"}[5m]))',
        ].sort(),
      );
      for (const r of requests.filter((q) => q.url.pathname === '/loki/api/v1/query'))
        expect(r.url.searchParams.get('time')).toBe(`${BigInt(COMPLETED + 10 * S) * 1_000_000n}`);
      expect(requests.filter((r) => r.url.pathname === '/loki/api/v1/series')).toHaveLength(1);

      const last = await poll(COMPLETED + 10 * S + SOAK, first);
      expect(last.verdict).toBe('passed');
      expect(verdicts(last)).toEqual({
        deployment: 'passed',
        logs: 'passed',
        metrics: 'passed',
        'alloy-health': 'passed',
        'no-error-burst': 'passed',
      });
      expect(last.summary).toMatchObject({ name: 'history', outcome: 'migrated' });
      expect(last.summary?.checks.map((c) => c.name)).toEqual([
        'deployment',
        'logs',
        'metrics',
        'alloy-health',
        'no-error-burst',
      ]);
    });

    // Rule: bad evidence is failed at once, at any poll (here the first one).
    it('a missing label fails at once with the evidence', async () => {
      // level is derived from JSON and never required: a stream without container_name is bad.
      const withoutContainer: Record<string, string> = { ...streamLabels };
      delete withoutContainer.container_name;
      requests = serveTelemetry({ streams: [withoutContainer] });
      const out = await poll(COMPLETED + 10 * S);
      expect(out.verdict).toBe('failed');
      expect(out.cause).toMatchObject({
        service: 'history',
        check: 'logs',
        message: expect.stringContaining('lack required labels'),
      });
      expect(checkOf(out, 'logs')?.evidence.values).toMatchObject({
        streamsMissingLabels: [expect.objectContaining({ missing: ['container_name'] })],
      });
    });

    // Rule: a transient fault of Loki is not a verdict: it is thrown for the state's Retry.
    it('Loki 5xx is thrown as TransientError for Retry', async () => {
      requests = serveFetch(() => new Response('boom', { status: 502 }));
      await expect(poll(COMPLETED + 10 * S)).rejects.toMatchObject({ name: 'TransientError' });
    });

    // Rule: absence is judged from each task's own start (DescribeTasks startedAt): without a line
    // 25 s after it started the task is pending; 35 s after (logs deadline 30s) it is failed,
    // naming the task, although the logs check itself was first answered only 10 s earlier.
    it('a task running longer than the logs deadline without a line is failed, naming the task', async () => {
      deployment('IN_PROGRESS');
      requests = serveTelemetry({ lines: [], recent: [] });
      const young = await poll(TASK_STARTED + 25 * S);
      expect(young.verdict).toBe('pending');
      expect(checkOf(young, 'logs')).toMatchObject({
        verdict: 'pending',
        message: expect.stringContaining(`have no lines in Loki yet: ${TASK_ID}`),
      });
      const overdue = await poll(TASK_STARTED + 35 * S, young);
      expect(overdue.verdict).toBe('failed');
      expect(overdue.cause).toMatchObject({
        service: 'history',
        check: 'logs',
        message: expect.stringContaining(
          `1 task(s) running for 30s or more without a line in Loki: ${TASK_ID}`,
        ),
      });
      expect(checkOf(overdue, 'logs')?.evidence.values).toMatchObject({ taskAgeSeconds: { [TASK_ID]: 35 } });
    });

    // Rule: a task that stops shipping is failed at once, inside the soak: it shipped >= 5 lines in
    // the silence window (20s) before the last one, and none in the last. The task has run 100 s,
    // more than three windows, so the window before holds no start-up burst.
    it('a task that shipped in the window before the last and nothing in the last has stopped shipping', async () => {
      requests = serveTelemetry({ lines: ofTask('150') });
      const passing = await poll(COMPLETED + 10 * S);
      expect(checkOf(passing, 'logs')?.verdict).toBe('passed');

      requests = serveTelemetry({ lines: ofTask('150'), recent: [], twoWindows: ofTask('12') });
      const out = await poll(COMPLETED + 60 * S, passing);
      expect(out.verdict).toBe('failed');
      expect(out.cause).toMatchObject({ service: 'history', check: 'logs' });
      expect(out.cause?.message).toMatch(
        new RegExp(
          `1 task\\(s\\) stopped shipping logs: none in the last 20s after 12 in the 20s before, e\\.g\\. ${TASK_ID}`,
        ),
      );
      expect(checkOf(out, 'logs')?.evidence).toMatchObject({
        recentQueries: [
          'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"}[20s]))',
          'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"}[40s]))',
        ],
        values: { silentTasks: [{ task: TASK_ID, before: 12 }] },
      });
    });

    // The counterpart: a quiet task (fewer than 5 lines in the window before) is never judged by
    // silence, so a service that logs rarely is not rolled back.
    it('a quiet task with nothing in the silence window still passes', async () => {
      requests = serveTelemetry({ lines: ofTask('10'), recent: [], twoWindows: ofTask('3') });
      const out = await poll(COMPLETED + 60 * S);
      expect(checkOf(out, 'logs')).toMatchObject({
        verdict: 'passed',
        evidence: { values: { silentTasks: [] } },
      });
    });
  });

  describe('deployment', () => {
    // Rule: the checks look only at RUNNING tasks of the new revision; while there is none, the
    // poll waits on the deployment and asks Loki and AMP nothing.
    it('no running task of the new deployment is pending without any Loki or AMP query', async () => {
      deployment('IN_PROGRESS');
      stubRunningTask(ecs, HISTORY_TD, TASK_STARTED);
      requests = serveTelemetry();
      const out = await poll(T0 + 10 * S);
      expect(out.verdict).toBe('pending');
      expect(out.checks.map((c) => [c.name, c.verdict])).toEqual([['deployment', 'pending']]);
      expect(out.progress.message).toContain('no task of the new deployment runs yet');
      expect(out.waitSeconds).toBe(10);
      expect(requests).toEqual([]);
      expect(ecs.commandCalls(ListTasksCommand)[0]!.args[0].input).toMatchObject({
        cluster: 'temporal-dev',
        serviceName: 'temporal-dev-temporal-history',
        desiredStatus: 'RUNNING',
      });
    });

    // Rule: a failed answer ends the service at once; a FAILED rollout is the deployment's.
    it('a FAILED deployment is failed with the check deployment, before any query', async () => {
      deployment('FAILED', 'ECS deployment circuit breaker: tasks failed to start.');
      requests = serveTelemetry();
      const out = await poll(T0 + 40 * S);
      expect(out.verdict).toBe('failed');
      expect(out.check).toMatchObject({ name: 'deployment', verdict: 'failed' });
      expect(out.cause).toMatchObject({
        service: 'history',
        check: 'deployment',
        message: expect.stringContaining(
          'deployment failed: ECS deployment circuit breaker: tasks failed to start.',
        ),
      });
      expect(out.causeText).toContain('deployment');
      expect(out.summary).toBeUndefined();
      expect(requests).toEqual([]);
    });
  });

  describe('alloy-health', () => {
    // Rule: data the sidecar lost is failed at the first poll that sees it, naming the counter.
    it("fails at once on entries loki.write dropped, naming Alloy's counter and the reason", async () => {
      const dropped = healthyAlloySelf(TASK_ID, TASK_STARTED).map((s) =>
        s.metric.__name__ === 'loki_write_dropped_entries_total'
          ? { metric: { ...s.metric, reason: 'rate_limited' }, value: '42' }
          : s,
      );
      requests = serveTelemetry({ alloySelf: dropped });
      const out = await poll(COMPLETED + 10 * S);
      expect(out.verdict).toBe('failed');
      expect(out.cause).toMatchObject({
        service: 'history',
        check: 'alloy-health',
        message: expect.stringContaining(
          `loki.write dropped log entries (loki_write_dropped_entries_total): 42 in ${TASK_ID} (rate_limited 42)`,
        ),
      });
      const query = requests
        .filter((r) => r.url.hostname.startsWith('aps-workspaces'))
        .map((r) => new URLSearchParams(String(r.init?.body)).get('query'));
      expect(query).toContain(
        '{__name__=~"loki_write_dropped_entries_total|loki_write_sent_entries_total|prometheus_remote_storage_samples_failed_total|prometheus_remote_storage_samples_dropped_total|prometheus_remote_storage_samples_total|alloy_component_controller_running_components|process_start_time_seconds",service_name="history",job="integrations/self"}',
      );
    });

    // Rule: DescribeTasks' container state is evidence of its own: a sidecar that exited while
    // its task runs on fails the check, whatever its last metrics said.
    it('fails when DescribeTasks shows the Alloy container STOPPED in a running task', async () => {
      stubRunningTask(ecs, HISTORY_ALLOY_TD, TASK_STARTED, [
        { name: 'temporal-history', lastStatus: 'RUNNING' },
        { name: 'alloy', lastStatus: 'STOPPED', exitCode: 1, reason: 'Alloy exited with status 1' },
      ]);
      requests = serveTelemetry();
      const out = await poll(COMPLETED + 10 * S);
      expect(out.verdict).toBe('failed');
      expect(out.cause).toMatchObject({
        check: 'alloy-health',
        message: expect.stringContaining(
          `the Alloy sidecar stopped while its task runs (ECS DescribeTasks): ${TASK_ID} (exit code 1: Alloy exited with status 1)`,
        ),
      });
    });
  });

  describe('metrics and plan checks', () => {
    // Rule: as for logs, passed only at the soak's end; the summary carries every check's latest
    // result. AMP queries are SigV4-signed for the aps service.
    it('passes on up=1 for every task, enough series and the plan check; returns the summary', async () => {
      requests = serveTelemetry();
      const first = await poll(COMPLETED + 10 * S);
      expect(first.verdict).toBe('pending');
      expect(checkOf(first, 'metrics')).toMatchObject({
        verdict: 'passed',
        message: expect.stringMatching(
          // This state carries no Register baseline: names and cadence are said to be unchecked.
          /^up is 1 for all 1 tasks of history; metric names and cadence not checked: .*; 118 series \(baseline 120, required 108\)/,
        ),
      });
      expect(checkOf(first, 'no-error-burst')?.verdict).toBe('passed');
      const signed = requests.find((r) => r.url.hostname.startsWith('aps-workspaces'))!;
      expect((signed.init?.headers as Record<string, string>).authorization).toMatch(
        /^AWS4-HMAC-SHA256 .*\/aps\/aws4_request/,
      );

      const out = await poll(COMPLETED + 10 * S + SOAK, first);
      expect(out.verdict).toBe('passed');
      expect(out.summary).toMatchObject({
        name: 'history',
        outcome: 'migrated',
        taskDefinitionAfter: HISTORY_ALLOY_TD,
        finalCollector: 'alloy',
        finishedAt: new Date(COMPLETED + 10 * S + SOAK).toISOString(),
      });
      expect(out.summary?.checks.map((c) => c.name)).toEqual([
        'deployment',
        'logs',
        'metrics',
        'alloy-health',
        'no-error-burst',
      ]);
      expect(out.output).toBeDefined();
    });

    // Rule: several series for a plan check is an error naming the count (never their sum); an
    // error is asked again at the next poll, and a run of errors longer than the check's deadline
    // (2m) is failed.
    it('a plan check whose query returns several series is an error naming the count, not their sum', async () => {
      const twoSeries = [
        { metric: { level: 'error', task_id: 'a' }, value: '3' },
        { metric: { level: 'error', task_id: 'b' }, value: '4' },
      ];
      requests = serveTelemetry({ errorBurst: twoSeries });
      const first = await poll(COMPLETED + 10 * S);
      expect(first.verdict).toBe('pending');
      expect(first.check).toMatchObject({ name: 'no-error-burst', verdict: 'error' });
      expect(first.check.message).toContain('could not measure: the query returned 2 series');
      expect(checkOf(first, 'metrics')?.verdict).toBe('passed');

      const later = await poll(COMPLETED + 70 * S, first);
      expect(later.verdict).toBe('pending');
      const spent = await poll(COMPLETED + 130 * S, later);
      expect(spent.verdict).toBe('failed');
      expect(spent.cause).toMatchObject({
        service: 'history',
        check: 'no-error-burst',
        message: expect.stringMatching(
          /^still error 2m after its first answer \(allowed 2m\): could not measure: the query returned 2 series/,
        ),
      });
    });

    // Rule: no data is pending, never passed (within the task's own deadline).
    it('no data is pending, never passed', async () => {
      deployment('IN_PROGRESS');
      requests = serveTelemetry({ up: [], seriesCount: [] });
      const out = await poll(TASK_STARTED + 10 * S);
      expect(out.verdict).toBe('pending');
      expect(checkOf(out, 'metrics')).toMatchObject({
        verdict: 'pending',
        message: expect.stringContaining(`no up series yet for 1 of 1 tasks: ${TASK_ID}`),
      });
    });

    // Rule: a run of pending answers longer than the check's allowance (metrics deadline 2m) is
    // failed, with the numbers of the last answer.
    it('series below the ratio for longer than the metrics deadline is failed', async () => {
      requests = serveTelemetry({ seriesCount: [{ metric: {}, value: '50' }] });
      const first = await poll(COMPLETED + 10 * S);
      expect(checkOf(first, 'metrics')).toMatchObject({
        verdict: 'pending',
        message: expect.stringContaining('50 series, below 108 (0.9 x baseline 120)'),
      });
      const still = await poll(COMPLETED + 120 * S, first);
      expect(still.verdict).toBe('pending');
      const out = await poll(COMPLETED + 130 * S, still);
      expect(out.verdict).toBe('failed');
      expect(out.cause).toMatchObject({
        check: 'metrics',
        message: expect.stringMatching(
          /^still pending 2m after its first answer \(allowed 2m\): .*50 series, below 108/,
        ),
      });
    });

    // Rule: up missing for longer than the metrics deadline after the task's own start is failed.
    it('a task running longer than the metrics deadline without up is failed, naming the task', async () => {
      requests = serveTelemetry({ up: [] });
      const out = await poll(TASK_STARTED + 121 * S);
      expect(out.verdict).toBe('failed');
      expect(out.cause).toMatchObject({
        check: 'metrics',
        message: expect.stringContaining(`running for 2m or more without an up series in AMP: ${TASK_ID}`),
      });
    });
  });
});

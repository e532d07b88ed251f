import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as loki, type LokiResult } from '../../../../lambdas/handlers/loki';
import { handler as preflight } from '../../../../lambdas/handlers/preflight';
import { handler as verifyLogs } from '../../../../lambdas/handlers/verify-logs';
import { handler as verifyMetrics } from '../../../../lambdas/handlers/verify-metrics';
import {
  EXECUTION_ARN,
  HISTORY_ALLOY_TD,
  HISTORY_TD,
  describedHistory,
  historyItem,
  planDoc,
} from '../fixtures';
import { planAt, startBackend, type Backend } from './adversarial-backend';
import { TASK_ID, stubRunningTask, useExampleCredentials } from './support';

/**
 * Bad evidence, served over real HTTP by a Loki/AMP stand-in that corrupts real answers, through
 * the real handlers: each case must end not passed, with evidence naming why.
 */

const ecs = mockClient(ECSClient);
let backend: Backend;

beforeEach(async () => {
  ecs.reset();
  useExampleCredentials();
  stubRunningTask(ecs, HISTORY_ALLOY_TD);
  backend = await startBackend({ taskId: TASK_ID, seriesCount: 26 });
});
afterEach(() => backend.close());

const update = {
  taskDefinitionArn: HISTORY_ALLOY_TD,
  deploymentId: 'ecs-svc/2',
  window: { startedAtMs: 0, allowanceMs: 1, attempts: 1 },
};
const polledSince = (msAgo: number, allowanceMs: number) => ({
  window: { startedAtMs: Date.now() - msAgo, allowanceMs, attempts: 2 },
});

function state(
  extra: Record<string, unknown>,
  planOver: (plan: Record<string, unknown>) => void = () => undefined,
) {
  const plan = planAt(backend, planDoc());
  planOver(plan);
  return {
    action: 'x',
    executionArn: EXECUTION_ARN,
    state: { plan, service: { ...historyItem, seriesBaseline: 26 }, update, ...extra },
  };
}
const metricsEvent = (
  extra: Record<string, unknown> = {},
  planOver?: (plan: Record<string, unknown>) => void,
) => ({
  ...state(extra, planOver),
  action: 'metrics',
});
const logsEvent = (extra: Record<string, unknown> = {}) => ({ ...state(extra), action: 'logs' });

describe('1. a NaN or infinite series count', () => {
  it.each(['NaN', '+Inf'])(
    'count answered %s: error naming the query, failed at the deadline',
    async (value) => {
      backend.corruption.countValue = value;
      const out = await verifyMetrics(metricsEvent());
      expect(out.verdict).toBe('pending');
      expect(out.check.verdict).toBe('error');
      expect(out.check.message).toContain(
        `series count query \`count({service_name="history"})\` answered ${value === 'NaN' ? 'NaN' : 'Infinity'}`,
      );
      const late = await verifyMetrics(metricsEvent({ metrics: polledSince(200_000, 120_000) }));
      expect(late.verdict).toBe('failed');
      expect(late.cause).toMatchObject({ service: 'history', check: 'metrics' });
    },
  );
});

describe('2. a baseline that could not be measured', () => {
  const preflightEvent = (planOver: (plan: Record<string, unknown>) => void = () => undefined) => {
    const plan = planAt(backend, planDoc());
    planOver(plan);
    return {
      action: 'preflight',
      executionArn: EXECUTION_ARN,
      state: { mode: 'migrate', plan, services: ['history'] },
    };
  };
  beforeEach(() => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'temporal-dev-temporal-history',
          status: 'ACTIVE',
          launchType: 'EC2',
          taskDefinition: HISTORY_TD,
          deployments: [
            { id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: HISTORY_TD, rolloutState: 'COMPLETED' },
          ],
        },
      ],
    });
    ecs.on(DescribeTaskDefinitionCommand).resolves(describedHistory() as never);
  });

  it('preflight retries, then refuses before any change, naming the query and the way out', async () => {
    backend.corruption.countErrorBody = true;
    await expect(preflight(preflightEvent())).rejects.toMatchObject({
      name: 'UnmigratableError',
      message: expect.stringMatching(
        /history: could not read the series baseline `count\({service_name="history"}\)` in 3 attempt\(s\): .*execution: query processing would load too many samples.*requireBaseline: false/,
      ),
    });
    const counts = backend.requests.filter((r) =>
      new URLSearchParams(r.body).get('query')?.startsWith('count('),
    );
    expect(counts).toHaveLength(3);
  }, 15_000);

  it('a stale or NaN baseline is unreadable too', async () => {
    backend.corruption.countValue = 'NaN';
    await expect(preflight(preflightEvent())).rejects.toMatchObject({
      message: expect.stringMatching(/answered NaN, not a count/),
    });
    delete backend.corruption.countValue;
    backend.corruption.staleByMs = 7_200_000;
    await expect(preflight(preflightEvent())).rejects.toMatchObject({
      message: expect.stringMatching(/stamped .* not at the requested/),
    });
  }, 20_000);

  it('with requireBaseline: false the run goes on, and the metrics check says continuity was not checked', async () => {
    backend.corruption.countErrorBody = true;
    const optOut = (plan: Record<string, unknown>) => {
      const verification = plan.verification as Record<string, Record<string, unknown>>;
      verification.metrics = { ...verification.metrics, requireBaseline: false };
    };
    const out = await preflight(preflightEvent(optOut));
    expect(out.work[0]).toMatchObject({ name: 'history', seriesBaseline: null });
    expect(out.progress.message).toMatch(/series baseline not read for history \(requireBaseline: false\)/);

    backend.corruption.countErrorBody = false;
    const noBaseline = { ...metricsEvent({}, optOut) };
    (noBaseline.state.service as { seriesBaseline: number | null }).seriesBaseline = null;
    const metrics = await verifyMetrics(noBaseline);
    expect(metrics.verdict).toBe('passed');
    expect(metrics.check.message).toMatch(
      /series continuity not checked: preflight could not read the baseline/,
    );

    // Without the opt-out, a lost baseline is not a pass.
    const required = metricsEvent();
    (required.state.service as { seriesBaseline: number | null }).seriesBaseline = null;
    const refused = await verifyMetrics(required);
    expect(refused.verdict).toBe('failed');
    expect(refused.check.message).toMatch(/no series baseline was recorded for history/);
  }, 15_000);
});

describe('3. stale samples', () => {
  it('logs and metrics answers stamped 2 h before the requested time are errors with the timestamps', async () => {
    backend.corruption.staleByMs = 7_200_000;
    const logs = await verifyLogs(logsEvent());
    expect(logs.check.verdict).toBe('error');
    expect(logs.check.message).toMatch(
      /lines query `.*` answered with samples stamped \S+, not at the requested \S+: a stale answer is no evidence/,
    );
    expect(logs.check.evidence.values).toMatchObject({
      unsoundSamples: { lines: { stale: [expect.objectContaining({ labels: { task_id: TASK_ID } })] } },
    });
    const metrics = await verifyMetrics(metricsEvent());
    expect(metrics.check.verdict).toBe('error');
    expect(metrics.check.message).toMatch(/up query .* stamped/);
    expect(metrics.check.evidence.checks).toEqual([
      expect.objectContaining({ name: 'no-error-burst', verdict: 'passed' }),
    ]);
  });
});

describe('4. the canary', () => {
  const ready = () => ({
    verdict: 'pending',
    stage: 'ready',
    target: null,
    window: { startedAtMs: Date.now(), allowanceMs: 60_000, attempts: 1 },
    checks: [],
  });
  const poll = (lokiState: unknown) =>
    loki({
      action: 'poll',
      executionArn: EXECUTION_ARN,
      state: { plan: planAt(backend, planDoc()), loki: lokiState },
    });

  it('dropped push and an echo of the query: never passed, failed at the deadline, pushed exactly once', async () => {
    backend.corruption.dropPushes = true;
    backend.corruption.echoQuery = true;
    const first = await poll(ready());
    expect(first).toMatchObject({ verdict: 'pending', stage: 'canary' });
    const second = await poll(first);
    expect(second.verdict).toBe('pending');
    expect(second.progress.message).toMatch(
      /none is the pushed entry \(another line, another timestamp, outside the queried window\)/,
    );
    // A read-back that fails is thrown for Retry, and the retried poll pushes nothing.
    backend.corruption.queryRangeUnavailable = 1;
    await expect(poll(second)).rejects.toMatchObject({ name: 'TransientError' });
    const third = await poll(second);
    const spent: LokiResult = { ...third, window: { ...third.window, startedAtMs: Date.now() - 120_000 } };
    const last = await poll(spent);
    expect(last).toMatchObject({ verdict: 'failed', cause: { service: 'loki', check: 'loki-canary' } });
    expect(backend.pushes()).toBe(1);
  });

  it.each([
    ['other stream labels', { canaryLabels: { source: 'alloy-rollout-canary', cluster: 'temporal-dev' } }],
    ['another timestamp', { canaryShiftNs: -3_600_000_000_000n }],
  ] as const)('the stored line under %s is not the canary', async (why, corruption) => {
    Object.assign(backend.corruption, corruption);
    const read = await poll(await poll(ready()));
    expect(read.verdict).toBe('pending');
    expect(read.progress.message).toContain(why);
  });

  it('a refused read-back is an error of the canary check, and the failure names the Loki step', async () => {
    const pushedState = await poll(ready());
    backend.corruption.queryRangeRefused = true;
    const refused = await poll(pushedState);
    expect(refused.progress.message).toMatch(/^could not read the canary back: .*parse error/);
    const spent = { ...pushedState, window: { ...pushedState.window, startedAtMs: Date.now() - 120_000 } };
    expect(await poll(spent)).toMatchObject({
      verdict: 'failed',
      cause: {
        service: 'loki',
        check: 'loki-canary',
        message: expect.stringMatching(/could not read the canary back/),
      },
    });
  });

  it('the exact entry read back passes', async () => {
    const read = await poll(await poll(ready()));
    expect(read).toMatchObject({ verdict: 'passed', stage: 'done' });
    expect(backend.stored).toHaveLength(1);
  });
});

describe('5. evidence after the deadline', () => {
  it('logs first there at 22 s fail a 20 s deadline polled at 24 s; logs there at 15 s pass', async () => {
    const startedAtMs = Date.now() - 24_000;
    const window = { startedAtMs, allowanceMs: 20_000, attempts: 3 };
    backend.corruption.evidenceFromMs = startedAtMs + 22_000;
    const late = await verifyLogs(logsEvent({ logs: { window } }));
    expect(late.verdict).toBe('failed');
    expect(late.check.message).toMatch(/still pending at the deadline/);
    expect(late.check.evidence.window).toMatchObject({ end: new Date(startedAtMs + 20_000).toISOString() });

    backend.corruption.evidenceFromMs = startedAtMs + 15_000;
    const inTime = await verifyLogs(logsEvent({ logs: { window } }));
    expect(inTime.verdict).toBe('passed');
  });

  it('up first there at 48 s fails a 40 s deadline polled at 50 s', async () => {
    const startedAtMs = Date.now() - 50_000;
    backend.corruption.evidenceFromMs = startedAtMs + 48_000;
    const out = await verifyMetrics(
      metricsEvent({ metrics: { window: { startedAtMs, allowanceMs: 40_000, attempts: 5 } } }),
    );
    expect(out.verdict).toBe('failed');
    expect(out.check.message).toMatch(/no up series yet/);
  });

  it('the last wait is shortened so the last poll lands at the deadline', async () => {
    const out = await verifyLogs(logsEvent({ logs: polledSince(17_000, 20_000) }));
    expect(out.verdict).toBe('passed');
    const pending = await (async () => {
      backend.corruption.evidenceFromMs = Date.now() + 3_600_000;
      return verifyLogs(logsEvent({ logs: polledSince(17_000, 20_000) }));
    })();
    expect(pending.verdict).toBe('pending');
    expect(pending.waitSeconds).toBe(3);
  });
});

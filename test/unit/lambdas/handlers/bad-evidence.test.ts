import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { simulationAnswer } from '../../../support/iam-simulation';
import { handler as loki, type LokiResult } from '../../../../lambdas/handlers/loki';
import { handler as preflight } from '../../../../lambdas/handlers/preflight';
import { handler as verify, type VerifyResult } from '../../../../lambdas/handlers/verify';
import {
  EXECUTION_ARN,
  HISTORY_ALLOY_TD,
  HISTORY_TD,
  describedHistory,
  historyItem,
  planDoc,
} from '../fixtures';
import { planAt, startBackend, type Backend } from './adversarial-backend';
import {
  TASK_ID,
  carried,
  stubPrimaryDeployment,
  stubRunningTask,
  useClock,
  useExampleCredentials,
} from './support';

/**
 * Bad evidence, served over real HTTP by a Loki/AMP stand-in that corrupts real answers, through
 * the real handlers: each case must end not passed, with evidence naming why.
 *
 * Verify polls run on one fixed clock (the handler's and the stand-in's): the service was updated
 * at T0, its new task reached RUNNING at T0 + 20 s and ECS says the deployment completed at
 * T0 + 60 s. The example plan verifies with a 2m soak, 10s polls, 30s for logs and 2m for metrics
 * and the plan's check.
 */

const ecs = mockClient(ECSClient);
const iam = mockClient(IAMClient);
// Preflight reads the ADOT collector's config: unanswered, it is unavailable and migrate warns.
mockClient(SSMClient);
let backend: Backend;

const S = 1000;
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const TASK_STARTED = T0 + 20 * S;
const COMPLETED = T0 + 60 * S;
const SOAK = 120 * S;

let clock: ReturnType<typeof useClock> | undefined;

function deploymentIs(rolloutState: 'IN_PROGRESS' | 'COMPLETED'): void {
  stubPrimaryDeployment(ecs, {
    serviceName: 'temporal-dev-temporal-history',
    taskDefinition: HISTORY_ALLOY_TD,
    previousTaskDefinition: HISTORY_TD,
    rolloutState,
    updatedAtMs: rolloutState === 'COMPLETED' ? COMPLETED : T0 + 5 * S,
  });
}

beforeEach(async () => {
  ecs.reset();
  iam.reset();
  // Preflight's permission check: every role may do what the migration needs.
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input) => simulationAnswer(input));
  useExampleCredentials();
  stubRunningTask(ecs, HISTORY_ALLOY_TD, TASK_STARTED);
  deploymentIs('COMPLETED');
  backend = await startBackend({ taskId: TASK_ID, seriesCount: 26 });
});
afterEach(async () => {
  jest.restoreAllMocks();
  clock = undefined;
  await backend.close();
});

const update = {
  taskDefinitionArn: HISTORY_ALLOY_TD,
  deploymentId: 'ecs-svc/2',
  window: { startedAtMs: T0, allowanceMs: 900 * S, attempts: 1 },
};

/**
 * One Verify poll at `atMs` against the stand-in, carrying the previous poll's result as the state
 * machine does (`$.verify`).
 */
function verifyAt(
  atMs: number,
  options: {
    readonly previous?: VerifyResult;
    readonly planOver?: (plan: Record<string, unknown>) => void;
    readonly seriesBaseline?: number | null;
  } = {},
): Promise<VerifyResult> {
  clock ??= useClock(atMs);
  clock.set(atMs);
  const plan = planAt(backend, planDoc());
  options.planOver?.(plan);
  return verify({
    action: 'verify',
    executionArn: EXECUTION_ARN,
    state: {
      plan,
      service: {
        ...historyItem,
        seriesBaseline: options.seriesBaseline === undefined ? 26 : options.seriesBaseline,
      },
      update,
      ...(options.previous ? { verify: carried(options.previous) } : {}),
    },
  });
}

const checkOf = (out: VerifyResult, name: string) => {
  const found = out.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} check in ${out.checks.map((c) => c.name).join(', ')}`);
  return found;
};

/** Sets the plan's logs and metrics deadlines. */
const deadlines =
  (logs: string, metrics: string) =>
  (plan: Record<string, unknown>): void => {
    const verification = plan.verification as Record<string, Record<string, unknown>>;
    verification.logs = { ...verification.logs, deadline: logs };
    verification.metrics = { ...verification.metrics, deadline: metrics };
  };

describe('1. a NaN or infinite series count', () => {
  // Rules: a count that is not a number is an `error` naming the query (never a pass, never a
  // count); an error is asked again at the next poll, and a run of errors longer than the metrics
  // allowance (its deadline, 2m) is failed.
  it.each(['NaN', '+Inf'])(
    'count answered %s: error naming the query, failed once the errors outlast the metrics deadline',
    async (value) => {
      backend.corruption.countValue = value;
      const out = await verifyAt(COMPLETED + 10 * S);
      expect(out.verdict).toBe('pending');
      expect(out.check).toMatchObject({ name: 'metrics', verdict: 'error' });
      expect(checkOf(out, 'metrics').message).toContain(
        `series count query \`count({service_name="history",job!="integrations/self"})\` answered ${value === 'NaN' ? 'NaN' : 'Infinity'}`,
      );
      const still = await verifyAt(COMPLETED + 120 * S, { previous: out });
      expect(still.verdict).toBe('pending');
      const late = await verifyAt(COMPLETED + 130 * S, { previous: still });
      expect(late.verdict).toBe('failed');
      expect(late.cause).toMatchObject({
        service: 'history',
        check: 'metrics',
        message: expect.stringMatching(/^still error 2m after its first answer \(allowed 2m\): .*answered/),
      });
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
        /history: could not read the series baseline `count\({service_name="history",job!="integrations\/self"}\)` in 3 attempt\(s\): .*execution: query processing would load too many samples.*requireBaseline: false/,
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

    // The metrics check on the service passes without continuity and says so; the service passes
    // once the soak is over.
    backend.corruption.countErrorBody = false;
    deploymentIs('COMPLETED');
    const noBaseline = { planOver: optOut, seriesBaseline: null };
    const first = await verifyAt(COMPLETED + 10 * S, noBaseline);
    expect(first.verdict).toBe('pending');
    expect(checkOf(first, 'metrics')).toMatchObject({
      verdict: 'passed',
      message: expect.stringMatching(/series continuity not checked: preflight could not read the baseline/),
    });
    const migrated = await verifyAt(COMPLETED + 10 * S + SOAK, { ...noBaseline, previous: first });
    expect(migrated.verdict).toBe('passed');
    expect(migrated.summary?.checks.find((c) => c.name === 'metrics')?.message).toMatch(
      /series continuity not checked/,
    );

    // Without the opt-out, a lost baseline is not a pass: failed at once.
    const refused = await verifyAt(COMPLETED + 10 * S, { seriesBaseline: null });
    expect(refused.verdict).toBe('failed');
    expect(refused.check).toMatchObject({ name: 'metrics', verdict: 'failed' });
    expect(refused.check.message).toMatch(/no series baseline was recorded for history/);
  }, 15_000);
});

describe('3. stale samples', () => {
  // Rules: a sample stamped at another time than the requested one is no evidence: `error`, with
  // the timestamps, for logs and metrics alike (the plan check, answered with no series, is not
  // affected); a run of errors longer than the logs allowance (30s) is failed.
  it('logs and metrics answers stamped 2 h before the requested time are errors with the timestamps', async () => {
    backend.corruption.staleByMs = 7_200_000;
    const out = await verifyAt(COMPLETED + 10 * S);
    expect(out.verdict).toBe('pending');
    const logs = checkOf(out, 'logs');
    expect(logs.verdict).toBe('error');
    expect(logs.message).toMatch(
      /lines query `.*` answered with samples stamped \S+, not at the requested \S+: a stale answer is no evidence/,
    );
    expect(logs.evidence.values).toMatchObject({
      unsoundSamples: { lines: { stale: [expect.objectContaining({ labels: { task_id: TASK_ID } })] } },
    });
    const metrics = checkOf(out, 'metrics');
    expect(metrics.verdict).toBe('error');
    expect(metrics.message).toMatch(/up query .* stamped/);
    expect(checkOf(out, 'no-error-burst').verdict).toBe('passed');

    const still = await verifyAt(COMPLETED + 30 * S, { previous: out });
    expect(still.verdict).toBe('pending');
    const late = await verifyAt(COMPLETED + 40 * S, { previous: still });
    expect(late.verdict).toBe('failed');
    expect(late.cause).toMatchObject({
      service: 'history',
      check: 'logs',
      message: expect.stringMatching(
        /^still error 30s after its first answer \(allowed 30s\): .*stale answer/,
      ),
    });
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
  // The canary alone: Loki's storage checks (after it) have their own tests (loki-storage.test.ts).
  const canaryPlan = () => {
    const doc = planDoc() as { loki: Record<string, unknown> };
    delete doc.loki.retention;
    delete doc.loki.storage;
    return doc;
  };
  const poll = (lokiState: unknown) =>
    loki({
      action: 'poll',
      executionArn: EXECUTION_ARN,
      state: { plan: planAt(backend, canaryPlan()), loki: lokiState },
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

describe("5. evidence late against each task's own start", () => {
  // Rule (replaces "evaluated at the deadline at the latest"): each poll measures at its own time,
  // and a task still without a line more than the logs deadline after its own start (ECS
  // startedAt) is failed, naming it; before that it is pending. With a 20s deadline: lines first
  // there 22 s after the start fail the poll at 21 s; lines there at 15 s pass the poll at 16 s.
  it('logs first there at 22 s fail a 20 s deadline polled at 21 s; logs there at 15 s pass', async () => {
    deploymentIs('IN_PROGRESS');
    const planOver = deadlines('20s', '2m');
    backend.corruption.evidenceFromMs = TASK_STARTED + 22 * S;
    const young = await verifyAt(TASK_STARTED + 18 * S, { planOver });
    expect(young.verdict).toBe('pending');
    expect(checkOf(young, 'logs')).toMatchObject({
      verdict: 'pending',
      message: expect.stringContaining(`have no lines in Loki yet: ${TASK_ID}`),
    });
    const late = await verifyAt(TASK_STARTED + 21 * S, { planOver, previous: young });
    expect(late.verdict).toBe('failed');
    expect(late.cause).toMatchObject({
      service: 'history',
      check: 'logs',
      message: expect.stringContaining(`running for 20s or more without a line in Loki: ${TASK_ID}`),
    });
    expect(checkOf(late, 'logs').evidence).toMatchObject({
      window: { end: new Date(TASK_STARTED + 21 * S).toISOString() },
      values: { taskAgeSeconds: { [TASK_ID]: 21 } },
    });

    backend.corruption.evidenceFromMs = TASK_STARTED + 15 * S;
    const inTime = await verifyAt(TASK_STARTED + 16 * S, { planOver });
    expect(checkOf(inTime, 'logs').verdict).toBe('passed');
    expect(inTime.verdict).toBe('pending');
  });

  // The same rule for metrics: up first there 48 s after the start fails a 40s deadline at the
  // poll 41 s after the start (logs get 1m here, so the failure is the metrics check's).
  it('up first there at 48 s fails a 40 s deadline polled at 41 s', async () => {
    deploymentIs('IN_PROGRESS');
    backend.corruption.evidenceFromMs = TASK_STARTED + 48 * S;
    const out = await verifyAt(TASK_STARTED + 41 * S, { planOver: deadlines('1m', '40s') });
    expect(out.verdict).toBe('failed');
    expect(checkOf(out, 'logs').verdict).toBe('pending');
    expect(out.cause).toMatchObject({
      service: 'history',
      check: 'metrics',
      message: expect.stringContaining(`running for 40s or more without an up series in AMP: ${TASK_ID}`),
    });
  });

  // Rule (replaces "the last wait lands at the deadline"): the wait is shortened so the next poll
  // lands on the soak's end, or on the deployment's deadline (15m from the update), not up to an
  // interval later.
  it('the last wait is shortened so the poll lands on the soak end or the deployment deadline', async () => {
    const first = await verifyAt(COMPLETED + 10 * S);
    expect(first).toMatchObject({ verdict: 'pending', waitSeconds: 10 });
    const near = await verifyAt(COMPLETED + 10 * S + SOAK - 3 * S, { previous: first });
    expect(near).toMatchObject({ verdict: 'pending', waitSeconds: 3 });
    const end = await verifyAt(COMPLETED + 10 * S + SOAK, { previous: near });
    expect(end.verdict).toBe('passed');

    deploymentIs('IN_PROGRESS');
    const slow = await verifyAt(T0 + 900 * S - 3 * S);
    expect(slow).toMatchObject({ verdict: 'pending', waitSeconds: 3 });
    const timedOut = await verifyAt(T0 + 900 * S, { previous: slow });
    expect(timedOut.verdict).toBe('failed');
    expect(timedOut.cause).toMatchObject({ service: 'history', check: 'deployment' });
  });
});

import { instrumented } from '../../../../lambdas/observability/instrumented';
import { withLogSink } from '../../../../lambdas/observability/log-sink';
import { MASK } from '../../../../lambdas/observability/mask-secrets';

// The lines are the subject: INFO (test/setup.ts keeps the Logger silent elsewhere).
process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:run-1-history';
const CONTEXT = {
  functionName: 'alloy-rollout-Verify',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:alloy-rollout-Verify',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
};

function childEvent(extra: Record<string, unknown> = {}) {
  return {
    action: 'verify',
    executionArn: EXECUTION,
    state: {
      mode: 'service-migrate',
      plan: { cluster: 'temporal-dev', loki: { basicAuth: { password: 'plan-password-1' } } },
      service: { name: 'history' },
      ...extra,
    },
  };
}

async function run<R>(
  fn: () => Promise<R>,
): Promise<{ lines: Record<string, unknown>[]; text: string; result?: R; error?: unknown }> {
  const raw: string[] = [];
  try {
    const result = await withLogSink((l) => raw.push(l), fn);
    return { lines: raw.map((l) => JSON.parse(l) as Record<string, unknown>), text: raw.join('\n'), result };
  } catch (error) {
    return { lines: raw.map((l) => JSON.parse(l) as Record<string, unknown>), text: raw.join('\n'), error };
  }
}

describe('instrumented(<LambdaId>, handler)', () => {
  it('logs one decision line and one line per check, with the invocation keys, and returns the result unchanged', async () => {
    const result = {
      verdict: 'pending',
      waitSeconds: 10,
      check: {
        name: 'verification',
        verdict: 'pending',
        message: 'soak 12s of 30s',
        evidence: {},
        durationMs: 1,
      },
      checks: [
        {
          name: 'logs',
          verdict: 'passed',
          message: 'all tasks ship',
          evidence: { lines: ['secret-line'] },
          durationMs: 5,
        },
        {
          name: 'metrics',
          verdict: 'failed',
          message: 'no series',
          evidence: {},
          durationMs: 6,
          attempts: 2,
        },
      ],
      progress: {
        service: 'history',
        step: 'verify',
        status: 'pending',
        message: 'soak 12s of 30s',
        evidence: { token: 'x' },
      },
    };
    const handler = instrumented('Verify', async () => result);
    const { lines, result: returned } = await run(() => handler(childEvent(), CONTEXT));

    expect(returned).toBe(result);
    const keys = {
      service: 'alloy-rollout',
      lambdaId: 'Verify',
      executionArn: EXECUTION,
      mode: 'service-migrate',
      cluster: 'temporal-dev',
      rolloutService: 'history',
      function_name: 'alloy-rollout-Verify',
      function_request_id: 'req-1',
    };
    expect(lines).toEqual([
      expect.objectContaining({
        ...keys,
        level: 'INFO',
        kind: 'decision',
        message: 'soak 12s of 30s',
        step: 'verify',
        status: 'pending',
        verdict: 'pending',
        waitSeconds: 10,
      }),
      expect.objectContaining({
        ...keys,
        level: 'INFO',
        kind: 'check',
        check: 'verification',
        verdict: 'pending',
      }),
      expect.objectContaining({
        ...keys,
        level: 'INFO',
        kind: 'check',
        check: 'logs',
        verdict: 'passed',
        message: 'logs passed: all tasks ship',
      }),
      expect.objectContaining({
        ...keys,
        level: 'WARN',
        kind: 'check',
        check: 'metrics',
        verdict: 'failed',
        attempts: 2,
      }),
    ]);
    for (const line of lines) expect(Date.parse(String(line['timestamp']))).not.toBeNaN();
    // Neither the plan nor evidence is copied into the lines.
    const text = JSON.stringify(lines);
    expect(text).not.toContain('plan-password-1');
    expect(text).not.toContain('secret-line');
  });

  it('logs a thrown error as one error line with its name and message, and rethrows it', async () => {
    const handler = instrumented('Lock', async () => {
      throw Object.assign(new Error('rollout arn:other already running'), { name: 'LockHeldError' });
    });
    const { lines, error } = await run(() => handler(childEvent()));
    expect(error).toMatchObject({ name: 'LockHeldError' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        kind: 'failure',
        lambdaId: 'Lock',
        executionArn: EXECUTION,
        errorName: 'LockHeldError',
        errorMessage: 'rollout arn:other already running',
      }),
    ]);
  });

  it('keeps the keys of invocations running at once apart', async () => {
    const handler = instrumented('Verify', async (event: unknown) => {
      await new Promise((r) => setTimeout(r, 5));
      const name = (event as { state: { service: { name: string } } }).state.service.name;
      return { verdict: 'passed', progress: { step: 'verify', status: 'ok', message: `done ${name}` } };
    });
    const [a, b] = await Promise.all(
      ['worker', 'history'].map((name) => run(() => handler(childEvent({ service: { name } })))),
    );
    expect(a?.lines).toEqual([expect.objectContaining({ rolloutService: 'worker', message: 'done worker' })]);
    expect(b?.lines).toEqual([
      expect.objectContaining({ rolloutService: 'history', message: 'done history' }),
    ]);
  });

  it('masks credential keys and Authorization values in anything logged', async () => {
    const handler = instrumented('Grafana', async () => ({
      verdict: 'failed',
      progress: {
        step: 'grafana',
        status: 'failed',
        message:
          'Grafana answered 401 to Authorization: Bearer glsa_abcdefghijklmnop and Basic YWxsb3k6c2VjcmV0LXBhc3M=',
      },
      cause: {
        check: 'grafana-datasource',
        message: 'sent AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=abc123',
      },
    }));
    const { text } = await run(() => handler(childEvent()));
    expect(text).toContain(`Bearer ${MASK}`);
    expect(text).toContain(`Basic ${MASK}`);
    expect(text).not.toMatch(/glsa_abcdefghijklmnop|YWxsb3k6c2VjcmV0LXBhc3M=|Signature=abc123/);
    expect(text).toContain('Grafana answered 401');
  });
});

describe('instrumented(<LambdaId>, handler): check lines', () => {
  it('logs a check that a result names both as `check` and among `checks` once', async () => {
    const deployment = {
      name: 'deployment',
      verdict: 'failed',
      message: 'another deployment replaced this one',
      evidence: {},
      durationMs: 1,
    };
    const handler = instrumented('Verify', async () => ({
      verdict: 'failed',
      check: deployment,
      checks: [deployment, { ...deployment, name: 'logs', verdict: 'pending', message: 'waiting' }],
      progress: { step: 'verify', status: 'failed', message: 'deployment failed' },
    }));
    const { lines } = await run(() => handler(childEvent()));
    expect(lines.filter((l) => l['kind'] === 'check').map((l) => [l['check'], l['verdict']])).toEqual([
      ['deployment', 'failed'],
      ['logs', 'pending'],
    ]);
  });
});

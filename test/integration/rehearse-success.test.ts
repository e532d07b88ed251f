import { runRehearsal } from './support/rehearsal';
import { service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: rollouts that succeed (sandbox, real orchestrator, the Action code)', () => {
  it('happy path: every service migrated, shipping to Loki, lock released, exit 0', async () => {
    const r = await runRehearsal([]);
    expect({ exitCode: r.exitCode, status: r.report.status, cause: r.report.cause }).toEqual({
      exitCode: 0,
      status: 'SUCCEEDED',
      cause: undefined,
    });
    // A rollout that succeeds is not notified (the rule matches ABORTED, TIMED_OUT, FAILED only).
    expect(r.output).toContain('Notifications: none');
    for (const name of ['worker', 'history'])
      expect(service(r, name)).toMatchObject({
        outcome: 'migrated',
        finalCollector: 'alloy',
        finalLogDriver: 'json-file',
        logsReceivedBy: 'loki',
      });
    // Alloy's own health, from its self-metrics in AMP: every task sent entries and samples, lost none.
    for (const name of ['worker', 'history'])
      expect(service(r, name).checks.find((c) => c.name === 'alloy-health')).toMatchObject({
        verdict: 'passed',
        message: expect.stringMatching(
          /^Alloy healthy in all \d+ tasks of \w+: [1-9]\d* log entries sent, none dropped; [1-9]\d* samples sent, none failed/,
        ),
      });
    expect(r.report.lockReleased).toBe(true);
    expect(r.report.executionArn).toMatch(/^arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:/);
    // What a user sees: the Action's own progress lines, grouped per service.
    expect(r.output).toMatch(/▸ service worker[\s\S]*▸ service history/);
    expect(r.report.rehearsal.observed.services.find((s) => s.name === 'history')?.lines.cloudwatch).toBe(0);
    // Loki's storage checkpoint, after the canary: each check passed, with what it saw and required.
    const lokiChecks = r.report.loki?.checks ?? [];
    for (const name of ['loki-retention', 'loki-object-store', 'loki-s3-endpoint', 'loki-chunks-flushed'])
      expect(lokiChecks.find((c) => c.name === name)).toMatchObject({
        verdict: 'passed',
        evidence: { query: expect.any(String), values: expect.anything(), threshold: expect.anything() },
      });
    expect(lokiChecks.find((c) => c.name === 'loki-chunks-flushed')?.evidence['values']).toMatchObject({
      flush: 204,
      written: expect.any(Number),
    });
  });

  it('transient faults (Loki 429 and 500, ECS throttling) are retried and the rollout succeeds', async () => {
    const r = await runRehearsal(['loki:http-429x3', 'loki:http-500x2', 'ecs:throttlex3']);
    expect({ exitCode: r.exitCode, status: r.report.status, cause: r.report.cause }).toEqual({
      exitCode: 0,
      status: 'SUCCEEDED',
      cause: undefined,
    });
    expect(service(r, 'history')).toMatchObject({ finalCollector: 'alloy', logsReceivedBy: 'loki' });
  });
});

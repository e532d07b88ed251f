import { runRehearsal, testPlan } from './support/rehearsal';
import { service } from './support/rehearsal-expect';

jest.setTimeout(240_000);

/**
 * The canary phase (worker) with a shadow step of 10 simulated minutes: at the rehearsal's x30 that
 * is 20 real seconds, and long enough that each task's sidecar reads more than 200 lines, so
 * drop-lines=0.5% (every 200th line) loses some inside the window.
 */
function shadowPlan(): string {
  return testPlan().replace(
    '  - name: core\n',
    '    shadow:\n      duration: 10m\n      minCompleteness: 0.999\n  - name: core\n',
  );
}

interface Figures {
  totals: { cloudwatch: number; loki: number; completeness: number };
  streams: { task: string; container: string; cloudwatch: number; loki: number; completeness: number }[];
}

describe('alloy-rollout rehearse: the shadow step on the canary', () => {
  it('without faults: the shadow passes with every stream complete, then the json-file revision migrates', async () => {
    const r = await runRehearsal([], { planText: shadowPlan() });
    expect({ exitCode: r.exitCode, status: r.report.status, cause: r.report.cause }).toEqual({
      exitCode: 0,
      status: 'SUCCEEDED',
      cause: undefined,
    });
    const worker = service(r, 'worker');
    expect(worker).toMatchObject({
      outcome: 'migrated',
      finalLogDriver: 'json-file',
      logsReceivedBy: 'loki',
    });
    const shadow = worker?.checks.find((c) => c.name === 'shadow');
    expect(shadow?.verdict).toBe('passed');
    const figures = shadow?.evidence.values as Figures | undefined;
    expect(figures?.streams.length).toBeGreaterThanOrEqual(2);
    for (const s of figures?.streams ?? []) {
      expect(s.container).toBe('temporal-worker');
      expect(s.cloudwatch).toBeGreaterThan(200);
      expect(s.loki).toBe(s.cloudwatch);
    }
    expect(r.output).toContain('shadow');
  });

  it('worker:drop-lines=0.5%: the shadow fails naming the incomplete streams, the rehearsal ends rolled back', async () => {
    const r = await runRehearsal(['worker:drop-lines=0.5%'], { planText: shadowPlan() });
    expect(r.report.status).toBe('ROLLED_BACK');
    expect(r.report.cause).toMatchObject({ service: 'worker', check: 'shadow' });
    expect(r.report.cause?.message).toMatch(
      /^\d+ of \d+ stream\(s\) below 99\.90% of CloudWatch's lines in Loki: \w+\/temporal-worker \d+\/\d+ \(99\.\d\d%\)/,
    );
    const worker = service(r, 'worker');
    expect(worker).toMatchObject({
      outcome: 'rolled-back',
      finalCollector: 'adot',
      finalLogDriver: 'awslogs',
    });
    // The second phase never started.
    expect(service(r, 'history')?.outcome).not.toBe('migrated');
  });
});

import { runRehearsal } from './support/rehearsal';
import { service } from './support/rehearsal-expect';

jest.setTimeout(300_000);

describe('alloy-rollout rehearse --mode verify: the migration, then the read-only audit', () => {
  it('verifies every migrated service with every check, holding no lock and changing nothing', async () => {
    const r = await runRehearsal([], { mode: 'verify' });
    expect({
      exitCode: r.exitCode,
      mode: r.report.mode,
      status: r.report.status,
      cause: r.report.cause,
    }).toEqual({
      exitCode: 0,
      mode: 'verify',
      status: 'SUCCEEDED',
      cause: undefined,
    });
    expect(r.report.rehearsal.verify?.migrate.status).toBe('SUCCEEDED');
    for (const name of ['worker', 'history']) {
      const s = service(r, name);
      expect(s).toMatchObject({ outcome: 'verified', finalCollector: 'alloy', logsReceivedBy: 'loki' });
      expect(s.checks.map((c) => [c.name, c.verdict])).toEqual([
        ['drift', 'passed'],
        ['logs', 'passed'],
        ['metrics', 'passed'],
        ['alloy-health', 'passed'],
      ]);
      for (const c of s.checks)
        expect(c.evidence).toMatchObject({ query: expect.any(String), threshold: expect.anything() });
    }
    expect(r.report.loki?.checks.map((c) => c.name)).toContain('loki-ready');
    // Read-only: no revision, deployment, SSM write or lock item from the verify execution.
    expect(r.report.rehearsal.verify?.changesDuringVerify).toEqual([]);
    expect(r.output).toContain('Verify SUCCEEDED (read-only, no lock; nothing changed during verify)');
  });

  it('with history reverted by terraform apply: fails naming history and its revision, and changes nothing', async () => {
    const r = await runRehearsal(['history:reverted-by-iac'], { mode: 'verify' });
    expect(r.exitCode).toBe(1);
    expect(r.report).toMatchObject({ mode: 'verify', status: 'FAILED' });
    expect(r.report.rehearsal.actionStatus).toBe('VERIFY_FAILED');
    const history = service(r, 'history');
    const revision = `:${(history.taskDefinitionAfter ?? '').split(':').pop()}`;
    expect(r.report.cause).toMatchObject({ service: 'history', check: 'drift' });
    expect(r.report.cause?.message).toContain(
      `history runs ADOT again: task definition ${revision} registered by something other than alloy-rollout`,
    );
    expect(history).toMatchObject({ outcome: 'drifted', finalCollector: 'adot' });
    expect(service(r, 'worker').outcome).toBe('verified');
    // The fault's own revision and deployment happen as the execution starts; the run itself wrote nothing.
    expect(r.report.rehearsal.verify?.changesDuringVerify).toEqual([]);
  });
});

import { runRehearsal } from './support/rehearsal';
import { expectBackOnAdot, service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

/**
 * Loki's storage checkpoint in a rehearsal: each storage fault stops the rollout in the Loki step,
 * before any service is touched, with the check it breaks named in the cause and the report.
 */
describe('alloy-rollout rehearse: Loki storage faults stop the rollout before any service', () => {
  it.each([
    ['loki:retention-off', 'loki-retention', /compactor\.retention_enabled is false/],
    ['loki:no-s3-endpoint', 'loki-s3-endpoint', /has no com\.amazonaws\.eu-west-1\.s3 Gateway endpoint/],
    [
      'loki:chunks-not-flushed',
      'loki-chunks-flushed',
      /no object under s3:\/\/temporal-dev-loki-chunks\/fake\//,
    ],
  ])('%s: the Loki step fails with %s, every service untouched on ADOT', async (fault, check, message) => {
    const r = await runRehearsal([fault]);
    expect(r.exitCode).toBe(1);
    expect(r.report.status).not.toBe('SUCCEEDED');
    expect(r.report.cause).toMatchObject({ service: 'loki', check });
    expect(r.report.cause?.message).toMatch(message);
    const failed = r.report.loki?.checks.find((c) => c.name === check);
    expect(failed).toMatchObject({
      verdict: 'failed',
      evidence: { query: expect.any(String), threshold: expect.anything() },
    });
    for (const name of ['worker', 'history']) {
      expect(service(r, name).outcome).toBe('untouched');
      expectBackOnAdot(r, name);
    }
    expect(r.report.lockReleased).toBe(true);
  });
});

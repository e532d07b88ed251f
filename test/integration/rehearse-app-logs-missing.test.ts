import { runRehearsal, testPlan } from './support/rehearsal';
import { service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

/** The test plan with frontend, whose Envoy helper the plan lists beside the application. */
function planWithFrontend(): string {
  return testPlan().replace(
    '        mainContainers: [temporal-history]\n',
    '        mainContainers: [temporal-history]\n' +
      '      - name: frontend\n' +
      '        ecsService: temporal-dev-temporal-frontend\n' +
      '        mainContainers: [temporal-frontend, envoy]\n',
  );
}

describe('alloy-rollout rehearse: per-container logs (sandbox, real orchestrator)', () => {
  it("only the helper's lines reach Loki: rolled back on the logs check, naming the silent container", async () => {
    const plan = planWithFrontend();
    expect(plan).toContain('mainContainers: [temporal-frontend, envoy]');
    const r = await runRehearsal(['frontend:app-logs-missing'], { planText: plan });
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause?.service).toBe('frontend');
    expect(`${r.report.cause?.check ?? ''} ${r.report.cause?.message ?? ''}`).toMatch(/logs/);
    expect(r.report.cause?.message).toMatch(/temporal-frontend/);
    expect(r.report.cause?.message).not.toMatch(/envoy/);
    expect(r.report.lockReleased).toBe(true);
    for (const name of ['worker', 'history', 'frontend'])
      expect(service(r, name)).toMatchObject({ finalCollector: 'adot', logsReceivedBy: 'cloudwatch' });
  });
});

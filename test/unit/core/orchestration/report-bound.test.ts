import { boundReport, jsonBytes } from '../../../../core/orchestration';
import type { Report, ServiceReport } from '../../../../core/report/types';

const service = (i: number, child = true): ServiceReport => ({
  name: `svc-${i}`,
  phase: 'wave-1',
  ecsService: `temporal-dev-svc-${i}`,
  outcome: 'migrated',
  taskDefinitionBefore: `arn:td/svc-${i}:1`,
  taskDefinitionAfter: `arn:td/svc-${i}:2`,
  finalCollector: 'alloy',
  finalLogDriver: 'json-file',
  logsReceivedBy: 'loki',
  checks: [
    { name: 'logs', verdict: 'passed', message: 'x'.repeat(100), evidence: {}, durationMs: 1 },
    {
      name: 'metrics',
      verdict: i === 0 ? 'failed' : 'passed',
      message: 'y'.repeat(100),
      evidence: {},
      durationMs: 1,
    },
  ],
  startedAt: '2026-11-23T18:44:41.111Z',
  finishedAt: '2026-11-23T18:49:41.111Z',
  ...(child ? { childExecutionArn: `arn:child-${i}` } : {}),
});

const report = (services: ServiceReport[]): Report => ({
  status: 'SUCCEEDED',
  mode: 'migrate',
  cluster: 'c',
  lockReleased: true,
  services,
});

describe('boundReport', () => {
  it('leaves a report within budget untouched', () => {
    const r = report([service(1)]);
    expect(boundReport(r, 100_000)).toBe(r);
  });

  it('sheds detail in order, says so, and never drops identity, revisions or failed checks', () => {
    const r = report(Array.from({ length: 50 }, (_, i) => service(i)));
    const budget = Math.floor(jsonBytes(r) / 3);
    const bounded = boundReport(r, budget);
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(budget);
    expect(bounded.warnings?.length).toBeGreaterThanOrEqual(2);
    expect(bounded.warnings?.[0]).toContain('messages of passed checks');
    const first = bounded.services[0];
    expect(first).toMatchObject({
      name: 'svc-0',
      outcome: 'migrated',
      taskDefinitionBefore: 'arn:td/svc-0:1',
      taskDefinitionAfter: 'arn:td/svc-0:2',
      childExecutionArn: 'arn:child-0',
      omittedChecks: 1,
    });
    expect(first?.checks.map((c) => [c.name, c.verdict, c.message])).toEqual([
      ['metrics', 'failed', 'y'.repeat(100)],
    ]);
  });

  it('keeps the checks of a service no child execution holds', () => {
    const r = report([service(1, false), ...Array.from({ length: 30 }, (_, i) => service(i + 2))]);
    const bounded = boundReport(r, Math.floor(jsonBytes(r) / 2));
    expect(bounded.services[0]?.checks).toHaveLength(2);
    expect(bounded.services[1]?.checks).toHaveLength(0);
  });
});

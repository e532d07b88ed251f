import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validatePlan as parsePlan } from '../../../../core/plan/parse';

const doc = parse(readFileSync(join(__dirname, '../../../../examples/plan.yaml'), 'utf8')) as {
  phases: { services: Record<string, unknown>[] }[];
};
const withHistory = (fields: Record<string, unknown>) => {
  const copy = structuredClone(doc);
  const phase = copy.phases.find((p) => p.services.some((s) => s['name'] === 'history'));
  const svc = phase?.services.find((s) => s['name'] === 'history') as Record<string, unknown>;
  Object.assign(svc, fields);
  return parsePlan(copy);
};

describe('per-service scrape fields', () => {
  it('leaves metricsPort, metricsPath, jobName and the durations unset when the plan omits them', () => {
    const result = withHistory({});
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const svc = result.plan.phases.flatMap((p) => p.services).find((s) => s.name === 'history');
    expect(svc).not.toHaveProperty('metricsPort');
    expect(svc).not.toHaveProperty('metricsPath');
    expect(svc).not.toHaveProperty('scrapeInterval');
  });

  it('keeps the durations as written for the Alloy config', () => {
    const result = withHistory({ scrapeInterval: '1m30s', scrapeTimeout: '15s', jobName: 'temporal' });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const svc = result.plan.phases.flatMap((p) => p.services).find((s) => s.name === 'history');
    expect(svc).toMatchObject({ scrapeInterval: '1m30s', scrapeTimeout: '15s', jobName: 'temporal' });
  });

  it('refuses a duration Alloy cannot read and a timeout longer than the interval, naming the field', () => {
    const bad = withHistory({ scrapeInterval: '15 seconds' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems[0]).toMatchObject({
      path: expect.stringMatching(/services\[\d+\]\.scrapeInterval$/),
      message: 'expected a duration such as "15s" or "1m", got "15 seconds"',
    });
    const longer = withHistory({ scrapeInterval: '10s', scrapeTimeout: '30s' });
    expect(!longer.ok && longer.problems[0]).toMatchObject({
      path: expect.stringMatching(/services\[\d+\]\.scrapeTimeout$/),
      message: expect.stringContaining('expected scrapeTimeout (30s) to be at most scrapeInterval (10s)'),
    });
  });
});

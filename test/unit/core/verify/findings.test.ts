import {
  expectedTasks,
  expectedTasksEvidence,
  Findings,
  recordMeasurementErrors,
} from '../../../../core/verify/findings';

describe('Findings', () => {
  it('passes with nothing found, and the worst verdict wins over the order found', () => {
    const findings = new Findings();
    expect(findings.verdict).toBe('passed');
    findings.add('failed', 'bad labels');
    findings.add('pending', 'no lines yet');
    findings.note('continuity skipped');
    expect(findings.verdict).toBe('failed');
    expect(findings.message).toBe('bad labels; no lines yet; continuity skipped');
  });

  it('a note alone leaves the verdict passed', () => {
    const findings = new Findings();
    findings.note('continuity skipped');
    expect(findings.verdict).toBe('passed');
    expect(findings.problems).toEqual(['continuity skipped']);
  });
});

describe('recordMeasurementErrors', () => {
  it('turns each error body into an error verdict and returns them by name', () => {
    const findings = new Findings();
    const errors = recordMeasurementErrors(findings, [
      ['up', { query: 'up', data: [] }],
      ['series count', { query: 'count(x)', error: 'HTTP 400' }],
    ]);
    expect(errors).toEqual({ 'series count': 'HTTP 400' });
    expect(findings.verdict).toBe('error');
    expect(findings.message).toBe('could not read series count: HTTP 400');
  });
});

describe('expectedTasks', () => {
  it('takes distinct task ids from ARNs and ids', () => {
    const findings = new Findings();
    const ids = expectedTasks(findings, ['arn:aws:ecs:r:1:task/c/abc', 'abc', 'def'], 'new');
    expect(ids).toEqual(['abc', 'def']);
    expect(findings.verdict).toBe('passed');
  });

  it('no task yet is pending, naming the deployment', () => {
    const findings = new Findings();
    expect(expectedTasks(findings, [], 'baseline')).toEqual([]);
    expect(findings.verdict).toBe('pending');
    expect(findings.message).toBe('no running task of the baseline deployment to check yet');
  });

  it('evidence shows the first ids and the full count', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `t${i}`);
    const shown = expectedTasksEvidence(ids);
    expect(shown.expectedTaskCount).toBe(25);
    expect(shown.expectedTaskIds).toEqual(ids.slice(0, 20));
  });
});

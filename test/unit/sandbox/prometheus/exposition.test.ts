import { parseExposition, renderSample, withTargetLabels } from '../../../../sandbox/prometheus/exposition';

describe('the text exposition format, as the collector reads and writes it', () => {
  it('reads samples with labels, escapes and timestamps, and skips comments and junk', () => {
    const text = [
      '# HELP service_requests Requests.',
      '# TYPE service_requests counter',
      'service_requests{operation="Start",path="a \\"b\\" \\\\ c\\nd"} 42',
      'up 1 1700000000000',
      'num_goroutines{ } NaN',
      '{no_name="x"} 1',
      'broken{a="x} 1',
      '',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      { name: 'service_requests', labels: { operation: 'Start', path: 'a "b" \\ c\nd' }, value: '42' },
      { name: 'up', labels: {}, value: '1', timestamp: '1700000000000' },
      { name: 'num_goroutines', labels: {}, value: 'NaN' },
    ]);
  });

  it('writes what it reads', () => {
    const line = 'service_requests{operation="Start",path="a \\"b\\" \\\\ c\\nd"} 42';
    const [sample] = parseExposition(line);
    expect(sample && renderSample(sample)).toBe(line);
    expect(renderSample({ name: 'up', labels: {}, value: '1' })).toBe('up 1');
  });

  it("adds the target's labels, keeping a clashing exposed one as exported_<name>", () => {
    expect(withTargetLabels({ job: 'app', operation: 'Start' }, { job: 'sandbox', task_id: 't1' })).toEqual({
      exported_job: 'app',
      operation: 'Start',
      job: 'sandbox',
      task_id: 't1',
    });
  });
});

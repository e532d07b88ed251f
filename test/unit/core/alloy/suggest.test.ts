import { closest, didYouMean, editDistance } from '../../../../core/alloy/suggest';

describe('did-you-mean suggestions', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the typo fix, or the attribute whose words contain the misspelt one', () => {
    expect(closest('stage.jsonn', ['stage.json', 'stage.logfmt'])).toBe('stage.json');
    expect(closest('max_retries', ['url', 'max_backoff_retries', 'retry_on_http_429'])).toBe(
      'max_backoff_retries',
    );
    expect(closest('min_backoff', ['min_backoff_period', 'max_backoff_period'])).toBe('min_backoff_period');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(closest('endpoint', ['timeout'])).toBeUndefined();
    expect(didYouMean('zzz', ['alpha', 'beta'])).toBe('');
    expect(didYouMean('sys.getenv', ['sys.env', 'string.split'])).toBe(' (did you mean "sys.env"?)');
  });
});

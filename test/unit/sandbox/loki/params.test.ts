import { parseRangeParams, parseTimestampNs } from '../../../../sandbox/loki/http/params';
import { compileRe2 } from '../../../../sandbox/loki/regex';

const NOW_NS = 1_700_000_000_000_000_000n;

describe('Loki query parameters', () => {
  const times: [text: string, expected: bigint][] = [
    ['1700000000', 1_700_000_000_000_000_000n],
    ['1700000000123456789', 1_700_000_000_123_456_789n],
    ['1700000000.5', 1_700_000_000_500_000_000n],
    ['1700000000.1234', 1_700_000_000_123_000_000n],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000_000_000n],
    ['2023-11-14T22:13:20.000000001Z', 1_700_000_000_000_000_001n],
    ['2023-11-15T00:13:20+02:00', 1_700_000_000_000_000_000n],
  ];

  it.each(times)('reads %s', (text, expected) => {
    expect(parseTimestampNs(text, 0n)).toBe(expected);
  });

  it('refuses a time it cannot read, as Go strconv words it', () => {
    expect(() => parseTimestampNs('yesterday', 0n)).toThrow(
      'strconv.ParseInt: parsing "yesterday": invalid syntax',
    );
  });

  it('defaults to the last hour, limit 100, backward, step max(range/250, 1s)', () => {
    expect(parseRangeParams(() => null, NOW_NS)).toEqual({
      startNs: NOW_NS - 3_600_000_000_000n,
      endNs: NOW_NS,
      stepNs: 14_000_000_000n,
      limit: 100,
      direction: 'backward',
    });
  });

  it('reads step as seconds or as a duration', () => {
    const get = (step: string) => (name: string) => (name === 'step' ? step : null);
    expect(parseRangeParams(get('15'), NOW_NS).stepNs).toBe(15_000_000_000n);
    expect(parseRangeParams(get('1m'), NOW_NS).stepNs).toBe(60_000_000_000n);
    expect(parseRangeParams(get('0.5'), NOW_NS).stepNs).toBe(500_000_000n);
  });

  const invalid: [params: Record<string, string>, message: string][] = [
    [{ start: '1700000100', end: '1700000000' }, 'end timestamp must not be before or equal to start time'],
    [{ limit: '0' }, 'limit must be a positive value'],
    [{ limit: 'ten' }, 'strconv.Atoi: parsing "ten": invalid syntax'],
    [{ direction: 'sideways' }, "invalid direction 'sideways'"],
    [{ step: '0' }, 'zero or negative query resolution step widths are not accepted. Try a positive integer'],
    [{ step: 'soon' }, 'cannot parse "soon" to a valid duration'],
    [
      { step: '0.1' },
      'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter',
    ],
  ];

  it.each(invalid)('refuses %j', (params, message) => {
    expect(() => parseRangeParams((name) => params[name] ?? null, NOW_NS)).toThrow(message);
  });
});

describe('RE2-style regexes', () => {
  it('anchors label matchers and lets . match a newline there', () => {
    const re = compileRe2('a.c', 'anchored');
    expect([re.test('abc'), re.test('xabc'), re.test('a\nc')]).toEqual([true, false, true]);
  });

  it('searches unanchored for line filters and maps (?i) and (?P<name>)', () => {
    expect(compileRe2('(?i)err', 'search').test('an ERROR here')).toBe(true);
    expect(compileRe2('(?P<x>\\d+)', 'search').exec('id=42')?.groups?.['x']).toBe('42');
  });

  it('refuses what RE2 refuses and what it cannot translate faithfully', () => {
    expect(() => compileRe2('a(?!b)', 'search')).toThrow(
      'error parsing regexp: invalid or unsupported Perl syntax: `(?!`',
    );
    expect(() => compileRe2('[[:alpha:]]+', 'search')).toThrow(/character classes/);
    expect(() => compileRe2('(', 'search')).toThrow(/^error parsing regexp: /);
  });
});

import fc from 'fast-check';
import { quoteString, rangeOf, selector } from '../../../../core/queries/escape';
import { InputInvalidError } from '../../../../core/errors';
import { goUnquote } from './go-unquote';

/** Strings without lone surrogates: what a UTF-8 server could ever hold. */
const wellFormed = fc.string({ unit: 'grapheme', minLength: 1 });

describe('quoteString', () => {
  it('escapes quotes, backslashes and control characters the Go way', () => {
    expect(quoteString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteString('line\nnext\ttab\rret')).toBe('"line\\nnext\\ttab\\rret"');
    expect(quoteString('\x01\x7f')).toBe('"\\x01\\x7f"');
    expect(quoteString('héllo ✓')).toBe('"héllo ✓"');
  });

  it('replaces a lone surrogate, which has no UTF-8 form', () => {
    expect(quoteString('a\ud800b')).toBe('"a\uFFFDb"');
  });

  it('round-trips any well-formed string through a Go unquote', () => {
    fc.assert(fc.property(wellFormed, (text) => goUnquote(quoteString(text)) === text));
  });

  it('round-trips control characters and quotes', () => {
    const tricky = fc.string({
      unit: fc.constantFrom('"', '\\', '\n', '\r', '\t', '\x00', '\x1b', '`', "'", 'a'),
    });
    fc.assert(fc.property(tricky, (text) => goUnquote(quoteString(text)) === text));
  });
});

describe('selector', () => {
  it('keeps the given order and quotes every value', () => {
    expect(selector({ cluster: 'c"1', service_name: 'svc' })).toBe('{cluster="c\\"1",service_name="svc"}');
  });

  it('refuses an empty value, a bad label name and no matchers at all', () => {
    expect(() => selector({ cluster: '' })).toThrow(/label cluster needs a non-empty value/);
    expect(() => selector({ 'bad-name': 'x' })).toThrow(InputInvalidError);
    expect(() => selector({})).toThrow(/at least one label matcher/);
  });
});

describe('rangeOf', () => {
  it.each([
    [300_000, '[5m]'],
    [30_000, '[30s]'],
    [90_000, '[90s]'],
    [3_600_000, '[1h]'],
    [1500, '[1500ms]'],
  ])('formats %p ms as %s', (ms, expected) => {
    expect(rangeOf(ms)).toBe(expected);
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses %p', (ms) => {
    expect(() => rangeOf(ms)).toThrow(InputInvalidError);
  });
});

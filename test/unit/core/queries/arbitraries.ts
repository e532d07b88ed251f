import fc from 'fast-check';

/**
 * Names as hostile as a user could make them: any code point, quotes, backslashes, braces,
 * newlines and lone surrogates, so the builders cannot rely on the plan's name rules.
 */
export const hostileText = (maxLength = 40) =>
  fc.string({
    minLength: 1,
    maxLength,
    unit: fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\r', '`', "'", '{', '}', '|', '=', '~', ' ', '\x00'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
    ),
  });

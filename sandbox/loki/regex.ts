import { InputInvalidError } from '../../core/errors';

/**
 * Loki and Prometheus use Go's RE2. JavaScript's engine accepts a superset with different spelling
 * for a few constructs, so patterns are translated where the meaning is the same and refused where
 * RE2 itself would refuse them (look-arounds, back-references) or where we cannot be sure to
 * match RE2 (POSIX classes, Unicode classes). Refusing is better than answering differently.
 */
export type RegexMode = 'anchored' | 'search';

function regexError(message: string): InputInvalidError {
  return new InputInvalidError(`error parsing regexp: ${message}`, { status: 400 });
}

export function compileRe2(pattern: string, mode: RegexMode): RegExp {
  let body = pattern;
  let flags = '';
  // RE2 flag groups at the very start apply to the whole pattern: map them to JS flags.
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    const groupFlags = leading[1] ?? '';
    if (groupFlags.includes('U'))
      throw regexError('ungreedy flag (?U) is not supported by this Loki stand-in');
    for (const f of groupFlags) if (!flags.includes(f)) flags += f;
    body = body.slice(leading[0].length);
  }
  const lookaround = /\(\?(=|!|<=|<!)/.exec(body);
  if (lookaround) throw regexError(`invalid or unsupported Perl syntax: \`${lookaround[0]}\``);
  const backref = /(^|[^\\])\\([1-9])/.exec(body);
  if (backref) throw regexError(`invalid escape sequence: \`\\${backref[2]}\``);
  if (/\[\[:[a-z]+:\]/.test(body) || /\\[pP]/.test(body)) {
    throw regexError(
      `character classes ([[:name:]], \\p{...}) are not supported by this Loki stand-in: \`${pattern}\``,
    );
  }
  if (/\(\?[a-zA-Z-]+[:)]/.test(body)) {
    throw regexError(
      `inline flag groups other than a leading (?i)/(?s)/(?m) are not supported by this Loki stand-in: \`${pattern}\``,
    );
  }
  // Same meaning, different spelling.
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  if (mode === 'anchored') {
    // Prometheus anchors matchers as ^(?s:re)$, so '.' also matches a newline there.
    if (!flags.includes('s')) flags += 's';
    body = `^(?:${body})$`;
  }
  try {
    return new RegExp(body, flags);
  } catch (error) {
    throw regexError(`${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

import { InputInvalidError } from '../errors';
import { formatDuration } from '../plan/duration';

/**
 * LogQL and PromQL both read label values and line filters as Go string literals. Quoting with
 * JSON.stringify is close but wrong: it emits lone surrogates as `\udXXX`, which Go rejects, so
 * the escaping is spelled out here and shared by both builders.
 */
export function quoteString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    // A lone UTF-16 surrogate has no UTF-8 form; the server could never match it anyway.
    else if (code >= 0xd800 && code <= 0xdfff) out += '\uFFFD';
    else out += char;
  }
  return `${out}"`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `{a="x",b="y"}` in the given order; every value must be non-empty (Loki refuses all-empty selectors). */
export function selector(matchers: Readonly<Record<string, string>>): string {
  const entries = Object.entries(matchers);
  if (entries.length === 0) throw new InputInvalidError('expected at least one label matcher for a selector');
  const parts = entries.map(([name, value]) => {
    if (!LABEL_NAME.test(name))
      throw new InputInvalidError(
        `label name ${JSON.stringify(name)} is not valid: expected [a-zA-Z_][a-zA-Z0-9_]*`,
      );
    if (value === '')
      throw new InputInvalidError(
        `label ${name} needs a non-empty value: an empty matcher selects every stream`,
      );
    return `${name}=${quoteString(value)}`;
  });
  return `{${parts.join(',')}}`;
}

/** A range such as `[5m]` or `[1500ms]` for a window in milliseconds. */
export function rangeOf(windowMs: number): string {
  if (!Number.isInteger(windowMs) || windowMs <= 0)
    throw new InputInvalidError(`expected a window of whole milliseconds above 0, got ${windowMs}`);
  return `[${formatDuration(windowMs)}]`;
}

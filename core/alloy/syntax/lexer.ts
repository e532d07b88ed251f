import { InputInvalidError } from '../../errors';
import type { Position } from './ast';

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, decoded string value, number text or punctuation. */
  readonly text: string;
  readonly pos: Position;
  /** A line break separates this token from the previous one (statements end at line breaks). */
  readonly newlineBefore: boolean;
}

/** A syntax error in an Alloy file; the message starts with "line:column:". */
export class AlloySyntaxError extends InputInvalidError {
  constructor(
    readonly pos: Position,
    readonly reason: string,
  ) {
    super(`${pos.line}:${pos.column}: ${reason}`, { line: pos.line, column: pos.column });
  }
}

// Longest first, so that "<=" wins over "<".
const PUNCTUATION = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
  ';',
] as const;

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** Splits Alloy configuration text into tokens; comments (`//`, `/* *\/`) are skipped. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  let newlineBefore = true;
  const here = (): Position => ({ line, column: offset - lineStart + 1, offset });
  const fail = (reason: string, pos: Position = here()): never => {
    throw new AlloySyntaxError(pos, reason);
  };
  const newline = () => {
    line += 1;
    lineStart = offset + 1;
    newlineBefore = true;
  };

  while (offset < text.length) {
    const ch = text[offset] as string;
    if (ch === '\n') {
      newline();
      offset += 1;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      offset += 1;
      continue;
    }
    if (text.startsWith('//', offset)) {
      while (offset < text.length && text[offset] !== '\n') offset += 1;
      continue;
    }
    if (text.startsWith('/*', offset)) {
      const start = here();
      const end = text.indexOf('*/', offset + 2);
      if (end < 0) fail('comment not terminated', start);
      for (; offset < end + 2; offset += 1) if (text[offset] === '\n') newline();
      continue;
    }
    const pos = here();
    const push = (kind: TokenKind, value: string) => {
      tokens.push({ kind, text: value, pos, newlineBefore });
      newlineBefore = false;
    };
    if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(offset, offset + 256)) as RegExpExecArray;
      push('ident', match[0]);
      offset += match[0].length;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
        text.slice(offset, offset + 256),
      ) as RegExpExecArray;
      push('number', match[0]);
      offset += match[0].length;
      continue;
    }
    if (ch === '"') {
      let value = '';
      offset += 1;
      for (;;) {
        const c = text[offset];
        if (c === undefined || c === '\n') fail('string literal not terminated', pos);
        if (c === '"') break;
        if (c === '\\') {
          const e = text[offset + 1] ?? '';
          if (e in ESCAPES) {
            value += ESCAPES[e];
            offset += 2;
          } else if (e === 'u' || e === 'U' || e === 'x') {
            const width = e === 'u' ? 4 : e === 'U' ? 8 : 2;
            const hex = text.slice(offset + 2, offset + 2 + width);
            if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex))
              fail(`invalid escape sequence \\${e}${hex}`);
            value += String.fromCodePoint(parseInt(hex, 16));
            offset += 2 + width;
          } else {
            fail(`unknown escape sequence \\${e}`);
          }
          continue;
        }
        value += c;
        offset += 1;
      }
      offset += 1;
      push('string', value);
      continue;
    }
    if (ch === '`') {
      const end = text.indexOf('`', offset + 1);
      if (end < 0) fail('raw string literal not terminated', pos);
      push('string', text.slice(offset + 1, end));
      // Line breaks inside a raw string do not separate statements.
      for (; offset < end; offset += 1) {
        if (text[offset] === '\n') {
          line += 1;
          lineStart = offset + 1;
        }
      }
      offset = end + 1;
      continue;
    }
    if (ch === "'") fail('illegal single-quoted string; use double quotes');
    const punct = PUNCTUATION.find((p) => text.startsWith(p, offset));
    if (!punct) fail(`illegal character ${JSON.stringify(ch)}`);
    push('punct', punct as string);
    offset += (punct as string).length;
  }
  tokens.push({ kind: 'eof', text: '', pos: here(), newlineBefore: true });
  return tokens;
}

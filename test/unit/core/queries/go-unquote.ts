/** Decodes a Go double-quoted string literal (the escapes LogQL and PromQL accept), for round-trip tests. */
export function goUnquote(literal: string): string {
  if (!literal.startsWith('"') || !literal.endsWith('"') || literal.length < 2)
    throw new Error(`not quoted: ${literal}`);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"' || ch === '\n') throw new Error(`raw ${JSON.stringify(ch)} inside a Go string at ${i}`);
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      '\\': '\\',
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (next !== undefined && next in simple) out += simple[next];
    else if (next === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next === 'u') {
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new Error(`unknown escape \\${next}`);
  }
  return out;
}

/**
 * A small builder for Alloy configuration text: deterministic layout (two-space indentation,
 * aligned "=" within a run of attributes, trailing commas in multi-line lists and maps), so that
 * the same plan always renders byte-for-byte the same config.
 */

/** An expression written as is (references, function calls). */
export interface RawExpression {
  readonly raw: string;
}

export type AlloyValue =
  string | number | boolean | RawExpression | readonly AlloyValue[] | { readonly [key: string]: AlloyValue };

export interface AttributeItem {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: AlloyValue;
}

export interface BlockItem {
  readonly kind: 'block';
  readonly name: string;
  readonly label?: string;
  /** Comment lines written above the block, saying why it is there. */
  readonly comment?: readonly string[];
  readonly body: readonly Item[];
}

export type Item = AttributeItem | BlockItem;

export const raw = (text: string): RawExpression => ({ raw: text });
export const attr = (name: string, value: AlloyValue): AttributeItem => ({ kind: 'attribute', name, value });
export function block(
  name: string,
  label: string | undefined,
  body: readonly Item[],
  comment?: readonly string[],
): BlockItem {
  return {
    kind: 'block',
    name,
    ...(label === undefined ? {} : { label }),
    ...(comment ? { comment } : {}),
    body,
  };
}

const INDENT = '  ';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isRaw(value: AlloyValue): value is RawExpression {
  return (
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'raw' in value &&
    typeof (value as RawExpression).raw === 'string' &&
    Object.keys(value).length === 1
  );
}

/** Alloy string literals use Go escapes; JSON's escapes are a subset Alloy accepts. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

function formatValue(value: AlloyValue, depth: number): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isRaw(value)) return value.raw;
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    const items = value as readonly AlloyValue[];
    const inline = items.map((v) => formatValue(v, depth));
    const simple = items.every((v) => typeof v !== 'object' || isRaw(v));
    if (simple && inline.join(', ').length <= 80) return `[${inline.join(', ')}]`;
    return `[\n${items.map((v) => `${pad}${formatValue(v, depth + 1)},\n`).join('')}${close}]`;
  }
  const entries = Object.entries(value as Record<string, AlloyValue>);
  if (entries.length === 0) return '{}';
  const keys = entries.map(([k]) => (IDENTIFIER.test(k) ? k : quote(k)));
  const width = Math.max(...keys.map((k) => k.length));
  const lines = entries.map(
    ([, v], i) => `${pad}${(keys[i] as string).padEnd(width)} = ${formatValue(v, depth + 1)},\n`,
  );
  return `{\n${lines.join('')}${close}}`;
}

function writeItems(items: readonly Item[], depth: number, out: string[]) {
  const pad = INDENT.repeat(depth);
  let previous: Item['kind'] | undefined;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as Item;
    // A blank line around every block keeps runs of attributes together.
    if (previous !== undefined && (item.kind === 'block' || previous === 'block')) out.push('');
    if (item.kind === 'attribute') {
      let run = i;
      while (items[run + 1]?.kind === 'attribute') run += 1;
      const group = items.slice(i, run + 1) as AttributeItem[];
      const width = Math.max(...group.map((a) => a.name.length));
      for (const a of group) out.push(`${pad}${a.name.padEnd(width)} = ${formatValue(a.value, depth)}`);
      i = run;
      previous = 'attribute';
      continue;
    }
    for (const line of item.comment ?? []) out.push(`${pad}// ${line}`);
    const head = item.label === undefined ? item.name : `${item.name} ${quote(item.label)}`;
    if (item.body.length === 0) {
      out.push(`${pad}${head} {}`);
    } else {
      out.push(`${pad}${head} {`);
      writeItems(item.body, depth + 1, out);
      out.push(`${pad}}`);
    }
    previous = 'block';
  }
}

/** Writes a whole file: header comment lines, then the top-level blocks. */
export function writeAlloy(header: readonly string[], items: readonly Item[]): string {
  const out = header.map((line) => `// ${line}`);
  if (out.length > 0) out.push('');
  writeItems(items, 0, out);
  return `${out.join('\n')}\n`;
}

import { clientError } from './errors';
import { RESERVED_WORDS } from './dynamodb-reserved';

/** A DynamoDB AttributeValue as it travels in the JSON protocol. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] };
export type Item = Record<string, AttributeValue>;

type Operand = { kind: 'path'; names: string[] } | { kind: 'value'; ref: string };
type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'fn'; fn: 'attribute_exists' | 'attribute_not_exists'; path: Operand }
  | { kind: 'begins_with'; path: Operand; value: Operand }
  | { kind: 'cmp'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand };

const invalid = (expression: string, why: string) =>
  clientError('ValidationException', `Invalid ConditionExpression: ${why}; expression: ${expression}`);

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z_][A-Za-z0-9_]*(?:\.[#]?[A-Za-z_][A-Za-z0-9_]*)*)/y;
  let pos = 0;
  while (pos < expression.length) {
    if (/^\s*$/.test(expression.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expression);
    if (!m)
      throw invalid(
        expression,
        `Syntax error; token: "${expression.slice(pos).trim().split(/\s/)[0] ?? ''}"`,
      );
    tokens.push(m[1] as string);
    pos = re.lastIndex;
  }
  return tokens;
}

/** Parses the condition-expression subset the product uses: functions, comparisons, AND/OR/NOT, parentheses. */
export function parseCondition(expression: string): Condition {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw invalid(expression, 'Syntax error; unexpected end of expression');
    return t;
  };
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw invalid(expression, `Syntax error; expected "${t}", got "${got}"`);
  };
  const operand = (): Operand => {
    const t = next();
    if (t.startsWith(':')) return { kind: 'value', ref: t };
    if (/^[#A-Za-z_]/.test(t) && !['AND', 'OR', 'NOT'].includes(t.toUpperCase())) {
      const reserved = t.split('.').find((n) => !n.startsWith('#') && RESERVED_WORDS.has(n.toUpperCase()));
      if (reserved)
        throw invalid(expression, `Attribute name is a reserved keyword; reserved keyword: ${reserved}`);
      return { kind: 'path', names: t.split('.') };
    }
    throw invalid(expression, `Syntax error; token: "${t}"`);
  };
  const primary = (): Condition => {
    const t = peek();
    if (t === '(') {
      next();
      const c = or();
      expect(')');
      return c;
    }
    if (t?.toUpperCase() === 'NOT') {
      next();
      return { kind: 'not', inner: primary() };
    }
    if (t === 'attribute_exists' || t === 'attribute_not_exists') {
      next();
      expect('(');
      const path = operand();
      expect(')');
      if (path.kind !== 'path') throw invalid(expression, `${t} takes an attribute path`);
      return { kind: 'fn', fn: t, path };
    }
    if (t === 'begins_with') {
      next();
      expect('(');
      const path = operand();
      expect(',');
      const value = operand();
      expect(')');
      return { kind: 'begins_with', path, value };
    }
    const left = operand();
    const op = next();
    if (!['=', '<>', '<', '<=', '>', '>='].includes(op))
      throw invalid(expression, `Syntax error; token: "${op}"`);
    return { kind: 'cmp', op: op as '=', left, right: operand() };
  };
  const and = (): Condition => {
    let c = primary();
    while (peek()?.toUpperCase() === 'AND') {
      next();
      c = { kind: 'and', left: c, right: primary() };
    }
    return c;
  };
  const or = (): Condition => {
    let c = and();
    while (peek()?.toUpperCase() === 'OR') {
      next();
      c = { kind: 'or', left: c, right: and() };
    }
    return c;
  };
  const c = or();
  if (i < tokens.length) throw invalid(expression, `Syntax error; token: "${tokens[i] ?? ''}"`);
  return c;
}

export interface ExpressionContext {
  readonly names?: Readonly<Record<string, string>> | undefined;
  readonly values?: Readonly<Record<string, AttributeValue>> | undefined;
  readonly expression: string;
}

function resolvePath(
  item: Item | undefined,
  names: readonly string[],
  ctx: ExpressionContext,
): AttributeValue | undefined {
  let current: AttributeValue | undefined = item ? { M: item } : undefined;
  for (const raw of names) {
    const name = raw.startsWith('#') ? ctx.names?.[raw] : raw;
    if (name === undefined)
      throw clientError(
        'ValidationException',
        `Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: ${raw}`,
      );
    if (!current || !('M' in current)) return undefined;
    current = current.M[name];
  }
  return current;
}

function valueOf(
  item: Item | undefined,
  operand: Operand,
  ctx: ExpressionContext,
): AttributeValue | undefined {
  if (operand.kind === 'path') return resolvePath(item, operand.names, ctx);
  const v = ctx.values?.[operand.ref];
  if (v === undefined)
    throw clientError(
      'ValidationException',
      `Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: ${operand.ref}`,
    );
  return v;
}

function compare(a: AttributeValue | undefined, b: AttributeValue | undefined, op: string): boolean {
  if (!a || !b) return false;
  if ('N' in a && 'N' in b) {
    const x = Number(a.N);
    const y = Number(b.N);
    return op === '='
      ? x === y
      : op === '<>'
        ? x !== y
        : op === '<'
          ? x < y
          : op === '<='
            ? x <= y
            : op === '>'
              ? x > y
              : x >= y;
  }
  if ('S' in a && 'S' in b) {
    const c = a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
    return op === '='
      ? c === 0
      : op === '<>'
        ? c !== 0
        : op === '<'
          ? c < 0
          : op === '<='
            ? c <= 0
            : op === '>'
              ? c > 0
              : c >= 0;
  }
  const equal = JSON.stringify(a) === JSON.stringify(b);
  if (op === '=') return equal;
  if (op === '<>') return !equal;
  return false;
}

export function evaluateCondition(
  condition: Condition,
  item: Item | undefined,
  ctx: ExpressionContext,
): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item, ctx) && evaluateCondition(condition.right, item, ctx);
    case 'or':
      return evaluateCondition(condition.left, item, ctx) || evaluateCondition(condition.right, item, ctx);
    case 'not':
      return !evaluateCondition(condition.inner, item, ctx);
    case 'fn': {
      const present = valueOf(item, condition.path, ctx) !== undefined;
      return condition.fn === 'attribute_exists' ? present : !present;
    }
    case 'begins_with': {
      const a = valueOf(item, condition.path, ctx);
      const b = valueOf(item, condition.value, ctx);
      return !!a && !!b && 'S' in a && 'S' in b && a.S.startsWith(b.S);
    }
    case 'cmp':
      return compare(valueOf(item, condition.left, ctx), valueOf(item, condition.right, ctx), condition.op);
  }
}

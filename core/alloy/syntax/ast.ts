/** Syntax tree of an Alloy configuration file (https://grafana.com/docs/alloy/latest/get-started/syntax/). */

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
  /** 0-based offset into the text. */
  readonly offset: number;
}

export interface AlloyFile {
  readonly body: readonly Statement[];
}

export type Statement = AttributeStatement | BlockStatement;

export interface AttributeStatement {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: Expression;
  readonly pos: Position;
}

export interface BlockStatement {
  readonly kind: 'block';
  /** Dotted name such as "loki.write" or "stage.json". */
  readonly name: string;
  readonly label: string | undefined;
  readonly body: readonly Statement[];
  readonly pos: Position;
}

export type Expression =
  | LiteralExpression
  | ArrayExpression
  | ObjectExpression
  | IdentifierExpression
  | AccessExpression
  | IndexExpression
  | CallExpression
  | UnaryExpression
  | BinaryExpression
  | ParenExpression;

export interface LiteralExpression {
  readonly kind: 'literal';
  readonly value: string | number | boolean | null;
  readonly pos: Position;
}

export interface ArrayExpression {
  readonly kind: 'array';
  readonly elements: readonly Expression[];
  readonly pos: Position;
}

export interface ObjectField {
  readonly key: string;
  /** Whether the key was written as a string ("key" = ...) rather than an identifier. */
  readonly quoted: boolean;
  readonly value: Expression;
  readonly pos: Position;
}

export interface ObjectExpression {
  readonly kind: 'object';
  readonly fields: readonly ObjectField[];
  readonly pos: Position;
}

export interface IdentifierExpression {
  readonly kind: 'identifier';
  readonly name: string;
  readonly pos: Position;
}

/** `value.name` */
export interface AccessExpression {
  readonly kind: 'access';
  readonly value: Expression;
  readonly name: string;
  readonly pos: Position;
}

/** `value[index]` */
export interface IndexExpression {
  readonly kind: 'index';
  readonly value: Expression;
  readonly index: Expression;
  readonly pos: Position;
}

export interface CallExpression {
  readonly kind: 'call';
  readonly callee: Expression;
  readonly args: readonly Expression[];
  readonly pos: Position;
}

export interface UnaryExpression {
  readonly kind: 'unary';
  readonly op: '!' | '-';
  readonly value: Expression;
  readonly pos: Position;
}

export type BinaryOperator =
  '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';

export interface BinaryExpression {
  readonly kind: 'binary';
  readonly op: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
  readonly pos: Position;
}

export interface ParenExpression {
  readonly kind: 'paren';
  readonly value: Expression;
  readonly pos: Position;
}

/** The dotted identifier path of an expression such as `loki.write.default.receiver`, or null. */
export function dottedPath(expr: Expression): string[] | null {
  if (expr.kind === 'identifier') return [expr.name];
  if (expr.kind === 'access') {
    const inner = dottedPath(expr.value);
    return inner ? [...inner, expr.name] : null;
  }
  return null;
}

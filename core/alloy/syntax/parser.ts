import type {
  AlloyFile,
  BinaryOperator,
  BlockStatement,
  Expression,
  ObjectField,
  Position,
  Statement,
} from './ast';
import { AlloySyntaxError, tokenize, type Token } from './lexer';

// Binary operator precedence, lowest first (as in Alloy's syntax reference: || && comparison + * ^).
const PRECEDENCE: readonly (readonly BinaryOperator[])[] = [
  ['||'],
  ['&&'],
  ['==', '!=', '<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
  ['^'],
];

/**
 * Parses Alloy configuration text into a syntax tree.
 * @throws AlloySyntaxError naming the line, column and problem.
 */
export function parseAlloy(text: string): AlloyFile {
  return new Parser(tokenize(text)).file();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  file(): AlloyFile {
    const body = this.statements('eof');
    return { body };
  }

  private get token(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.token;
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private is(text: string): boolean {
    return this.token.kind === 'punct' && this.token.text === text;
  }

  private fail(reason: string, pos: Position = this.token.pos): never {
    throw new AlloySyntaxError(pos, reason);
  }

  private describe(token: Token): string {
    if (token.kind === 'eof') return 'end of file';
    if (token.kind === 'string') return `string ${JSON.stringify(token.text)}`;
    return JSON.stringify(token.text);
  }

  private expect(text: string, context: string): Token {
    if (!this.is(text))
      this.fail(`expected ${JSON.stringify(text)} ${context}, got ${this.describe(this.token)}`);
    return this.next();
  }

  /** Statements up to the closing token ("}" or end of file), each on its own line. */
  private statements(end: '}' | 'eof'): Statement[] {
    const body: Statement[] = [];
    for (;;) {
      while (this.is(';')) this.next();
      if (end === 'eof' ? this.token.kind === 'eof' : this.is('}')) return body;
      if (end === '}' && this.token.kind === 'eof')
        this.fail('expected "}" to close the block, got end of file');
      if (body.length > 0 && !this.token.newlineBefore && !this.tokens[this.index - 1]?.text.match(/^[;}]$/))
        this.fail(`expected a line break before ${this.describe(this.token)}`);
      body.push(this.statement());
    }
  }

  private statement(): Statement {
    const first = this.token;
    if (first.kind !== 'ident') this.fail(`expected an attribute or block name, got ${this.describe(first)}`);
    const parts = [this.next().text];
    while (this.is('.')) {
      this.next();
      if (this.token.kind !== 'ident')
        this.fail(`expected an identifier after ".", got ${this.describe(this.token)}`);
      parts.push(this.next().text);
    }
    const name = parts.join('.');
    if (this.is('=')) {
      if (parts.length > 1)
        this.fail(`attribute name ${JSON.stringify(name)} must be a single identifier`, first.pos);
      this.next();
      const value = this.expression();
      if (!this.token.newlineBefore && !this.is('}') && !this.is(';') && this.token.kind !== 'eof')
        this.fail(
          `expected a line break after the value of ${JSON.stringify(name)}, got ${this.describe(this.token)}`,
        );
      return { kind: 'attribute', name, value, pos: first.pos };
    }
    let label: string | undefined;
    if (this.token.kind === 'string') label = this.next().text;
    if (!this.is('{'))
      this.fail(`expected "=" or "{" after ${JSON.stringify(name)}, got ${this.describe(this.token)}`);
    this.next();
    const body = this.statements('}');
    this.next();
    const block: BlockStatement = { kind: 'block', name, label, body, pos: first.pos };
    return block;
  }

  expression(level = 0): Expression {
    if (level >= PRECEDENCE.length) return this.unary();
    let left = this.expression(level + 1);
    const ops = PRECEDENCE[level] as readonly string[];
    while (this.token.kind === 'punct' && ops.includes(this.token.text)) {
      const op = this.next().text as BinaryOperator;
      // "^" is right-associative; the others associate to the left.
      const right = op === '^' ? this.expression(level) : this.expression(level + 1);
      left = { kind: 'binary', op, left, right, pos: left.pos };
    }
    return left;
  }

  private unary(): Expression {
    if (this.is('!') || this.is('-')) {
      const token = this.next();
      return { kind: 'unary', op: token.text as '!' | '-', value: this.unary(), pos: token.pos };
    }
    return this.postfix(this.primary());
  }

  private postfix(start: Expression): Expression {
    let expr = start;
    for (;;) {
      if (this.is('.')) {
        this.next();
        if (this.token.kind !== 'ident')
          this.fail(`expected a field name after ".", got ${this.describe(this.token)}`);
        expr = { kind: 'access', value: expr, name: this.next().text, pos: expr.pos };
      } else if (this.is('[') && !this.token.newlineBefore) {
        this.next();
        const index = this.expression();
        this.expect(']', 'to close the index');
        expr = { kind: 'index', value: expr, index, pos: expr.pos };
      } else if (this.is('(') && !this.token.newlineBefore) {
        this.next();
        const args = this.list(')', 'argument list', () => this.expression());
        expr = { kind: 'call', callee: expr, args, pos: expr.pos };
      } else {
        return expr;
      }
    }
  }

  private primary(): Expression {
    const token = this.token;
    if (token.kind === 'string') {
      this.next();
      return { kind: 'literal', value: token.text, pos: token.pos };
    }
    if (token.kind === 'number') {
      this.next();
      return { kind: 'literal', value: Number(token.text), pos: token.pos };
    }
    if (token.kind === 'ident') {
      this.next();
      if (token.text === 'true' || token.text === 'false')
        return { kind: 'literal', value: token.text === 'true', pos: token.pos };
      if (token.text === 'null') return { kind: 'literal', value: null, pos: token.pos };
      return { kind: 'identifier', name: token.text, pos: token.pos };
    }
    if (this.is('[')) {
      this.next();
      return {
        kind: 'array',
        elements: this.list(']', 'expression list', () => this.expression()),
        pos: token.pos,
      };
    }
    if (this.is('{')) {
      this.next();
      return { kind: 'object', fields: this.list('}', 'field list', () => this.field()), pos: token.pos };
    }
    if (this.is('(')) {
      this.next();
      const value = this.expression();
      this.expect(')', 'to close the parenthesis');
      return { kind: 'paren', value, pos: token.pos };
    }
    return this.fail(`expected an expression, got ${this.describe(token)}`);
  }

  private field(): ObjectField {
    const token = this.token;
    if (token.kind !== 'ident' && token.kind !== 'string')
      this.fail(`expected a field name, got ${this.describe(token)}`);
    this.next();
    this.expect('=', `after field name ${JSON.stringify(token.text)}`);
    return { key: token.text, quoted: token.kind === 'string', value: this.expression(), pos: token.pos };
  }

  /**
   * Comma-separated items up to `close`. As in Alloy, a line break before the closing bracket
   * needs a trailing comma after the last item.
   */
  private list<T>(close: string, what: string, item: () => T): T[] {
    const items: T[] = [];
    while (!this.is(close)) {
      if (this.token.kind === 'eof')
        this.fail(`expected ${JSON.stringify(close)} to close the ${what}, got end of file`);
      items.push(item());
      if (this.is(',')) {
        this.next();
        continue;
      }
      if (!this.is(close) || this.token.newlineBefore) this.fail(`missing ',' in ${what}`);
    }
    this.next();
    return items;
  }
}

export { AlloySyntaxError };

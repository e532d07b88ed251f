import {
  AlloySyntaxError,
  parseAlloy,
  type AttributeStatement,
  type BlockStatement,
} from '../../../../core/alloy';
import { ERROR_NAMES } from '../../../../core/errors';

const attributeOf = (text: string): AttributeStatement => {
  const block = parseAlloy(`x "y" {\n  a = ${text}\n}\n`).body[0] as BlockStatement;
  return block.body[0] as AttributeStatement;
};

function syntaxError(text: string): AlloySyntaxError {
  try {
    parseAlloy(text);
  } catch (error) {
    if (error instanceof AlloySyntaxError) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}

describe('parseAlloy', () => {
  it('parses blocks with labels, nested blocks and attributes, with positions', () => {
    const file = parseAlloy(
      '// comment\nloki.write "default" {\n  endpoint {\n    url = "http://loki"\n  }\n}\n/* trailing */\n',
    );
    expect(file.body).toHaveLength(1);
    const block = file.body[0] as BlockStatement;
    expect(block).toMatchObject({
      kind: 'block',
      name: 'loki.write',
      label: 'default',
      pos: { line: 2, column: 1 },
    });
    const endpoint = block.body[0] as BlockStatement;
    expect(endpoint).toMatchObject({
      kind: 'block',
      name: 'endpoint',
      label: undefined,
      pos: { line: 3, column: 3 },
    });
    expect(endpoint.body[0]).toMatchObject({
      kind: 'attribute',
      name: 'url',
      value: { kind: 'literal', value: 'http://loki' },
      pos: { line: 4, column: 5 },
    });
  });

  it('parses literals, lists, objects and escapes', () => {
    expect(attributeOf('[1, 2.5, true, null, "a\\"b\\n", `raw\\n`]').value).toMatchObject({
      kind: 'array',
      elements: [
        { value: 1 },
        { value: 2.5 },
        { value: true },
        { value: null },
        { value: 'a"b\n' },
        { value: 'raw\\n' },
      ],
    });
    expect(attributeOf('{ level = "x", "__path__" = "/p" }').value).toMatchObject({
      kind: 'object',
      fields: [
        { key: 'level', quoted: false },
        { key: '__path__', quoted: true },
      ],
    });
  });

  it('parses references, index access and function calls', () => {
    expect(attributeOf('encoding.from_json(remote.http.t.content)["TaskARN"]').value).toMatchObject({
      kind: 'index',
      value: {
        kind: 'call',
        callee: { kind: 'access', name: 'from_json', value: { kind: 'identifier', name: 'encoding' } },
        args: [{ kind: 'access', name: 'content' }],
      },
      index: { kind: 'literal', value: 'TaskARN' },
    });
  });

  it('applies operator precedence and right-associative ^', () => {
    expect(attributeOf('1 + 2 * 3 == 7 && !false || -1 > 0').value).toMatchObject({
      kind: 'binary',
      op: '||',
      left: {
        op: '&&',
        left: { op: '==', left: { op: '+', right: { op: '*' } } },
        right: { kind: 'unary', op: '!' },
      },
      right: { op: '>', left: { kind: 'unary', op: '-' } },
    });
    expect(attributeOf('2 ^ 3 ^ 2').value).toMatchObject({ op: '^', left: { value: 2 }, right: { op: '^' } });
  });

  it('accepts trailing commas and multi-line lists that end with one', () => {
    expect(attributeOf('[\n    1,\n    2,\n  ]').value).toMatchObject({
      kind: 'array',
      elements: [{ value: 1 }, { value: 2 }],
    });
  });

  it.each([
    ["x 'y' {}", 'illegal single-quoted string; use double quotes'],
    ['a = [\n  1,\n  2\n]', "missing ',' in expression list"],
    ['a = [1 2]', "missing ',' in expression list"],
    ['a = {\n  b = 1\n}', "missing ',' in field list"],
    ['a = f(\n  1\n)', "missing ',' in argument list"],
    ['a = "open', 'string literal not terminated'],
    ['a = "\\q"', 'unknown escape sequence \\q'],
    ['x "y" {\n  a = 1\n', 'expected "}" to close the block, got end of file'],
    ['x "y" {\n  a.b = 1\n}', 'attribute name "a.b" must be a single identifier'],
    ['x "y" {\n  a = 1 b = 2\n}', 'expected a line break after the value of "a"'],
    ['a = 1 +', 'expected an expression, got end of file'],
    ['a = #', 'illegal character "#"'],
    ['/* never closed', 'comment not terminated'],
    ['x y {}', 'expected "=" or "{" after "x"'],
  ])('rejects %j: %s', (text, message) => {
    const error = syntaxError(text);
    expect(error.reason).toContain(message);
    expect(error.name).toBe(ERROR_NAMES.InputInvalid);
    expect(error.message).toMatch(/^\d+:\d+: /);
  });

  it('reports the line and column of the problem', () => {
    const error = syntaxError('loki.write "a" {\n  endpoint {\n    url = \'x\'\n  }\n}');
    expect(error.pos).toMatchObject({ line: 3, column: 11 });
  });
});

import { compileFilterPattern } from '../../../sandbox/aws/cloudwatch-logs';
import { evaluateCondition, parseCondition, type Item } from '../../../sandbox/aws/dynamodb-condition';

describe('DynamoDB condition expressions', () => {
  const item: Item = { cluster: { S: 'c' }, expiresAt: { N: '100' }, owner: { S: 'arn:1' } };
  const values = { ':now': { N: '150' }, ':early': { N: '50' }, ':o': { S: 'arn:1' }, ':p': { S: 'arn' } };
  const names = { '#c': 'cluster', '#e': 'expiresAt', '#o': 'owner' };
  const check = (expression: string, target: Item | undefined = item) =>
    evaluateCondition(parseCondition(expression), target, { expression, names, values });

  it.each([
    ['attribute_not_exists(#c)', false],
    ['attribute_exists(#c)', true],
    ['attribute_not_exists(#c) OR #e < :now', true],
    ['attribute_not_exists(#c) OR #e < :early', false],
    ['#o = :o AND NOT (#e > :now)', true],
    ['begins_with(#o, :p)', true],
    ['#e >= :now', false],
    ['#o <> :o', false],
    ['expiresAt < :now', true],
  ])('%s is %s', (expression, expected) => {
    expect(check(expression)).toBe(expected);
  });

  it('treats a missing item as having no attributes', () => {
    const absent = (expression: string) =>
      evaluateCondition(parseCondition(expression), undefined, { expression, names, values });
    expect(absent('attribute_not_exists(#c)')).toBe(true);
    expect(absent('#e < :now')).toBe(false);
  });

  it('rejects reserved words used as attribute names, as DynamoDB does', () => {
    expect(() => parseCondition('attribute_not_exists(cluster)')).toThrow(
      expect.objectContaining({
        name: 'ValidationException',
        message: expect.stringContaining('Attribute name is a reserved keyword; reserved keyword: cluster'),
      }),
    );
    expect(() => parseCondition('owner = :me')).toThrow(/reserved keyword: owner/);
  });

  it('names undefined placeholders and syntax errors as ValidationException', () => {
    expect(() => check('#x = :o')).toThrow(
      expect.objectContaining({ name: 'ValidationException', message: expect.stringContaining('#x') }),
    );
    expect(() => check('#c = :missing')).toThrow(
      expect.objectContaining({ name: 'ValidationException', message: expect.stringContaining(':missing') }),
    );
    expect(() => parseCondition('#c = = :o')).toThrow(
      expect.objectContaining({
        name: 'ValidationException',
        message: expect.stringContaining('Syntax error'),
      }),
    );
  });
});

describe('CloudWatch Logs filter patterns', () => {
  it('matches terms, quoted phrases and JSON field patterns', () => {
    const line = JSON.stringify({ level: 'error', msg: 'shard lost', nested: { code: 7 } });
    expect(compileFilterPattern('')(line)).toBe(true);
    expect(compileFilterPattern('shard lost')(line)).toBe(true);
    expect(compileFilterPattern('"shard lost"')(line)).toBe(true);
    expect(compileFilterPattern('"shard found"')(line)).toBe(false);
    expect(compileFilterPattern('{ $.level = "error" }')(line)).toBe(true);
    expect(compileFilterPattern('{ $.level != "error" }')(line)).toBe(false);
    expect(compileFilterPattern('{ $.nested.code = 7 }')(line)).toBe(true);
    expect(compileFilterPattern('{ $.level = "error" }')('not json')).toBe(false);
  });

  it('refuses JSON patterns outside the subset instead of answering wrongly', () => {
    expect(() => compileFilterPattern('{ $.a = 1 && $.b = 2 }')).toThrow(
      expect.objectContaining({ name: 'InvalidParameterException' }),
    );
  });
});

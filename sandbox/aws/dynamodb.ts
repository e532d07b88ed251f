import { clientError, requireString } from './errors';
import type { AwsJsonService } from './protocol';
import { evaluateCondition, parseCondition, type AttributeValue, type Item } from './dynamodb-condition';

export interface TableSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

interface Table extends TableSpec {
  readonly items: Map<string, Item>;
  readonly created: number;
}

const E = 'ValidationException';

/** DynamoDB: CreateTable/DescribeTable, PutItem/GetItem/DeleteItem with condition expressions. */
export class DynamoDbTwin {
  private readonly tables = new Map<string, Table>();

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  createTable(spec: TableSpec): void {
    if (this.tables.has(spec.name))
      throw clientError('ResourceInUseException', `Table already exists: ${spec.name}`);
    this.tables.set(spec.name, { ...spec, items: new Map(), created: this.now() });
  }

  private table(name: string): Table {
    const t = this.tables.get(name);
    if (!t) throw clientError('ResourceNotFoundException', 'Requested resource not found');
    return t;
  }

  private keyOf(t: Table, key: Item, what: string): string {
    const names = [t.partitionKey, ...(t.sortKey ? [t.sortKey] : [])];
    const extra = Object.keys(key).filter((k) => !names.includes(k));
    if (what === 'Key' && (extra.length > 0 || Object.keys(key).length !== names.length))
      throw clientError(E, 'The provided key element does not match the schema');
    return JSON.stringify(
      names.map((n) => {
        const v = key[n];
        if (!v) throw clientError(E, `One of the required keys was not given a value`);
        if (!('S' in v) && !('N' in v))
          throw clientError(E, 'The provided key element does not match the schema');
        return v;
      }),
    );
  }

  /** Direct access for seeding and observation (the lock's state at the end of a rehearsal). */
  putItem(tableName: string, item: Item): void {
    const t = this.table(tableName);
    t.items.set(this.keyOf(t, item, 'Item'), item);
  }

  items(tableName: string): Item[] {
    return [...(this.tables.get(tableName)?.items.values() ?? [])];
  }

  private check(input: Record<string, unknown>, existing: Item | undefined): void {
    const expression = input['ConditionExpression'];
    if (expression === undefined) return;
    if (typeof expression !== 'string' || expression.trim() === '')
      throw clientError(E, 'Invalid ConditionExpression: The expression can not be empty;');
    const ctx = {
      expression,
      names: input['ExpressionAttributeNames'] as Record<string, string> | undefined,
      values: input['ExpressionAttributeValues'] as Record<string, AttributeValue> | undefined,
    };
    if (!evaluateCondition(parseCondition(expression), existing, ctx)) {
      const extra =
        input['ReturnValuesOnConditionCheckFailure'] === 'ALL_OLD' && existing ? { Item: existing } : {};
      throw clientError('ConditionalCheckFailedException', 'The conditional request failed', extra);
    }
  }

  service(): AwsJsonService {
    return {
      targetPrefix: 'DynamoDB_20120810',
      contentType: 'application/x-amz-json-1.0',
      operations: {
        CreateTable: (input) => {
          const name = requireString(input, 'TableName', E);
          const schema = input['KeySchema'] as { AttributeName: string; KeyType: string }[] | undefined;
          const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
          if (!hash) throw clientError(E, 'KeySchema must hold a HASH key');
          const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
          this.createTable({ name, partitionKey: hash, ...(range ? { sortKey: range } : {}) });
          return { TableDescription: this.describe(name) };
        },
        DescribeTable: (input) => ({ Table: this.describe(requireString(input, 'TableName', E)) }),
        PutItem: (input) => {
          const t = this.table(requireString(input, 'TableName', E));
          const item = input['Item'] as Item | undefined;
          if (!item || typeof item !== 'object') throw clientError(E, 'Item is required');
          const key = this.keyOf(t, item, 'Item');
          const existing = t.items.get(key);
          this.check(input, existing);
          t.items.set(key, item);
          return input['ReturnValues'] === 'ALL_OLD' && existing ? { Attributes: existing } : {};
        },
        GetItem: (input) => {
          const t = this.table(requireString(input, 'TableName', E));
          const item = t.items.get(this.keyOf(t, (input['Key'] ?? {}) as Item, 'Key'));
          return item ? { Item: item } : {};
        },
        DeleteItem: (input) => {
          const t = this.table(requireString(input, 'TableName', E));
          const key = this.keyOf(t, (input['Key'] ?? {}) as Item, 'Key');
          const existing = t.items.get(key);
          this.check(input, existing);
          t.items.delete(key);
          return input['ReturnValues'] === 'ALL_OLD' && existing ? { Attributes: existing } : {};
        },
      },
    };
  }

  private describe(name: string) {
    const t = this.table(name);
    return {
      TableName: t.name,
      TableArn: `arn:aws:dynamodb:${this.region}:${this.account}:table/${t.name}`,
      TableStatus: 'ACTIVE',
      CreationDateTime: t.created / 1000,
      ItemCount: t.items.size,
      KeySchema: [
        { AttributeName: t.partitionKey, KeyType: 'HASH' },
        ...(t.sortKey ? [{ AttributeName: t.sortKey, KeyType: 'RANGE' }] : []),
      ],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    };
  }
}

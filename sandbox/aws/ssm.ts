import { clientError, requireString } from './errors';
import type { AwsJsonService } from './protocol';
import { epochSeconds } from './protocol';

export interface SsmParameter {
  readonly name: string;
  readonly type: 'String' | 'StringList' | 'SecureString';
  readonly value: string;
  readonly version: number;
  readonly tier: 'Standard' | 'Advanced';
  readonly lastModified: number;
}

/** Parameter value limits of the real service, per tier. */
const MAX_VALUE = { Standard: 4096, Advanced: 8192 } as const;

/** SSM Parameter Store: PutParameter (Overwrite, Tier), GetParameter(s), DeleteParameter. */
export class SsmTwin {
  private readonly params = new Map<string, SsmParameter>();

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  arnOf(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  /** Accepts a name or an ARN, as task-definition `secrets[].valueFrom` does. */
  get(nameOrArn: string): SsmParameter | undefined {
    const m = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(nameOrArn);
    if (!m) return this.params.get(nameOrArn);
    const path = m[1] as string;
    return this.params.get(path) ?? this.params.get(path.slice(1));
  }

  /** Every parameter, e.g. to prove a read-only run wrote none. */
  list(): SsmParameter[] {
    return [...this.params.values()];
  }

  put(input: {
    name: string;
    value: string;
    type?: SsmParameter['type'];
    overwrite?: boolean;
    tier?: string;
  }): SsmParameter {
    const { name, value } = input;
    if (!/^\/?[A-Za-z0-9_.\-/]{1,2048}$/.test(name))
      throw clientError(
        'ValidationException',
        `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive) and must contain only a-zA-Z0-9_.-/: got "${name}"`,
      );
    const existing = this.params.get(name);
    if (existing && !input.overwrite)
      throw clientError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    let tier: SsmParameter['tier'];
    if (input.tier === undefined || input.tier === 'Standard')
      tier = existing?.tier === 'Advanced' ? 'Advanced' : 'Standard';
    else if (input.tier === 'Advanced') tier = 'Advanced';
    else if (input.tier === 'Intelligent-Tiering')
      tier = value.length > MAX_VALUE.Standard ? 'Advanced' : 'Standard';
    else
      throw clientError(
        'ValidationException',
        `1 validation error detected: Value '${input.tier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]`,
      );
    if (existing?.tier === 'Advanced' && input.tier === 'Standard')
      throw clientError(
        'ValidationException',
        "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier.",
      );
    if (value.length === 0)
      throw clientError(
        'ValidationException',
        "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    if (value.length > MAX_VALUE[tier])
      throw clientError(
        'ValidationException',
        tier === 'Standard'
          ? `Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. (got ${value.length})`
          : `Advanced tier parameters support a maximum parameter value of 8192 characters (got ${value.length})`,
      );
    const param: SsmParameter = {
      name,
      value,
      type: input.type ?? existing?.type ?? 'String',
      version: (existing?.version ?? 0) + 1,
      tier,
      lastModified: this.now(),
    };
    this.params.set(name, param);
    return param;
  }

  private describe(p: SsmParameter) {
    return {
      Name: p.name,
      Type: p.type,
      Value: p.value,
      Version: p.version,
      LastModifiedDate: epochSeconds(p.lastModified),
      ARN: this.arnOf(p.name),
      DataType: 'text',
    };
  }

  service(): AwsJsonService {
    return {
      targetPrefix: 'AmazonSSM',
      contentType: 'application/x-amz-json-1.1',
      operations: {
        PutParameter: (input) => {
          const type = input['Type'];
          if (type !== undefined && type !== 'String' && type !== 'StringList' && type !== 'SecureString')
            throw clientError(
              'ValidationException',
              `1 validation error detected: Value '${String(type)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
            );
          const p = this.put({
            name: requireString(input, 'Name', 'ValidationException'),
            value: typeof input['Value'] === 'string' ? input['Value'] : '',
            ...(type !== undefined ? { type } : {}),
            overwrite: input['Overwrite'] === true,
            ...(typeof input['Tier'] === 'string' ? { tier: input['Tier'] } : {}),
          });
          return { Version: p.version, Tier: p.tier };
        },
        GetParameter: (input) => {
          const name = requireString(input, 'Name', 'ValidationException');
          const p = this.get(name);
          if (!p) throw clientError('ParameterNotFound', `Parameter ${name} not found.`);
          return { Parameter: this.describe(p) };
        },
        GetParameters: (input) => {
          const names = input['Names'];
          if (!Array.isArray(names) || names.length === 0 || names.length > 10)
            throw clientError('ValidationException', 'Names must be a list of 1 to 10 parameter names');
          const found = names.flatMap((n) => {
            const p = typeof n === 'string' ? this.get(n) : undefined;
            return p ? [this.describe(p)] : [];
          });
          const invalid = names.filter((n) => typeof n !== 'string' || !this.get(n));
          return { Parameters: found, InvalidParameters: invalid };
        },
        DeleteParameter: (input) => {
          const name = requireString(input, 'Name', 'ValidationException');
          if (!this.params.delete(name))
            throw clientError('ParameterNotFound', `Parameter ${name} not found.`);
          return {};
        },
      },
    };
  }
}

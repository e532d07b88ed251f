import { randomUUID } from 'node:crypto';
import { clientError, requireString } from './errors';
import type { AwsJsonService } from './protocol';
import { epochSeconds } from './protocol';

interface Secret {
  readonly arn: string;
  readonly name: string;
  readonly value: string;
  readonly versionId: string;
  readonly created: number;
  /** A customer managed key; absent means the AWS managed aws/secretsmanager key. */
  readonly kmsKeyId?: string;
}

/** Secrets Manager: CreateSecret (for seeding), GetSecretValue and DescribeSecret by name or ARN. */
export class SecretsManagerTwin {
  private readonly secrets = new Map<string, Secret>();

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  /**
   * `account`: the account in the secret's ARN when it is not the sandbox's, for a plan that names
   * a secret of the team's account (the one its roles are in, which IAM's simulation compares).
   */
  create(name: string, value: string, options: { kmsKeyId?: string; account?: string } = {}): Secret {
    if (this.find(name))
      throw clientError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    // Real ARNs end with a dash and six random characters.
    const suffix = randomUUID().replace(/-/g, '').slice(0, 6);
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${this.region}:${options.account ?? this.account}:secret:${name}-${suffix}`,
      name,
      value,
      versionId: randomUUID(),
      created: this.now(),
      ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
    };
    this.secrets.set(secret.arn, secret);
    return secret;
  }

  /** Whether a secret answers to this name or ARN (what ECS checks when a task starts). */
  has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  private found(id: string): Secret {
    const s = this.find(id);
    if (!s)
      throw clientError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return s;
  }

  private find(id: string): Secret | undefined {
    const byArn = this.secrets.get(id);
    if (byArn) return byArn;
    // A partial ARN (without the random suffix) and the plain name both resolve, as in AWS.
    return [...this.secrets.values()].find(
      (s) => s.name === id || s.arn.replace(/-[A-Za-z0-9]{6}$/, '') === id,
    );
  }

  service(): AwsJsonService {
    return {
      targetPrefix: 'secretsmanager',
      contentType: 'application/x-amz-json-1.1',
      operations: {
        CreateSecret: (input) => {
          const s = this.create(
            requireString(input, 'Name', 'InvalidParameterException'),
            typeof input['SecretString'] === 'string' ? input['SecretString'] : '',
            typeof input['KmsKeyId'] === 'string' ? { kmsKeyId: input['KmsKeyId'] } : {},
          );
          return { ARN: s.arn, Name: s.name, VersionId: s.versionId };
        },
        GetSecretValue: (input) => {
          const s = this.found(requireString(input, 'SecretId', 'InvalidParameterException'));
          return {
            ARN: s.arn,
            Name: s.name,
            VersionId: s.versionId,
            SecretString: s.value,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: epochSeconds(s.created),
          };
        },
        // KmsKeyId is left out for the AWS managed key, as AWS does.
        DescribeSecret: (input) => {
          const s = this.found(requireString(input, 'SecretId', 'InvalidParameterException'));
          return {
            ARN: s.arn,
            Name: s.name,
            ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
            CreatedDate: epochSeconds(s.created),
            VersionIdsToStages: { [s.versionId]: ['AWSCURRENT'] },
          };
        },
      },
    };
  }
}

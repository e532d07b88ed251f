import type { PolicyDocument } from './aws/iam';
import type { IamTwin } from './aws/iam';

/** What the team's roles grant beyond running their tasks: what a migration to Alloy needs. */
export interface RoleGrants {
  /** The SSM prefix the Alloy configs are written under (the plan's config prefix). */
  readonly configPrefix: string;
  /** The AMP workspace the task roles write to; `*` for every workspace of the account. */
  readonly ampWorkspaceId: string;
  /** The Loki credential secret the execution roles read, when the plan has one. */
  readonly lokiSecretArn?: string;
}

/** The roles and secrets one seeded task definition carries. */
export interface SeededDefinition {
  readonly executionRoleArn?: string;
  readonly taskRoleArn?: string;
  readonly containerDefinitions: readonly { secrets?: readonly { valueFrom: string }[] }[];
}

const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/.+$/;

/** Secrets Manager ARNs end in "-" and six random characters; a partial ARN matches with the wildcard. */
const secretPattern = (arn: string) =>
  /-[A-Za-z0-9]{6}$/.test(arn.split(':secret:')[1] ?? '') ? arn : `${arn}-??????`;

const policy = (...statements: Record<string, unknown>[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

/**
 * Creates every execution and task role the definitions name, with the policies a team running
 * them on ADOT and ready for Alloy would have: the execution role pulls images, writes awslogs,
 * reads the definitions' SSM parameters and the Alloy configs (and the Loki secret); the task role
 * may remote-write to the workspace. Resources are in each role's own account and the given region.
 */
export function seedServiceRoles(
  iam: IamTwin,
  region: string,
  definitions: readonly SeededDefinition[],
  grants: RoleGrants,
): void {
  const parametersByRole = new Map<string, Set<string>>();
  const taskRoles = new Set<string>();
  for (const td of definitions) {
    if (td.executionRoleArn && ROLE_ARN.test(td.executionRoleArn)) {
      const m = ROLE_ARN.exec(td.executionRoleArn) as RegExpExecArray;
      const params = parametersByRole.get(td.executionRoleArn) ?? new Set<string>();
      for (const c of td.containerDefinitions)
        for (const s of c.secrets ?? []) {
          if (s.valueFrom.startsWith('arn:') && s.valueFrom.includes(':ssm:')) params.add(s.valueFrom);
          else if (!s.valueFrom.startsWith('arn:'))
            params.add(
              `arn:${m[1]}:ssm:${region}:${m[2]}:parameter${s.valueFrom.startsWith('/') ? '' : '/'}${s.valueFrom}`,
            );
        }
      parametersByRole.set(td.executionRoleArn, params);
    }
    if (td.taskRoleArn && ROLE_ARN.test(td.taskRoleArn)) taskRoles.add(td.taskRoleArn);
  }

  for (const [roleArn, parameters] of parametersByRole) {
    const [, partition, account] = ROLE_ARN.exec(roleArn) as RegExpExecArray;
    iam.putRole(roleArn);
    iam.putRolePolicy(
      roleArn,
      'ecs-task-execution',
      policy(
        {
          Sid: 'PullImagesAndWriteLogs',
          Effect: 'Allow',
          Action: [
            'ecr:GetAuthorizationToken',
            'ecr:BatchCheckLayerAvailability',
            'ecr:GetDownloadUrlForLayer',
            'ecr:BatchGetImage',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
          ],
          Resource: '*',
        },
        {
          Sid: 'ReadTaskParameters',
          Effect: 'Allow',
          Action: ['ssm:GetParameters'],
          Resource: [
            ...parameters,
            `arn:${partition}:ssm:${region}:${account}:parameter${grants.configPrefix}/*`,
          ],
        },
        ...(grants.lokiSecretArn
          ? [
              {
                Sid: 'ReadLokiSecret',
                Effect: 'Allow',
                Action: ['secretsmanager:GetSecretValue'],
                Resource: [secretPattern(grants.lokiSecretArn)],
              },
            ]
          : []),
      ),
    );
  }
  for (const roleArn of taskRoles) {
    const [, partition, account] = ROLE_ARN.exec(roleArn) as RegExpExecArray;
    iam.putRole(roleArn);
    iam.putRolePolicy(
      roleArn,
      'alloy-remote-write',
      policy({
        Sid: 'RemoteWriteMetrics',
        Effect: 'Allow',
        Action: ['aps:RemoteWrite'],
        Resource: [`arn:${partition}:aps:${region}:${account}:workspace/${grants.ampWorkspaceId}`],
      }),
    );
  }
}

/**
 * ARNs the policies are scoped to, written out rather than taken from constructs: the cluster, its
 * services and the workspace are not part of this stack. Partition, region and account may be
 * CloudFormation tokens (an environment-agnostic stack) or literals.
 */
export class ScopedArns {
  constructor(
    readonly partition: string,
    readonly region: string,
    readonly account: string,
  ) {}

  private arn(service: string, resource: string, region = this.region, account = this.account): string {
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }

  ecsCluster(cluster: string): string {
    return this.arn('ecs', `cluster/${cluster}`);
  }

  ecsService(cluster: string, service: string): string {
    return this.arn('ecs', `service/${cluster}/${service}`);
  }

  /** Every task of the cluster (task ids are only known at run time). */
  ecsTasks(cluster: string): string {
    return this.arn('ecs', `task/${cluster}/*`);
  }

  /** Every revision of one family, or of every family with `*`. */
  ecsTaskDefinitions(family: string): string {
    return this.arn('ecs', family === '*' ? 'task-definition/*' : `task-definition/${family}:*`);
  }

  /** Parameters under an SSM path; the ARN drops the path's leading slash after "parameter". */
  ssmParametersUnder(prefix: string): string {
    return this.arn('ssm', `parameter${prefix}/*`);
  }

  logGroup(name: string): string {
    return this.arn('logs', `log-group:${name}`);
  }

  /** The streams of a log group (FilterLogEvents and DescribeLogStreams authorise on this form). */
  logGroupStreams(name: string): string {
    return this.arn('logs', `log-group:${name}:*`);
  }

  ampWorkspace(workspaceId: string): string {
    return this.arn('aps', `workspace/${workspaceId}`);
  }

  stateMachine(name: string): string {
    return this.arn('states', `stateMachine:${name}`);
  }

  /** Executions of one state machine, the child executions it starts of itself included. */
  stateMachineExecutions(name: string): string {
    return this.arn('states', `execution:${name}:*`);
  }

  /** An S3 bucket: S3 ARNs carry no region or account (ListBucket authorises on the bucket). */
  s3Bucket(name: string): string {
    return `arn:${this.partition}:s3:::${name}`;
  }

  eventsRule(name: string): string {
    return this.arn('events', `rule/${name}`);
  }
}

/**
 * Secrets Manager appends "-" and six random characters to a secret's name in its ARN. A partial
 * ARN (without them) matches the secret only with the `-??????` wildcard.
 */
export function secretArnPattern(arn: string): string {
  const name = arn.split(':secret:')[1] ?? '';
  return /-[A-Za-z0-9]{6}$/.test(name) ? arn : `${arn}-??????`;
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { LOCK_TABLE } from '../lambdas/catalog';

/**
 * One item per cluster while a rollout runs. On-demand: a handful of writes per rollout costs
 * nothing idle. Point-in-time recovery is on because the AWS checks ask for it, and TTL removes a
 * lock a crashed run left behind.
 */
export class LockTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: LOCK_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: LOCK_TABLE.ttlAttribute,
      // Locks are transient; nothing in the table is worth keeping once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * The Powertools idempotency store: one item per CloudTrail eventID while it is being (or has been) handled, so a
 * duplicate EventBridge delivery does not alert twice, and an item that expires (TTL) or is deleted after a failure
 * lets a retry run again. Attribute names are Powertools' DynamoDBPersistenceLayer defaults.
 * See: https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/#dynamodb-table
 */
export class IdempotencyTable extends Table {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Only in-flight and recent idempotency records live here; the verdicts themselves are in the decision log.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** Exactly the item operations the persistence layer performs; no Scan, no Query, no batch operations. */
  public grantIdempotencyRecords(grantee: IGrantable): void {
    this.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
  }
}

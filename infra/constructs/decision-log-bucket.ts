import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  CfnBucket,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SMOKE_PREFIX } from '../../lib/core/smoke';

/** Where the correlator writes verdicts: `<prefix>dt=YYYY-MM-DD/<eventId>.json` (see lib/core/ports.ts). */
export const DECISION_LOG_PREFIX = 'decisions/';

/** Glacier Instant Retrieval bills at least 90 days; transitioning objects that expire sooner costs more, not less. */
const GLACIER_IR_MINIMUM_DAYS = 90;
const TRANSITION_AFTER_DAYS = 90;

export interface DecisionLogBucketProps {
  readonly retentionDays: number;
}

/**
 * The decision log: every verdict, good or bad, as one JSON object per event, partitioned by day for Athena.
 *
 * Encryption: SSE-S3 (S3-managed keys). Access is decided by IAM and this bucket's policy; a customer managed key
 * would add a second gate that every Athena user, the Glue table and the reconcile function must also be granted,
 * for records that hold no secrets (role ARNs, project paths, usernames) and live in the same account.
 * Versioned, so an overwritten or deleted verdict can be recovered during the retention period. Server access logs
 * go to a separate bucket, so reads of the evidence are themselves on record.
 */
export class DecisionLogBucket extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogsBucket: Bucket;
  public readonly prefix = DECISION_LOG_PREFIX;

  public constructor(scope: Construct, id: string, props: DecisionLogBucketProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only.
      // See: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Object ownership left to CDK: with @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy (cdk.json) log delivery
      // is granted by bucket policy and ACLs stay disabled.
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.retentionDays) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the decision log; logging it into itself would loop.',
    });

    const transition =
      props.retentionDays >= TRANSITION_AFTER_DAYS + GLACIER_IR_MINIMUM_DAYS
        ? [
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(TRANSITION_AFTER_DAYS),
            },
          ]
        : [];

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'decision-log/',
      lifecycleRules: [
        {
          id: 'expire-verdicts',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          // S3 does not transition objects under 128 KB by default, so single verdicts stay in Standard; only larger
          // objects (e.g. compacted exports) move.
          // See: https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
          transitions: transition,
        },
        // Smoke-test results only prove the path worked at one moment: a week is plenty.
        { id: 'expire-smoke-results', prefix: SMOKE_PREFIX, expiration: Duration.days(7) },
      ],
    });
  }

  /** Write verdicts under the decision-log prefix only; nothing else in the bucket, and no reading back. */
  public grantWriteVerdicts(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${DECISION_LOG_PREFIX}*`)],
      }),
    );
    this.acknowledgePrefixWildcard(grantee, DECISION_LOG_PREFIX);
  }

  /**
   * Write smoke-test results under smoke/ (the correlator answering `oidc-watch smoke`): outside decisions/, so a
   * synthetic event can never stand in for a real verdict.
   */
  public grantWriteSmokeResults(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${SMOKE_PREFIX}*`)],
      }),
    );
    this.acknowledgePrefixWildcard(grantee, SMOKE_PREFIX);
  }

  /**
   * Read verdicts and tell "no verdict" from "no access" (reconciliation). HeadObject is authorized by s3:GetObject,
   * but answers 404 for a missing key only to a caller that may also list the bucket (403 otherwise), and a 403 must
   * never be read as "no verdict".
   * See: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
   */
  public grantReadVerdicts(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${DECISION_LOG_PREFIX}*`)],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    this.acknowledgePrefixWildcard(grantee, DECISION_LOG_PREFIX);
  }

  /** cdk-nag reports `<bucket ARN>/<prefix>*` as a wildcard; it is the narrowest resource S3 can express here. */
  private acknowledgePrefixWildcard(grantee: IGrantable, prefix: string): void {
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    const cfnBucket = this.bucket.node.defaultChild;
    if (!(cfnBucket instanceof CfnBucket))
      throw new TypeError('s3.Bucket no longer has a CfnBucket as default child');
    const stack = Stack.of(this);
    const logicalId: unknown = stack.resolve(stack.getLogicalId(cfnBucket));
    if (typeof logicalId !== 'string')
      throw new TypeError('the decision log bucket has no literal logical ID');
    Validations.of(principal).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
      reason:
        `Objects under the ${prefix} prefix only: one object per CloudTrail eventID (or smoke-test id), whose key ` +
        'cannot be known in advance.',
    });
  }
}

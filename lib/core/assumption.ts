/**
 * One AssumeRoleWithWebIdentity call, normalized from whichever envelope it arrived in
 * (bare CloudTrail record, EventBridge event, log file, Athena row, LookupEvents).
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 */
export interface RoleAssumption {
  /** CloudTrail `eventID`: the deduplication key. */
  readonly eventId: string;
  /** ISO 8601 UTC, from `eventTime`. */
  readonly eventTime: string;
  readonly eventVersion: string | null;
  /** `recipientAccountId`: the account that owns the role. */
  readonly accountId: string;
  /** `awsRegion` where the call was logged (global STS endpoint: us-east-1). */
  readonly region: string;
  /** `requestParameters.roleArn`. Always present: a record without it is an InputError. */
  readonly roleArn: string;
  /** `requestParameters.roleSessionName`: chosen by the CALLER, a hint only. */
  readonly roleSessionName: string | null;
  /** The token's `sub`, from `userIdentity.userName` or `responseElements.subjectFromWebIdentityToken`. */
  readonly subject: string | null;
  /**
   * `responseElements.subjectFromWebIdentityToken` when the record also has a `userIdentity.userName` that differs
   * from it (else null). Both should be the same signed `sub`; a record where they disagree is never judged ok.
   */
  readonly subjectConflict: string | null;
  /** `userIdentity.identityProvider` (an OIDC provider ARN, or a bare host in old records). Null on some failures. */
  readonly identityProvider: string | null;
  /**
   * The issuer as a URL, derived from the provider ARN (`arn:aws:iam::123456789012:oidc-provider/gitlab.com`
   * → `https://gitlab.com`) or from `responseElements.provider`. Null when neither is present.
   */
  readonly issuer: string | null;
  /** The token's `aud`, from `responseElements.audience`. Never split from principalId (aud contains colons). */
  readonly audience: string | null;
  /** `errorCode` of a failed attempt (`AccessDenied`, `InvalidIdentityToken`...), null on success. */
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  /** `additionalEventData.RequestDetails.endpointType`. */
  readonly endpointType: 'global' | 'regional' | null;
  readonly durationSeconds: number | null;
  readonly sourceIdentity: string | null;
  /** `responseElements.assumedRoleUser.arn`. */
  readonly assumedRoleArn: string | null;
}

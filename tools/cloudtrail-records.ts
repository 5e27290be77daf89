/**
 * Builders of realistic, redacted CloudTrail records (account 123456789012, IPs from 192.0.2.0/24) for
 * AssumeRoleWithWebIdentity, their EventBridge envelope and a log file body. A dev tool shared by the tests, the demo
 * event generator and the bench; never imported by lib/, functions/ or infra/.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample-assumerolewithwebidentity
 */

/** The shape of a CloudTrail AssumeRoleWithWebIdentity record, as the fixtures and the builder produce it. */
export interface WebIdentityRecordFixture {
  eventVersion: string;
  userIdentity: {
    type: 'WebIdentityUser';
    principalId?: string;
    userName?: string;
    identityProvider?: string;
  };
  eventTime: string;
  eventSource: 'sts.amazonaws.com';
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: {
    roleArn: string;
    roleSessionName: string;
    durationSeconds?: number;
    sourceIdentity?: string;
    [key: string]: unknown;
  };
  responseElements: {
    credentials: { accessKeyId: string; sessionToken: string; expiration: string };
    subjectFromWebIdentityToken: string;
    assumedRoleUser: { assumedRoleId: string; arn: string };
    provider: string;
    audience: string;
    sourceIdentity?: string;
    [key: string]: unknown;
  } | null;
  additionalEventData: {
    identityProviderConnectionVerificationMethod: 'IAMTrustStore' | 'Thumbprint';
    RequestDetails: { awsServingRegion: string; endpointType: 'global' | 'regional' };
  };
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources: { accountId: string; type: string; ARN: string }[];
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management';
  tlsDetails: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
}

export interface WebIdentityRecordOverrides {
  eventId?: string;
  /** CloudTrail form, `2025-04-16T02:46:56Z`. */
  eventTime?: string;
  eventVersion?: string;
  /** The account that owns the role (recipientAccountId, and the role ARN's account unless roleArn is given). */
  accountId?: string;
  /** Default: us-east-1 for the global endpoint, the given region for a regional one. */
  region?: string;
  endpointType?: 'global' | 'regional';
  roleArn?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  /** The token's `sub`. */
  subject?: string;
  /** The token's `aud`. */
  audience?: string;
  /** The OIDC provider's URL without scheme: `gitlab.com`, `gitlab.example.com`. */
  providerHost?: string;
  sourceIp?: string;
  userAgent?: string;
  sourceIdentity?: string;
  /** A failed attempt: errorCode/errorMessage, `responseElements: null`, userIdentity without provider/principalId. */
  error?: { code: string; message: string };
}

export const DEFAULT_SUBJECT = 'project_path:acme/deploy:ref_type:branch:ref:main';
export const DEFAULT_ROLE_ARN = 'arn:aws:iam::123456789012:role/prod-deploy';

const AWS_CLI_USER_AGENT =
  'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#5.15.0-1057-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#docker md/distrib#amzn.2 prompt/off command/sts.assume-role-with-web-identity';

/** What STS answered (credentials redacted): the sub, the assumed-role ARN with the session name, the provider. */
function responseElements(r: {
  readonly subject: string;
  readonly session: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly providerArn: string;
  readonly audience: string;
}): NonNullable<WebIdentityRecordFixture['responseElements']> {
  const { subject, session, accountId, roleName, providerArn, audience } = r;
  return {
    credentials: {
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKENREDACTED',
      expiration: 'Apr 16, 2025, 3:46:56 AM',
    },
    subjectFromWebIdentityToken: subject,
    assumedRoleUser: {
      assumedRoleId: `AROAEXAMPLEROLEID1234:${session}`,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}`,
    },
    provider: providerArn,
    audience,
  };
}

/**
 * A full, realistic AssumeRoleWithWebIdentity record from a GitLab CI job (successful unless `error` is given).
 * Derived fields stay consistent: principalId = `<provider ARN>:<aud>:<sub>`, the assumed-role ARN embeds the role
 * name and session name, the TLS host header matches the endpoint type.
 */
export function makeWebIdentityRecord(overrides: WebIdentityRecordOverrides = {}): WebIdentityRecordFixture {
  const accountId = overrides.accountId ?? '123456789012';
  const endpointType = overrides.endpointType ?? 'global';
  const region = overrides.region ?? (endpointType === 'global' ? 'us-east-1' : 'eu-west-1');
  const roleArn = overrides.roleArn ?? `arn:aws:iam::${accountId}:role/prod-deploy`;
  const roleName = roleArn.split('/').pop() ?? 'prod-deploy';
  const session = overrides.roleSessionName ?? 'pipeline-1234567890';
  const subject = overrides.subject ?? DEFAULT_SUBJECT;
  const providerHost = overrides.providerHost ?? 'gitlab.com';
  const audience = overrides.audience ?? `https://${providerHost}`;
  const providerArn = `arn:aws:iam::${accountId}:oidc-provider/${providerHost}`;
  const eventId = overrides.eventId ?? '3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f';
  const eventTime = overrides.eventTime ?? '2025-04-16T02:46:56Z';
  const host = endpointType === 'global' ? 'sts.amazonaws.com' : `sts.${region}.amazonaws.com`;

  const requestParameters: WebIdentityRecordFixture['requestParameters'] = {
    roleArn,
    roleSessionName: session,
    durationSeconds: overrides.durationSeconds ?? 3600,
  };
  if (overrides.sourceIdentity !== undefined) requestParameters.sourceIdentity = overrides.sourceIdentity;

  const record: WebIdentityRecordFixture = {
    eventVersion: overrides.eventVersion ?? '1.08',
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `${providerArn}:${audience}:${subject}`,
      userName: subject,
      identityProvider: providerArn,
    },
    eventTime,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: region,
    sourceIPAddress: overrides.sourceIp ?? '192.0.2.10',
    userAgent: overrides.userAgent ?? AWS_CLI_USER_AGENT,
    requestParameters,
    responseElements: responseElements({ subject, session, accountId, roleName, providerArn, audience }),
    additionalEventData: {
      identityProviderConnectionVerificationMethod: 'IAMTrustStore',
      RequestDetails: { awsServingRegion: region, endpointType },
    },
    requestID: '5e8a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b',
    eventID: eventId,
    readOnly: true,
    resources: [{ accountId, type: 'AWS::IAM::Role', ARN: roleArn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: host,
    },
  };
  return withOutcome(record, overrides, subject);
}

/** A source identity echoed in the response, or a failed call: error fields, no response, no provider. */
function withOutcome(
  record: WebIdentityRecordFixture,
  overrides: WebIdentityRecordOverrides,
  subject: string,
): WebIdentityRecordFixture {
  if (overrides.sourceIdentity !== undefined && record.responseElements) {
    record.responseElements.sourceIdentity = overrides.sourceIdentity;
  }
  if (overrides.error) {
    record.errorCode = overrides.error.code;
    record.errorMessage = overrides.error.message;
    record.responseElements = null;
    record.userIdentity = { type: 'WebIdentityUser', userName: subject };
  }
  return record;
}

/** Wraps a record the way EventBridge delivers it (detail-type `AWS API Call via CloudTrail`). */
export function makeEventBridgeEvent(record: {
  eventTime: string;
  awsRegion: string;
  recipientAccountId?: string;
}): {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
} {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.sts',
    account: record.recipientAccountId ?? '123456789012',
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: structuredClone(record),
  };
}

/** A CloudTrail log file body, as delivered to S3 (before gzip). */
export function makeLogFile(records: readonly unknown[]): { Records: unknown[] } {
  return { Records: records.map((r) => structuredClone(r)) };
}

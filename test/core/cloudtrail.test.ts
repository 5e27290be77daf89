import type { RoleAssumption } from '../../lib/core/assumption';
import {
  WEB_IDENTITY_EVENT_NAME,
  issuerFromProvider,
  normalizeEventTime,
  normalizeRecord,
  type NormalizeResult,
} from '../../lib/core/cloudtrail';
import { InputError } from '../../lib/core/errors';
import {
  DEFAULT_SUBJECT,
  cloneRecord,
  loadFixture,
  makeEventBridgeEvent,
  makeWebIdentityRecord,
} from '../support/fixtures';

const where = { source: 'fixture.json', record: 7 };

function assumptionOf(result: NormalizeResult): RoleAssumption {
  if (result.kind !== 'assumption')
    throw new Error(`expected an assumption, got skipped ${result.eventName}`);
  return result.assumption;
}

function normalized(value: unknown): RoleAssumption {
  return assumptionOf(normalizeRecord(value, where));
}

function thrown(value: unknown): InputError {
  try {
    normalizeRecord(value, where);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected normalizeRecord to throw');
}

type Json = Record<string, unknown>;
function asJson(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('fixture is not an object');
  return value as Json;
}

describe('normalizeRecord', () => {
  it('normalizes a successful AssumeRoleWithWebIdentity record from a GitLab CI job', () => {
    expect(normalized(loadFixture('web-identity-success'))).toEqual<RoleAssumption>({
      eventId: 'd5f1c2a8-3b4e-4c6d-9e7f-1a2b3c4d5e6f',
      eventTime: '2025-04-16T02:46:56Z',
      eventVersion: '1.08',
      accountId: '123456789012',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
      roleSessionName: 'pipeline-1452231987',
      subject: 'project_path:acme/deploy:ref_type:branch:ref:main',
      subjectConflict: null,
      identityProvider: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com',
      issuer: 'https://gitlab.com',
      audience: 'https://gitlab.com',
      errorCode: null,
      errorMessage: null,
      sourceIp: '192.0.2.10',
      userAgent: expect.stringContaining('command/sts.assume-role-with-web-identity') as string,
      endpointType: 'global',
      durationSeconds: 3600,
      sourceIdentity: null,
      assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/prod-deploy/pipeline-1452231987',
    });
  });

  it('reads sub from userName and aud from responseElements, never by splitting principalId (aud has colons)', () => {
    const record = makeWebIdentityRecord({
      subject: 'project_path:acme/deploy:ref_type:branch:ref:release/2025:04',
      audience: 'https://deploy.example.com:8443/aws',
    });
    expect(record.userIdentity.principalId?.split(':').length).toBeGreaterThan(10);
    const a = normalized(record);
    expect(a.subject).toBe('project_path:acme/deploy:ref_type:branch:ref:release/2025:04');
    expect(a.audience).toBe('https://deploy.example.com:8443/aws');
  });

  it('falls back to responseElements.subjectFromWebIdentityToken when userIdentity has no userName', () => {
    const record = makeWebIdentityRecord({ subject: 'project_id:42:ref_type:tag:ref:v1.2.3' });
    delete record.userIdentity.userName;
    expect(normalized(record).subject).toBe('project_id:42:ref_type:tag:ref:v1.2.3');
  });

  it('prefers userName over subjectFromWebIdentityToken when both are present', () => {
    const record = makeWebIdentityRecord();
    if (record.responseElements) record.responseElements.subjectFromWebIdentityToken = 'something-else';
    expect(normalized(record).subject).toBe(DEFAULT_SUBJECT);
  });

  it('does not read the non-ISO credentials expiration, whatever it holds', () => {
    const record = makeWebIdentityRecord();
    if (record.responseElements) record.responseElements.credentials.expiration = 'Apr 16, 2025, 3:46:56 AM';
    expect(normalized(record).eventTime).toBe('2025-04-16T02:46:56Z');
    if (record.responseElements) record.responseElements.credentials.expiration = 'not a date at all';
    expect(normalized(record).eventId).toBe(record.eventID);
  });

  it('unwraps an EventBridge event and normalizes the CloudTrail record in detail', () => {
    const a = normalized(loadFixture('web-identity-eventbridge'));
    expect(a).toMatchObject({
      eventId: '5c4b3a29-1807-4f6e-9d5c-4b3a29180766',
      roleArn: 'arn:aws:iam::123456789012:role/prod-infra',
      roleSessionName: 'GitLabRunner-4242-1452240001',
      subject: 'project_path:acme/platform/infra:ref_type:tag:ref:v2.14.0',
      issuer: 'https://gitlab.com',
      durationSeconds: 900,
    });
  });

  it("uses the EventBridge event's region and account when the record lacks awsRegion and recipientAccountId", () => {
    const record = makeWebIdentityRecord({ region: 'eu-west-1', endpointType: 'regional' });
    const event = makeEventBridgeEvent(record);
    const detail = asJson(event.detail);
    delete detail.awsRegion;
    delete detail.recipientAccountId;
    event.account = '210987654321';
    const a = normalized(event);
    expect(a.region).toBe('eu-west-1');
    expect(a.accountId).toBe('210987654321');
  });

  it('skips EventBridge events of other detail-types, naming their event', () => {
    const event = asJson(loadFixture('web-identity-eventbridge'));
    event['detail-type'] = 'AWS Console Sign In via CloudTrail';
    asJson(event.detail).eventName = 'ConsoleLogin';
    expect(normalizeRecord(event, where)).toEqual({ kind: 'skipped', eventName: 'ConsoleLogin' });
  });

  it('skips EventBridge API calls of other event names', () => {
    const event = asJson(loadFixture('web-identity-eventbridge'));
    event.detail = cloneRecord((loadFixture('mixed-log-file') as { Records: Json[] }).Records[0]);
    expect(normalizeRecord(event, where)).toEqual({ kind: 'skipped', eventName: 'GetCallerIdentity' });
  });

  it('unwraps a CloudTrail LookupEvents event whose record is a JSON string', () => {
    const a = normalized(loadFixture('lookup-events-event'));
    expect(a.eventId).toBe('b3c4d5e6-f708-4192-a3b4-c5d6e7f80912');
    expect(a.roleSessionName).toBe('pipeline-1452270311');
  });

  it('skips a LookupEvents event of another name without parsing its record', () => {
    expect(normalizeRecord({ EventName: 'AssumeRole', CloudTrailEvent: '{not json' }, where)).toEqual({
      kind: 'skipped',
      eventName: 'AssumeRole',
    });
  });

  it('keeps a failed attempt without responseElements, identityProvider or principalId as an assumption', () => {
    const a = normalized(loadFixture('web-identity-failed-access-denied'));
    expect(a).toMatchObject({
      errorCode: 'AccessDenied',
      errorMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
      subject: 'project_path:contractor/deploy-fork:ref_type:branch:ref:main',
      identityProvider: null,
      issuer: null,
      audience: null,
      assumedRoleArn: null,
    });
  });

  it('keeps an InvalidIdentityToken failure whose userIdentity names no subject', () => {
    const a = normalized(loadFixture('web-identity-failed-invalid-token'));
    expect(a.errorCode).toBe('InvalidIdentityToken');
    expect(a.subject).toBeNull();
    expect(a.durationSeconds).toBeNull();
    expect(a.roleSessionName).toBe('GitLabRunner-4242-1452231990');
  });

  it('derives the issuer from a bare-host identityProvider in an eventVersion 1.05 record', () => {
    const a = normalized(loadFixture('web-identity-bare-host-v1.05'));
    expect(a.eventVersion).toBe('1.05');
    expect(a.identityProvider).toBe('gitlab.example.com');
    expect(a.issuer).toBe('https://gitlab.example.com');
    expect(a.endpointType).toBeNull();
    expect(a.subject).toBe('project_path:ops/release-tools:ref_type:branch:ref:main');
  });

  it('reads an eventVersion 1.11 record from a regional STS endpoint', () => {
    const a = normalized(loadFixture('web-identity-regional-v1.11'));
    expect(a).toMatchObject({
      eventVersion: '1.11',
      region: 'eu-central-1',
      endpointType: 'regional',
      audience: 'https://deploy.example.com/aws',
      sourceIdentity: 'gitlab-user-jdoe',
      durationSeconds: 1800,
    });
  });

  it('accepts requestParameters, responseElements and additionalEventData given as JSON strings (Athena)', () => {
    const a = normalized(loadFixture('web-identity-athena-strings'));
    expect(a).toMatchObject({
      roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
      audience: 'https://gitlab.com',
      endpointType: 'global',
      durationSeconds: 3600,
      assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/prod-deploy/pipeline-1452260042',
    });
  });

  it('accepts userIdentity given as a JSON string', () => {
    const record = asJson(makeWebIdentityRecord());
    record.userIdentity = JSON.stringify(record.userIdentity);
    expect(normalized(record).subject).toBe(DEFAULT_SUBJECT);
  });

  it('rejects a nested field given as a string that is not a JSON object', () => {
    const record = asJson(makeWebIdentityRecord());
    record.requestParameters = '{"roleArn": "arn:aws:iam::123456789012:role/prod-deploy"'; // truncated
    expect(thrown(record).message).toContain('requestParameters');
  });

  it.each([
    [3600, 3600],
    ['900', 900],
    [' 43200 ', 43200],
    [null, null],
  ])('reads durationSeconds %p as %p', (input, expected) => {
    const record = asJson(makeWebIdentityRecord());
    asJson(record.requestParameters).durationSeconds = input;
    expect(normalized(record).durationSeconds).toBe(expected);
  });

  it('rejects a durationSeconds that is not a whole number of seconds', () => {
    const record = asJson(makeWebIdentityRecord());
    asJson(record.requestParameters).durationSeconds = '1h';
    expect(thrown(record).message).toContain('requestParameters.durationSeconds');
  });

  it('takes the issuer from responseElements.provider when identityProvider is absent', () => {
    const record = makeWebIdentityRecord({ providerHost: 'gitlab.example.com' });
    delete record.userIdentity.identityProvider;
    const a = normalized(record);
    expect(a.identityProvider).toBeNull();
    expect(a.issuer).toBe('https://gitlab.example.com');
  });

  it('reads sourceIdentity from requestParameters, else from responseElements', () => {
    const record = makeWebIdentityRecord({ sourceIdentity: 'jdoe' });
    expect(normalized(record).sourceIdentity).toBe('jdoe');
    delete record.requestParameters.sourceIdentity;
    expect(normalized(record).sourceIdentity).toBe('jdoe');
  });

  it('falls back to the role ARN account when recipientAccountId is missing', () => {
    const record = asJson(makeWebIdentityRecord({ accountId: '210987654321' }));
    delete record.recipientAccountId;
    expect(normalized(record).accountId).toBe('210987654321');
  });

  it('maps an unknown endpointType to null rather than guessing', () => {
    const record = makeWebIdentityRecord();
    (record.additionalEventData.RequestDetails as { endpointType: string }).endpointType = 'fips';
    expect(normalized(record).endpointType).toBeNull();
  });

  it('normalizes eventTime to ISO 8601 UTC', () => {
    expect(normalized(makeWebIdentityRecord({ eventTime: '2025-04-16T04:46:56+02:00' })).eventTime).toBe(
      '2025-04-16T02:46:56Z',
    );
    expect(normalized(makeWebIdentityRecord({ eventTime: '2025-04-16 02:46:56' })).eventTime).toBe(
      '2025-04-16T02:46:56Z',
    );
  });

  it('skips other event names without validating the rest of the record', () => {
    expect(normalizeRecord({ eventName: 'GetObject' }, where)).toEqual({
      kind: 'skipped',
      eventName: 'GetObject',
    });
  });

  it('judges a record that mentions AssumeRoleWithWebIdentity elsewhere by its eventName', () => {
    const log = loadFixture('mixed-log-file') as { Records: Json[] };
    const getObject = log.Records.find((r) => r.eventName === 'GetObject');
    expect(JSON.stringify(getObject)).toContain(WEB_IDENTITY_EVENT_NAME);
    expect(normalizeRecord(getObject, where)).toEqual({ kind: 'skipped', eventName: 'GetObject' });
  });

  it('skips CloudTrail Insights events that reuse the AssumeRoleWithWebIdentity name', () => {
    const insight = {
      eventVersion: '1.08',
      eventTime: '2025-04-16T03:00:00Z',
      awsRegion: 'us-east-1',
      eventID: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
      eventType: 'AwsCloudTrailInsight',
      recipientAccountId: '123456789012',
      sharedEventID: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
      insightDetails: {
        state: 'Start',
        eventSource: 'sts.amazonaws.com',
        eventName: WEB_IDENTITY_EVENT_NAME,
      },
      eventCategory: 'Insight',
      eventSource: 'sts.amazonaws.com',
      eventName: WEB_IDENTITY_EVENT_NAME,
    };
    expect(normalizeRecord(insight, where)).toEqual({
      kind: 'skipped',
      eventName: 'AssumeRoleWithWebIdentity (Insights)',
    });
  });

  it.each([
    ['eventID', (r: Json) => delete r.eventID, 'eventID is missing'],
    ['eventTime', (r: Json) => delete r.eventTime, 'eventTime is missing'],
    [
      'requestParameters.roleArn',
      (r: Json) => delete asJson(r.requestParameters).roleArn,
      'requestParameters.roleArn is missing',
    ],
    ['requestParameters', (r: Json) => (r.requestParameters = null), 'requestParameters is missing'],
    ['eventID of the wrong type', (r: Json) => (r.eventID = 42), 'eventID: '],
    [
      'userName of the wrong type',
      (r: Json) => (asJson(r.userIdentity).userName = ['x']),
      'userIdentity.userName: ',
    ],
    [
      'eventTime that is not a timestamp',
      (r: Json) => (r.eventTime = 'Apr 16, 2025, 2:46:56 AM'),
      'eventTime: not an ISO',
    ],
    ['awsRegion', (r: Json) => delete r.awsRegion, 'awsRegion is missing'],
    ['eventName of the wrong type', (r: Json) => (r.eventName = 7), 'eventName: expected a string'],
    ['eventName', (r: Json) => delete r.eventName, 'eventName is missing'],
  ])('throws an InputError naming %s, the source and the record', (_label, mutate, expected) => {
    const record = asJson(makeWebIdentityRecord());
    mutate(record);
    const error = thrown(record);
    expect(error.message).toContain(expected);
    expect(error.message).toContain('fixture.json record 7');
    expect(error.source).toBe('fixture.json');
    expect(error.record).toBe(7);
  });

  it.each([
    [null, 'got null'],
    [[makeWebIdentityRecord()], 'got an array'],
    ['AssumeRoleWithWebIdentity', 'got string'],
    [42, 'got number'],
  ])('throws an InputError for a record that is not a JSON object (%p)', (value, expected) => {
    expect(thrown(value).message).toContain(expected);
  });

  it('omits the record number from the message when the source holds a single record', () => {
    const record = asJson(makeWebIdentityRecord());
    delete record.eventID;
    expect(() => normalizeRecord(record, { source: 'one.json' })).toThrow('one.json: eventID is missing');
  });

  it('throws an InputError for an EventBridge event without a detail object', () => {
    const error = thrown({ 'detail-type': 'AWS API Call via CloudTrail', detail: null });
    expect(error.message).toContain('detail is missing');
  });
});

describe('issuerFromProvider', () => {
  it.each([
    ['arn:aws:iam::123456789012:oidc-provider/gitlab.com', 'https://gitlab.com'],
    ['arn:aws-us-gov:iam::123456789012:oidc-provider/gitlab.example.com', 'https://gitlab.example.com'],
    ['gitlab.com', 'https://gitlab.com'],
    ['gitlab.example.com/sub', 'https://gitlab.example.com/sub'],
    ['arn:aws:iam::123456789012:oidc-provider/gitlab.example.com/sub', 'https://gitlab.example.com/sub'],
    ['https://gitlab.example.com/', 'https://gitlab.example.com'],
    ['gitlab.example.com:8443', 'https://gitlab.example.com:8443'],
    ['  gitlab.com  ', 'https://gitlab.com'],
  ])('maps %p to %p', (provider, issuer) => {
    expect(issuerFromProvider(provider)).toBe(issuer);
  });

  it.each([
    [''],
    ['   '],
    ['arn:aws:iam::123456789012:saml-provider/Okta'],
    ['arn:aws:iam::123456789012:oidc-provider/'],
    ['gitlab example.com'],
    ['https://'],
    ['gitlab.com?x=1'],
    ['user@gitlab.com'],
  ])('returns null for %p, which names no OIDC issuer', (provider) => {
    expect(issuerFromProvider(provider)).toBeNull();
  });
});

describe('normalizeEventTime', () => {
  it.each([
    ['2025-04-16T02:46:56Z', '2025-04-16T02:46:56Z'],
    ['2025-04-16T02:46:56.120Z', '2025-04-16T02:46:56.120Z'],
    ['2025-04-16T04:46:56+02:00', '2025-04-16T02:46:56Z'],
    ['2025-04-16 02:46:56', '2025-04-16T02:46:56Z'],
  ])('normalizes %p to %p', (input, expected) => {
    expect(normalizeEventTime(input)).toBe(expected);
  });

  it.each([['Apr 16, 2025, 3:46:56 AM'], ['2025-02-30T00:00:00Z'], ['1713235616'], ['']])(
    'returns null for %p',
    (input) => {
      expect(normalizeEventTime(input)).toBeNull();
    },
  );
});

describe('makeWebIdentityRecord', () => {
  it('builds a record that normalizes back to the values it was given', () => {
    const record = makeWebIdentityRecord({
      eventId: '11111111-2222-4333-8444-555555555555',
      eventTime: '2025-05-01T10:00:00Z',
      accountId: '210987654321',
      region: 'eu-west-1',
      endpointType: 'regional',
      roleSessionName: 'GitLabRunner-7-99',
      subject: 'project_path:acme/web:ref_type:branch:ref:main',
      audience: 'https://gitlab.example.com',
      providerHost: 'gitlab.example.com',
      sourceIp: '192.0.2.99',
      durationSeconds: 900,
    });
    expect(normalized(record)).toMatchObject({
      eventId: '11111111-2222-4333-8444-555555555555',
      eventTime: '2025-05-01T10:00:00Z',
      accountId: '210987654321',
      region: 'eu-west-1',
      endpointType: 'regional',
      roleArn: 'arn:aws:iam::210987654321:role/prod-deploy',
      roleSessionName: 'GitLabRunner-7-99',
      subject: 'project_path:acme/web:ref_type:branch:ref:main',
      audience: 'https://gitlab.example.com',
      issuer: 'https://gitlab.example.com',
      sourceIp: '192.0.2.99',
      durationSeconds: 900,
      assumedRoleArn: 'arn:aws:sts::210987654321:assumed-role/prod-deploy/GitLabRunner-7-99',
    });
  });

  it('builds a failed attempt when given an error', () => {
    const record = makeWebIdentityRecord({ error: { code: 'AccessDenied', message: 'Not authorized' } });
    expect(record.responseElements).toBeNull();
    expect(normalized(record)).toMatchObject({
      errorCode: 'AccessDenied',
      issuer: null,
      subject: DEFAULT_SUBJECT,
    });
  });
});

describe('loadFixture', () => {
  it('returns a fresh deep clone on every call', () => {
    const first = asJson(loadFixture('web-identity-success'));
    first.eventID = 'mutated';
    expect(asJson(loadFixture('web-identity-success.json')).eventID).toBe(
      'd5f1c2a8-3b4e-4c6d-9e7f-1a2b3c4d5e6f',
    );
  });
});

/**
 * Regenerates the committed demo input in examples/demo/events/ from examples/demo/scenarios.ts, in every input form
 * the CLI accepts: gzip CloudTrail log files in a synced trail layout (with other events mixed in), EventBridge
 * events, and JSON Lines. Run: npx tsx scripts/generate-demo-events.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEMO_ACCOUNT, DEMO_SCENARIOS, type DemoScenario } from '../examples/demo/scenarios';
import { makeWebIdentityRecord } from '../tools/cloudtrail-records';

const out = join(__dirname, '..', 'examples', 'demo', 'events');

function recordOf(s: DemoScenario): Record<string, unknown> {
  const r = s.record;
  return makeWebIdentityRecord({
    eventId: r.eventId,
    eventTime: r.eventTime,
    roleArn: r.roleArn,
    roleSessionName: r.roleSessionName,
    subject: r.subject,
    ...(r.audience ? { audience: r.audience } : {}),
    ...(r.providerHost ? { providerHost: r.providerHost } : {}),
    ...(r.sourceIp ? { sourceIp: r.sourceIp } : {}),
    ...(r.endpointType ? { endpointType: r.endpointType } : {}),
    ...(r.error ? { error: r.error } : {}),
  }) as unknown as Record<string, unknown>;
}

function otherEvent(eventName: string, eventSource: string, i: number): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEROLEID1234:pipeline-900001',
      arn: `arn:aws:sts::${DEMO_ACCOUNT}:assumed-role/prod-deploy/pipeline-900001`,
      accountId: DEMO_ACCOUNT,
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEROLEID1234',
          arn: `arn:aws:iam::${DEMO_ACCOUNT}:role/prod-deploy`,
          accountId: DEMO_ACCOUNT,
          userName: 'prod-deploy',
        },
        attributes: { creationDate: '2026-11-20T09:00:05Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: `2026-11-20T09:0${i % 10}:1${i % 10}Z`,
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#5.15.0-1057-aws',
    requestParameters: null,
    responseElements: null,
    requestID: `0c6f5d1e-1111-4a2b-8c3d-0000000000${String(i).padStart(2, '0')}`,
    eventID: `0c6f5d1e-2222-4a2b-8c3d-0000000000${String(i).padStart(2, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: DEMO_ACCOUNT,
    eventCategory: 'Management',
  };
}

function write(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

const byName = new Map(DEMO_SCENARIOS.map((s) => [s.name, recordOf(s)]));
const take = (...names: string[]) =>
  names.map((n) => {
    const r = byName.get(n);
    if (!r) throw new Error(`no scenario ${n}`);
    byName.delete(n);
    return r;
  });

rmSync(out, { recursive: true, force: true });
// A synced trail bucket: CloudTrail log files are gzip JSON, records NOT sorted by time, other events mixed in.
const trail = join(out, 'trail', 'AWSLogs', DEMO_ACCOUNT, 'CloudTrail');
write(
  join(
    trail,
    'us-east-1',
    '2026',
    '11',
    '20',
    `${DEMO_ACCOUNT}_CloudTrail_us-east-1_20261120T0915Z_Xk3eDemo1.json.gz`,
  ),
  gzipSync(
    JSON.stringify({
      Records: [
        otherEvent('GetCallerIdentity', 'sts.amazonaws.com', 1),
        ...take('feature-branch', 'good-main-deploy'),
        otherEvent('Decrypt', 'kms.amazonaws.com', 2),
        ...take('trigger-token', 'protected-tag'),
        otherEvent('AssumeRole', 'sts.amazonaws.com', 3),
      ],
    }),
  ),
);
write(
  join(
    trail,
    'eu-west-1',
    '2026',
    '11',
    '20',
    `${DEMO_ACCOUNT}_CloudTrail_eu-west-1_20261120T1120Z_Xk3eDemo2.json.gz`,
  ),
  gzipSync(
    JSON.stringify({
      Records: [...take('wildcard-protected-release'), otherEvent('DescribeKey', 'kms.amazonaws.com', 4)],
    }),
  ),
);
// EventBridge events, as the live rule delivers them.
for (const name of ['spoofed-session-name', 'recycled-project-path']) {
  const [detail] = take(name);
  write(
    join(out, 'eventbridge', `${name}.json`),
    `${JSON.stringify(
      {
        version: '0',
        id: `7bf73129-1428-4cd3-a780-95db273d1602`.replace('1602', String(name.length).padStart(4, '0')),
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.sts',
        account: DEMO_ACCOUNT,
        time: (detail as { eventTime: string }).eventTime,
        region: 'us-east-1',
        resources: [],
        detail,
      },
      null,
      2,
    )}\n`,
  );
}
// The rest as JSON Lines (e.g. exported from another tool).
write(join(out, 'more-events.jsonl'), `${[...byName.values()].map((r) => JSON.stringify(r)).join('\n')}\n`);
process.stdout.write(`wrote demo events under ${out}\n`);

/**
 * `oidc-watch hunt` in-process, with real HTTP to the GitLab stand-in and the AWS clients mocked at the client
 * boundary (Athena, CloudTrail, S3, SNS).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DEMO_GITLAB, DEMO_SCENARIOS, type DemoScenario, demoConfig } from '../../examples/demo/scenarios';
import { parseWhen } from '../../functions/cli/commands/hunt-plan';
import { ProgressLine } from '../../functions/cli/progress';
import { filterSource } from '../../lib/core/source-filter';
import type { CliIo } from '../../functions/cli/io';
import { main } from '../../functions/cli/main';
import { HUNT_COLUMNS } from '../../lib/athena';
import { normalizeRecord } from '../../lib/core/cloudtrail';
import { decisionHistoryPrefix } from '../../lib/core/ports';
import { installIdempotencyTableFake } from '../adapters/idempotent-table-fake';
import type { RecordSource, SourceItem } from '../../lib/core/source';
import type { Verdict } from '../../lib/core/verdict';
import { makeWebIdentityRecord, type WebIdentityRecordFixture } from '../support/fixtures';
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../../tools/gitlab-standin';

const ROOT = join(__dirname, '..', '..');
const DEMO_EVENTS = join(ROOT, 'examples', 'demo', 'events');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:gitlab-oidc-watch-alerts';

const athena = mockClient(AthenaClient);
const cloudTrail = mockClient(CloudTrailClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIo = { stdin, stdout: out, stderr: err, env, cwd: ROOT };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function jsonLines(text: string): Verdict[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Verdict);
}

function scenario(name: string): DemoScenario {
  const s = DEMO_SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no demo scenario ${name}`);
  return s;
}

/** A demo scenario's record, moved to `eventTime` (history sources only reach back so far). */
function record(name: string, eventTime: string): WebIdentityRecordFixture {
  const {
    eventId,
    roleArn,
    roleSessionName,
    subject,
    audience,
    providerHost,
    sourceIp,
    endpointType,
    error,
  } = scenario(name).record;
  return makeWebIdentityRecord({
    eventId,
    eventTime,
    roleArn,
    roleSessionName,
    subject,
    audience,
    providerHost,
    sourceIp,
    endpointType,
    error,
  });
}

function lookupEvent(r: WebIdentityRecordFixture): Event {
  return { EventId: r.eventID, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) };
}

function athenaRow(r: WebIdentityRecordFixture): { Data: { VarCharValue?: string }[] } {
  const text = (v: unknown) =>
    v === undefined || v === null ? {} : { VarCharValue: typeof v === 'string' ? v : JSON.stringify(v) };
  const flat: Record<string, unknown> = {
    eventversion: r.eventVersion,
    eventtime: r.eventTime,
    eventsource: r.eventSource,
    eventname: r.eventName,
    awsregion: r.awsRegion,
    sourceipaddress: r.sourceIPAddress,
    useragent: r.userAgent,
    errorcode: r.errorCode,
    errormessage: r.errorMessage,
    requestparameters: r.requestParameters,
    responseelements: r.responseElements,
    additionaleventdata: r.additionalEventData,
    requestid: r.requestID,
    eventid: r.eventID,
    readonly: r.readOnly,
    eventtype: r.eventType,
    recipientaccountid: r.recipientAccountId,
    useridentity_type: r.userIdentity.type,
    useridentity_principalid: r.userIdentity.principalId,
    useridentity_username: r.userIdentity.userName,
    useridentity_identityprovider: r.userIdentity.identityProvider,
  };
  return { Data: HUNT_COLUMNS.map((c) => text(flat[c])) };
}

const minutesAgo = (m: number) => `${new Date(Date.now() - m * 60_000).toISOString().slice(0, 19)}Z`;

/**
 * The demo GitLab with pipelines 900001-900003 running for the last 12 hours: the history sources below move the
 * demo records to recent times, and a verdict rests on the pipelines GitLab shows running at the event (issue 8).
 */
function recentGitLab(): StandinData {
  const recent = new Set([900001, 900002, 900003]);
  const since = new Date(Date.now() - 12 * 3600_000).toISOString();
  const now = new Date().toISOString();
  return {
    ...DEMO_GITLAB,
    pipelines: DEMO_GITLAB.pipelines.map((p) =>
      recent.has(p.id)
        ? { ...p, status: 'running', created_at: since, updated_at: now, finished_at: null }
        : p,
    ),
  };
}

describe('oidc-watch hunt', () => {
  let gitlab: GitLabStandin;
  let recentGitlab: GitLabStandin;
  let dir: string;
  let configPath: string;
  let recentConfigPath: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    gitlab = await startGitLabStandin({ data: DEMO_GITLAB });
    dir = mkdtempSync(join(tmpdir(), 'oidc-watch-hunt-'));
    configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(demoConfig(gitlab.apiUrl)));
    recentGitlab = await startGitLabStandin({ data: recentGitLab(), token: gitlab.token });
    recentConfigPath = join(dir, 'recent-config.json');
    writeFileSync(recentConfigPath, JSON.stringify(demoConfig(recentGitlab.apiUrl)));
    env = { GITLAB_TOKEN: gitlab.token, AWS_REGION: 'us-east-1' };
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gitlab.close();
    await recentGitlab.close();
  });

  beforeEach(() => {
    athena.reset();
    cloudTrail.reset();
    s3.reset();
    sns.reset();
  });

  describe('--source files', () => {
    it('judges only the records inside the time window and counts the rest as skipped', async () => {
      const since = '2026-11-20T09:10:00Z';
      const until = '2026-11-20T12:00:00Z';
      const expected = DEMO_SCENARIOS.filter(
        (s) => s.record.eventTime >= since && s.record.eventTime < until,
      );

      const r = await runCli(
        [
          'hunt',
          '-c',
          configPath,
          '-s',
          'files',
          '--since',
          since,
          '--until',
          until,
          '-f',
          'json',
          DEMO_EVENTS,
        ],
        env,
      );

      const verdicts = jsonLines(r.stdout);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(DEMO_SCENARIOS.length);
      expect(verdicts.map((v) => v.eventId).sort()).toEqual(expected.map((s) => s.record.eventId).sort());
      for (const s of expected)
        expect(verdicts.find((v) => v.eventId === s.record.eventId)?.verdict).toBe(s.expected);
      expect(r.code).toBe(
        expected.some((s) => s.expected === 'alert' || s.expected === 'unverified') ? 1 : 0,
      );
      expect(r.stderr).toMatch(new RegExp(`summary: ${expected.length} web-identity record\\(s\\) judged`));
    });

    it('filters on a role name', async () => {
      const r = await runCli(
        ['hunt', '-c', configPath, '-s', 'files', '--role', 'ci-cache-writer', '-f', 'json', DEMO_EVENTS],
        env,
      );

      const verdicts = jsonLines(r.stdout);
      expect(verdicts.length).toBeGreaterThan(0);
      expect(verdicts.every((v) => v.roleArn.endsWith(':role/ci-cache-writer'))).toBe(true);
    });
  });

  describe('--source lookup-events', () => {
    it('reads event history for the window in each region and judges what it finds', async () => {
      cloudTrail.on(LookupEventsCommand).resolves({
        Events: [
          lookupEvent(record('good-main-deploy', minutesAgo(90))),
          lookupEvent(record('feature-branch', minutesAgo(60))),
        ],
      });

      const r = await runCli(
        [
          'hunt',
          '-c',
          recentConfigPath,
          '-s',
          'lookup-events',
          '--since',
          '24h',
          '--region',
          'us-east-1',
          '--region',
          'eu-west-1',
          '-f',
          'json',
        ],
        env,
      );

      expect(r.stderr).toContain('summary: 4 web-identity record(s) judged');
      const verdicts = jsonLines(r.stdout);
      expect(verdicts.filter((v) => v.verdict === 'alert')).toHaveLength(2);
      expect(r.code).toBe(1);
      const inputs = cloudTrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
      expect(inputs).toHaveLength(2);
      for (const input of inputs) {
        expect(input.LookupAttributes).toEqual([
          { AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithWebIdentity' },
        ]);
        expect(Date.now() - (input.StartTime?.getTime() ?? 0)).toBeGreaterThanOrEqual(24 * 3600_000);
      }
    });

    it('stops reading event history on Ctrl-C, even mid-page, and prints what was judged (issue 9 #7)', async () => {
      const stop = new AbortController();
      cloudTrail
        .on(LookupEventsCommand)
        .resolvesOnce({
          Events: [
            lookupEvent(record('good-main-deploy', minutesAgo(90))),
            lookupEvent(record('feature-branch', minutesAgo(60))),
          ],
          NextToken: 'page-2',
        })
        // The next page never comes: only Ctrl-C, pressed while it is awaited, can end the run.
        .callsFake(() => {
          setImmediate(() => stop.abort('interrupted'));
          return new Promise(() => undefined);
        });
      let stdout = '';
      let stderr = '';
      const out = new PassThrough();
      const err = new PassThrough();
      out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const stdin = new PassThrough();
      stdin.end();
      const argv = [
        'hunt',
        '-c',
        recentConfigPath,
        '-s',
        'lookup-events',
        '--since',
        '24h',
        '--region',
        'us-east-1',
        '-f',
        'json',
      ];
      const code = await main(argv, { stdin, stdout: out, stderr: err, env, cwd: ROOT, stop: stop.signal });
      expect(code).toBe(130);
      expect(
        jsonLines(stdout)
          .map((v) => v.verdict)
          .sort(),
      ).toEqual(['alert', 'ok']);
      expect(stderr).toContain(
        'summary (interrupted, the rest of the input was not read): 2 web-identity record(s)',
      );
    });

    it('refuses a window older than the 90 days event history keeps', async () => {
      const r = await runCli(
        ['hunt', '-c', configPath, '-s', 'lookup-events', '--since', '100d', '--region', 'us-east-1'],
        env,
      );

      expect(r.code).toBe(2);
      expect(r.stderr).toContain('90 days');
      expect(cloudTrail).not.toHaveReceivedCommand(LookupEventsCommand);
    });
  });

  describe('--source athena', () => {
    it('sends the filters as execution parameters in the workgroup and writes CSV', async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
      athena.on(GetQueryExecutionCommand).resolves({
        QueryExecution: {
          QueryExecutionId: 'q-1',
          Status: { State: 'SUCCEEDED' },
          Statistics: { DataScannedInBytes: 3_145_728 },
        },
      });
      athena.on(GetQueryResultsCommand).resolves({
        ResultSet: {
          Rows: [
            { Data: HUNT_COLUMNS.map((c) => ({ VarCharValue: c })) },
            athenaRow(record('good-main-deploy', minutesAgo(600))),
            athenaRow(record('spoofed-session-name', minutesAgo(500))),
          ],
        },
      });

      const r = await runCli(
        [
          'hunt',
          '-c',
          configPath,
          '-s',
          'athena',
          '--since',
          '7d',
          '--role',
          'prod-deploy',
          '--account',
          '123456789012',
          '--workgroup',
          'oidc-watch',
          '-f',
          'csv',
        ],
        env,
      );

      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^event_id,event_time,/);
      expect(lines).toHaveLength(3);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('athena: query q-1 in workgroup oidc-watch scanned 3.0 MB');
      const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
      expect(input?.WorkGroup).toBe('oidc-watch');
      expect(input?.ExecutionParameters).toEqual(
        expect.arrayContaining([
          "'123456789012'",
          "'arn:%:iam::%:role/prod-deploy'",
          "'AssumeRoleWithWebIdentity'",
        ]),
      );
      expect(input?.QueryString).not.toContain('prod-deploy');
    });

    it('exits 2 with the reason when the query fails', async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
      athena.on(GetQueryExecutionCommand).resolves({
        QueryExecution: {
          QueryExecutionId: 'q-2',
          Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: cloudtrail_logs' },
        },
      });

      const r = await runCli(['hunt', '-c', configPath, '-s', 'athena', '-f', 'json'], env);

      expect(r.code).toBe(2);
      expect(r.stderr).toContain('AthenaQueryError');
      expect(r.stderr).toContain('TABLE_NOT_FOUND');
    });
  });

  describe('--reconcile', () => {
    it('skips events already in the decision history and dispatches the others through the publishers', async () => {
      const judged = record('feature-branch', minutesAgo(120));
      const good = record('good-main-deploy', minutesAgo(100));
      const bad = record('spoofed-session-name', minutesAgo(80));
      cloudTrail
        .on(LookupEventsCommand)
        .resolves({ Events: [lookupEvent(judged), lookupEvent(good), lookupEvent(bad)] });
      const history = (r: { eventID: string; eventTime: string }) =>
        decisionHistoryPrefix('decisions/', r.eventID, r.eventTime);
      const objects = new Map([[`${history(judged)}json`, '{"verdict":"alert"}\n']]);
      s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
        Contents: [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).map((Key) => ({ Key })),
      }));
      s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => ({
        Body: { transformToString: () => Promise.resolve(objects.get(input.Key ?? '') ?? '') },
      }));
      s3.on(PutObjectCommand).callsFake((input: { Key?: string; Body?: unknown }) => {
        objects.set(input.Key ?? '', String(input.Body));
        return {};
      });
      sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
      const table = installIdempotencyTableFake();

      let r: Awaited<ReturnType<typeof runCli>>;
      try {
        r = await runCli(
          [
            'hunt',
            '-c',
            recentConfigPath,
            '-s',
            'lookup-events',
            '--since',
            '24h',
            '--region',
            'us-east-1',
            '--reconcile',
            '--decision-bucket',
            'example-decisions',
            '--alert-topic',
            TOPIC,
            '--idempotency-table',
            'gitlab-oidc-watch-idempotency',
            '-f',
            'json',
          ],
          env,
        );
      } finally {
        table.mock.restore();
      }

      expect(r.stderr).toContain(
        '1 already judged, 2 judged and dispatched now (1 alert, 0 unverified, 1 ok, 0 ignored), 0 not dispatched',
      );
      expect(
        jsonLines(r.stdout)
          .map((v) => v.eventId)
          .sort(),
      ).toEqual([good.eventID, bad.eventID].sort());
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
      const badRecords = [...objects.keys()].filter((k) => k.startsWith(history(bad)));
      expect(badRecords).toHaveLength(1);
      expect(JSON.parse(objects.get(badRecords[0] ?? '') ?? '{}')).toMatchObject({
        verdict: 'alert',
        trigger: 'cli',
        publication: { action: 'initial', messageId: 'm-1' },
      });
      expect(r.code).toBe(1);
    });

    it('needs the idempotency table, which holds what responders were told', async () => {
      const r = await runCli(
        [
          'hunt',
          '-c',
          configPath,
          '-s',
          'lookup-events',
          '--region',
          'us-east-1',
          '--reconcile',
          '--decision-bucket',
          'example-decisions',
          '--alert-topic',
          TOPIC,
        ],
        env,
      );

      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--idempotency-table');
    });

    it('needs a decision bucket and an alert topic', async () => {
      const r = await runCli(
        ['hunt', '-c', configPath, '-s', 'lookup-events', '--region', 'us-east-1', '--reconcile'],
        env,
      );

      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--decision-bucket');
    });
  });

  describe('usage', () => {
    it.each([
      [['hunt', '-s', 'files'], 'needs PATH'],
      [['hunt'], '--source is required'],
      [['hunt', '-s', 's3'], '--source must be'],
      [['hunt', '-s', 'athena', '--since', 'yesterday'], '--since must be'],
      [['hunt', '-s', 'athena', '--account', '12345'], '--account must be'],
      [['hunt', '-s', 'athena', '--role', "x' OR '1'='1"], '--role'],
      [['hunt', '-s', 'athena', '--since', '1d', '--until', '2d'], 'before --until'],
    ])('rejects %j before calling anything', async (argv, message) => {
      const r = await runCli([...argv, '-c', configPath], env);

      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(athena).not.toHaveReceivedCommand(StartQueryExecutionCommand);
    });
  });
});

describe('parseWhen', () => {
  const now = new Date('2026-11-20T12:00:00Z');

  it('reads relative durations, dates and times', () => {
    expect(parseWhen('--since', '24h', now).toISOString()).toBe('2026-11-19T12:00:00.000Z');
    expect(parseWhen('--since', '7d', now).toISOString()).toBe('2026-11-13T12:00:00.000Z');
    expect(parseWhen('--since', '30m', now).toISOString()).toBe('2026-11-20T11:30:00.000Z');
    expect(parseWhen('--since', '2026-11-01', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseWhen('--until', '2026-11-01T10:00:00+02:00', now).toISOString()).toBe(
      '2026-11-01T08:00:00.000Z',
    );
    expect(parseWhen('--until', 'now', now)).toBe(now);
  });
});

describe('filterSource', () => {
  it('turns assumptions outside the filters into skipped items', async () => {
    const item = (eventId: string, roleArn: string, accountId = '123456789012'): SourceItem => {
      const r = normalizeRecord(makeWebIdentityRecord({ eventId, roleArn, accountId }), { source: 't' });
      if (r.kind !== 'assumption') throw new Error('not an assumption');
      return { kind: 'assumption', assumption: r.assumption, source: 't', record: 1 };
    };
    const source: RecordSource = {
      async *[Symbol.asyncIterator]() {
        yield item('a', 'arn:aws:iam::123456789012:role/prod-deploy');
        yield item('b', 'arn:aws:iam::123456789012:role/team/prod-deploy');
        yield item('c', 'arn:aws:iam::123456789012:role/notprod-deploy');
        yield item('d', 'arn:aws:iam::210987654321:role/prod-deploy', '210987654321');
      },
    };
    const kinds: string[] = [];

    for await (const i of filterSource(source, {
      accounts: ['123456789012'],
      regions: [],
      roles: ['prod-deploy'],
    })) {
      kinds.push(i.kind === 'assumption' ? i.assumption.eventId : i.kind);
    }

    expect(kinds).toEqual(['a', 'b', 'skipped', 'skipped']);
  });
});

describe('ProgressLine', () => {
  it('shows records, verdicts, GitLab requests, rate and an ETA from how far back LookupEvents has read', () => {
    let t = 0;
    const written: string[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => written.push(c.toString('utf8')));
    const window = { since: new Date('2026-11-19T00:00:00Z'), until: new Date('2026-11-20T00:00:00Z') };
    const p = new ProgressLine(
      out,
      true,
      () => 7,
      window,
      () => t,
    );
    const r = normalizeRecord(makeWebIdentityRecord({ eventTime: '2026-11-19T18:00:00Z' }), { source: 't' });
    if (r.kind !== 'assumption') throw new Error('not an assumption');

    t = 10_000;
    p.item({ kind: 'skipped', eventName: 'AssumeRole', source: 't', count: 99 });
    p.item({ kind: 'assumption', assumption: r.assumption, source: 't', record: 1 });
    p.verdict('alert');

    expect(p.text()).toBe(
      'hunt: 100 records scanned, 1 verdicts (1 alert/unverified), 7 GitLab requests, 10 rec/s, ETA 0:30',
    );
  });

  it('writes nothing when stderr is not a terminal', () => {
    const written: string[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => written.push(c.toString('utf8')));
    const p = new ProgressLine(
      out,
      false,
      () => 0,
      null,
      () => 1_000,
    );

    p.item({ kind: 'skipped', eventName: 'AssumeRole', source: 't', count: 1 });
    p.done();

    expect(written).toEqual([]);
  });
});

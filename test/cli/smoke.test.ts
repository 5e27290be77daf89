/** `oidc-watch smoke` against mocked EventBridge and S3 clients. */
import { PassThrough } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { runSmoke } from '../../functions/cli/commands/smoke';
import type { CliIo } from '../../functions/cli/io';
import { SMOKE_DETAIL_TYPE, SMOKE_SOURCE } from '../../lib/core/smoke';

const eventBridge = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);

function io(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return {
    io: { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd() },
    out: () => o,
    err: () => e,
  };
}

/** A clock that advances by each sleep, so polling is tested without waiting. */
function fakeTime(): { sleep: (ms: number) => Promise<void>; now: () => number; sleeps: number[] } {
  let t = Date.parse('2026-11-20T10:00:00Z');
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

/** The part of the SDK's streaming body the adapter uses. */
function body(value: unknown): { transformToString: () => Promise<string> } {
  return { transformToString: () => Promise.resolve(JSON.stringify(value)) };
}

function noSuchKey(): Error {
  return Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
}

function answer(smokeTestId: string, gitlabStatus = 'reachable', verdict = 'ignored') {
  return {
    kind: 'smoke-test',
    smokeTestId,
    requestedAt: '2026-11-20T10:00:00.000Z',
    receivedAt: '2026-11-20T10:00:04.000Z',
    eventBridgeId: 'e-1',
    account: '123456789012',
    region: 'us-east-1',
    verdict: { verdict, reason: verdict === 'ignored' ? 'not a production role' : null },
    gitlab: [
      { issuer: 'https://gitlab.com', projectId: 4242, status: gitlabStatus, detail: 'project acme/deploy' },
    ],
  };
}

beforeEach(() => {
  eventBridge.reset();
  s3.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
});

function putDetail(): { smokeTestId: string; requestedAt: string } {
  const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
  return JSON.parse(entry?.Detail ?? '{}') as { smokeTestId: string; requestedAt: string };
}

describe('oidc-watch smoke', () => {
  it('puts a marked event on the named bus, polls the bucket until the answer arrives, and exits 0', async () => {
    let looks = 0;
    s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
      looks += 1;
      if (looks < 3) throw noSuchKey();
      return { Body: body(answer(putDetail().smokeTestId)), Key: input.Key };
    });
    const t = fakeTime();
    const cli = io();

    const code = await runSmoke(
      ['--decision-bucket', 'b', '--event-bus', 'org-bus', '--interval', '2'],
      cli.io,
      t,
    );

    expect(code).toBe(0);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      Source: SMOKE_SOURCE,
      DetailType: SMOKE_DETAIL_TYPE,
      EventBusName: 'org-bus',
    });
    expect(putDetail()).toEqual({
      smokeTestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      requestedAt: '2026-11-20T10:00:00.000Z',
    });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: `smoke/${putDetail().smokeTestId}.json`,
    });
    expect(t.sleeps).toEqual([2000, 2000]);
    expect(cli.out()).toContain('verdict ignored (not a production role)');
    expect(cli.out()).toContain('GitLab https://gitlab.com: reachable (project 4242)');
  });

  it('exits 1 when the answer says a GitLab could not be read (e.g. the token secret is still empty)', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(answer(putDetail().smokeTestId, 'unavailable')) }));

    const cli = io();
    expect(await runSmoke(['--decision-bucket', 'b'], cli.io, fakeTime())).toBe(1);
    expect(cli.out()).toContain('unavailable');
  });

  it('exits 1 when the synthetic role matched a production role (a roleArns glob is too wide)', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: body(answer(putDetail().smokeTestId, 'reachable', 'alert')),
    }));

    const cli = io();
    expect(await runSmoke(['--decision-bucket', 'b'], cli.io, fakeTime())).toBe(1);
    expect(cli.out()).toContain('wider than intended');
  });

  it('exits 2 with what to check when no answer arrives before the timeout', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    const t = fakeTime();
    const cli = io();

    expect(await runSmoke(['--decision-bucket', 'b', '--timeout', '9', '--interval', '3'], cli.io, t)).toBe(
      2,
    );
    expect(t.sleeps).toEqual([3000, 3000, 3000]);
    expect(cli.err()).toContain('no answer after 9 s');
  });

  it('exits 2 when EventBridge refuses the event, naming its error code', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized' }],
    });
    const cli = io();

    expect(await runSmoke(['--decision-bucket', 'b'], cli.io, fakeTime())).toBe(2);
    expect(cli.err()).toContain('AccessDeniedException: not authorized');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('requires the decision bucket', async () => {
    await expect(runSmoke([], io().io, fakeTime())).rejects.toThrow('--decision-bucket is required');
  });
});

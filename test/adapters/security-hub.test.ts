import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecurityHubSink, withSecurityHubExport } from '../../lib/adapters/security-hub';
import { verdictToAsff } from '../../lib/core/asff';
import type { AlertMessage, AlertSender } from '../../lib/core/ports';
import type { Verdict } from '../../lib/core/verdict';
import { makeVerdict } from '../core/render/verdict-fixture';

const CTX = { awsAccountId: '111111111111', region: 'eu-west-1', partition: 'aws' };
const securityHub = mockClient(SecurityHubClient);

beforeEach(() => securityHub.reset());

function findings(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const f = verdictToAsff(makeVerdict({ eventId: `e-${i}` }), CTX);
    if (f === null) throw new Error('no finding');
    return f;
  });
}

describe('createSecurityHubSink', () => {
  it('imports in batches of at most 100 findings', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .resolves({ FailedCount: 0, SuccessCount: 100, FailedFindings: [] });

    await createSecurityHubSink(new SecurityHubClient({ region: 'eu-west-1' })).importFindings(findings(250));

    expect(
      securityHub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length),
    ).toEqual([100, 100, 50]);
  });

  it('throws PublishError naming the findings Security Hub refused', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [
        { Id: 'gitlab-oidc-watch/x', ErrorCode: 'InvalidInput', ErrorMessage: 'Finding is invalid' },
      ],
    });

    await expect(
      createSecurityHubSink(new SecurityHubClient({ region: 'eu-west-1' })).importFindings(findings(1)),
    ).rejects.toMatchObject({ name: 'PublishError', message: expect.stringContaining('InvalidInput') });
  });
});

function message(verdict: Verdict, previous: Verdict['verdict'] | null = null): AlertMessage {
  return {
    verdict,
    publication: {
      kind: previous === null ? 'initial' : 'update',
      sequence: previous === null ? 1 : 2,
      reason: previous === null ? 'first-alert' : 'resolved',
      routingSeverity: verdict.severity,
      previous:
        previous === null
          ? null
          : { verdict: previous, severity: 'critical', alertCodes: ['UNPROTECTED_REF'] },
      first: null,
    },
  } as unknown as AlertMessage;
}

describe('withSecurityHubExport', () => {
  function setUp(primary: AlertSender = { send: () => Promise.resolve('msg-1') }) {
    const failures: number[] = [];
    const errors: unknown[] = [];
    const sender = withSecurityHubExport(primary, {
      sink: createSecurityHubSink(new SecurityHubClient({ region: 'eu-west-1' })),
      context: CTX,
      logger: { error: (o: unknown) => void errors.push(o) },
      onFailure: () => void failures.push(1),
    });
    return { sender, failures, errors };
  }

  function imported() {
    return securityHub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.[0]);
  }

  it('imports the verdict after the message was sent, and returns the message id', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });

    await expect(setUp().sender.send(message(makeVerdict()))).resolves.toBe('msg-1');

    expect(imported()).toMatchObject([
      {
        Id: 'gitlab-oidc-watch/verdict/123456789012/us-east-1/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
        RecordState: 'ACTIVE',
      },
    ]);
  });

  it('archives the finding when an update says the event turned out fine', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const ok = makeVerdict({ verdict: 'ok', findings: [] });

    await setUp().sender.send(message(ok, 'unverified'));

    expect(imported()).toMatchObject([
      {
        Id: 'gitlab-oidc-watch/verdict/123456789012/us-east-1/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
        RecordState: 'ARCHIVED',
      },
    ]);
  });

  it('does not fail the send when Security Hub fails: it logs and counts, so the alert is not sent twice', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('not subscribed'), { name: 'InvalidAccessException' }));
    const { sender, failures, errors } = setUp();

    await expect(sender.send(message(makeVerdict()))).resolves.toBe('msg-1');

    expect(failures).toEqual([1]);
    expect(JSON.stringify(errors)).toContain('InvalidAccessException');
  });

  it('does not export when the send failed (the event is retried as a whole)', async () => {
    const { sender } = setUp({ send: () => Promise.reject(new Error('SNS down')) });

    await expect(sender.send(message(makeVerdict()))).rejects.toThrow('SNS down');
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });
});

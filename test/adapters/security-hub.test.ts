import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecurityHubSink, withSecurityHubExport } from '../../lib/adapters/security-hub';
import { verdictToAsff } from '../../lib/core/asff';
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

describe('withSecurityHubExport', () => {
  function setUp() {
    const published: Verdict[] = [];
    const failures: number[] = [];
    const errors: unknown[] = [];
    const publisher = withSecurityHubExport(
      { publish: (v) => Promise.resolve(void published.push(v)) },
      {
        sink: createSecurityHubSink(new SecurityHubClient({ region: 'eu-west-1' })),
        context: CTX,
        logger: { error: (o: unknown) => void errors.push(o) },
        onFailure: () => void failures.push(1),
      },
    );
    return { publisher, published, failures, errors };
  }

  it('exports the verdict after the alert was published', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const { publisher, published } = setUp();

    await publisher.publish(makeVerdict());

    expect(published).toHaveLength(1);
    const sent = securityHub.commandCalls(BatchImportFindingsCommand)[0]?.args[0].input.Findings?.[0];
    expect(sent?.Id).toBe(
      'gitlab-oidc-watch/verdict/123456789012/us-east-1/3f1d2c4e-8a7b-4c21-9e5f-0a1b2c3d4e5f',
    );
  });

  it('does not fail the publish when Security Hub fails: it logs and counts, so the alert is not sent twice', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('not subscribed'), { name: 'InvalidAccessException' }));
    const { publisher, published, failures, errors } = setUp();

    await expect(publisher.publish(makeVerdict())).resolves.toBeUndefined();

    expect(published).toHaveLength(1);
    expect(failures).toEqual([1]);
    expect(JSON.stringify(errors)).toContain('InvalidAccessException');
  });

  it('does not export when the primary publish failed (the event is retried as a whole)', async () => {
    const publisher = withSecurityHubExport(
      { publish: () => Promise.reject(new Error('SNS down')) },
      {
        sink: createSecurityHubSink(new SecurityHubClient({ region: 'eu-west-1' })),
        context: CTX,
        logger: { error: () => undefined },
        onFailure: () => undefined,
      },
    );
    await expect(publisher.publish(makeVerdict())).rejects.toThrow('SNS down');
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });
});

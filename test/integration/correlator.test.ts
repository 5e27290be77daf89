/**
 * The bundled correlator (the stack's own asset) against moto_server: S3 decision history, SNS fan-out to SQS,
 * HTTP and HTTPS subscribers (each protocol gets its own rendering), DynamoDB idempotency, the GitLab token from
 * Secrets Manager, GitLab over real HTTP from the stand-in.
 */
import { randomUUID } from 'node:crypto';
import { type ServiceHarness, startService } from './support/service';
import {
  cloudTrailTime,
  eventFor,
  ISSUER,
  PROJECT_ID,
  ROLE_ARN,
  scenarioConfig,
  scenarioGitLab,
  scenarioRecord,
} from './support/scenario';

let service: ServiceHarness;
const eventTime = cloudTrailTime(new Date(Date.now() - 60 * 60_000));
const createdAt = new Date(Date.now() - 62 * 60_000).toISOString();

beforeAll(async () => {
  service = await startService({
    config: ({ apiUrl }) => scenarioConfig(apiUrl),
    gitlab: scenarioGitLab(1000, 10, createdAt),
  });
});

afterAll(async () => {
  await service?.close();
});

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('bundled correlator on moto', () => {
  it('alerts once on a pipeline that breaks policy, in each subscriber protocol, and records the verdict', async () => {
    const eventId = randomUUID();
    const record = scenarioRecord(eventId, 1001, eventTime);
    const outcome = await service.correlator.invoke(eventFor(record, randomUUID()));
    expect(outcome).toEqual({
      ok: true,
      result: { outcome: 'dispatched', eventId, verdict: 'alert', publication: 'initial' },
    });

    // SQS: the SNS envelope; Message is the verdict JSON (`default`), attributes for filter policies.
    const [sqs, ...more] = await service.sqsAlerts();
    expect(more).toEqual([]);
    expect(sqs?.envelope).toMatchObject({
      Type: 'Notification',
      TopicArn: service.deployed.resource('AlertTopic').arn,
      MessageAttributes: {
        severity: { Type: 'String', Value: 'critical' },
        verdict: { Type: 'String', Value: 'alert' },
        kind: { Type: 'String', Value: 'initial' },
        sequence: { Type: 'String', Value: '1' },
      },
    });
    expect(sqs?.message).toMatchObject({
      eventId,
      verdict: 'alert',
      severity: 'critical',
      roleArn: ROLE_ARN,
      issuer: ISSUER,
      findings: [expect.objectContaining({ code: 'UNPROTECTED_REF' })],
      pipeline: expect.objectContaining({ id: 1001, projectId: PROJECT_ID, ref: 'feature/f-1001' }),
      publication: expect.objectContaining({ kind: 'initial', sequence: 1, first: null }),
    });

    // HTTP: no `http` key in the message structure, so the `default` rendering, like SQS.
    const http = await waitFor(() => service.http.deliveries.at(-1), 'the HTTP delivery');
    expect(http.messageType).toBe('Notification');
    expect(JSON.parse(String(http.envelope.Message))).toEqual(sqs?.message);

    // HTTPS (AWS Chatbot's protocol): the custom-notification JSON, over verified TLS.
    const https = await waitFor(() => service.https.deliveries.at(-1), 'the HTTPS delivery');
    const chatbot = JSON.parse(String(https.envelope.Message)) as Record<string, unknown>;
    expect(chatbot).toMatchObject({ version: '1.0', source: 'custom' });
    expect(JSON.stringify(chatbot)).toContain('UNPROTECTED_REF');

    // The decision is in S3 under the event's day, and the idempotency record is COMPLETED.
    const decisions = await service.decisionObjects();
    const mine = decisions.filter((o) => o.records.some((r) => r.eventId === eventId));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.key).toMatch(
      new RegExp(`^decisions/dt=${eventTime.slice(0, 10)}/${eventId}\\..*\\.alert\\.`),
    );
    expect(mine[0]?.records).toEqual([
      expect.objectContaining({
        verdict: 'alert',
        trigger: 'live',
        publication: expect.objectContaining({
          action: 'initial',
          sequence: 1,
          messageId: sqs?.envelope.MessageId,
        }),
      }),
    ]);
    const items = await service.idempotencyItems();
    expect(items.some((item) => JSON.stringify(item).includes('COMPLETED'))).toBe(true);
    // GitLab answered with the token read from Secrets Manager (a wrong one gets 401 and `unverified`).
    expect(service.gitlab.requests.length).toBeGreaterThan(0);
    expect(service.gitlab.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('publishes nothing for a second delivery of the same event, and appends it to the history', async () => {
    const eventId = randomUUID();
    const record = scenarioRecord(eventId, 1003, eventTime);
    const first = await service.correlator.invoke(eventFor(record, randomUUID()));
    const again = await service.correlator.invoke(eventFor(record, randomUUID()));
    expect(first).toMatchObject({ ok: true, result: { verdict: 'alert' } });
    expect(again).toMatchObject({ ok: true, result: { verdict: 'alert' } });
    const alerts = (await service.sqsAlerts()).filter((a) => a.message.eventId === eventId);
    expect(alerts).toHaveLength(1);
    const history = (await service.decisionObjects())
      .flatMap((o) => o.records)
      .filter((r) => r.eventId === eventId)
      .map((r) => (r.publication as { action: string }).action)
      .sort();
    expect(history).toEqual(['initial', 'none']);
  });

  it('records a good assumption without alerting', async () => {
    const eventId = randomUUID();
    const outcome = await service.correlator.invoke(
      eventFor(scenarioRecord(eventId, 1002, eventTime), randomUUID()),
    );
    expect(outcome).toEqual({
      ok: true,
      result: { outcome: 'dispatched', eventId, verdict: 'ok', publication: 'none' },
    });
    expect((await service.sqsAlerts()).filter((a) => a.message.eventId === eventId)).toEqual([]);
    const records = (await service.decisionObjects())
      .flatMap((o) => o.records)
      .filter((r) => r.eventId === eventId);
    expect(records).toEqual([expect.objectContaining({ eventId, verdict: 'ok' })]);
  });

  it('drops a malformed event without retrying it', async () => {
    const record = scenarioRecord(randomUUID(), 1004, eventTime) as unknown as Record<string, unknown>;
    delete record.requestParameters;
    const outcome = await service.correlator.invokeAsync(eventFor(record as never, randomUUID()));
    expect(outcome).toMatchObject({ attempts: 1, deadLettered: false, last: { ok: true } });
    expect(outcome.last.ok && outcome.last.result).toMatchObject({ outcome: 'malformed' });
  });
});

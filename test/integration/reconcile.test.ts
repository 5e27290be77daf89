/**
 * The bundled reconcile function against moto_server: CloudTrail event history (LookupEvents, from a loopback
 * stand-in through AWS_ENDPOINT_URL_CLOUDTRAIL) is compared with the S3 decision history the correlator wrote;
 * what the live path missed is judged and alerted through the same SNS topic and DynamoDB idempotency table.
 */
import { randomUUID } from 'node:crypto';
import { type ServiceHarness, startService } from './support/service';
import { cloudTrailTime, eventFor, scenarioConfig, scenarioGitLab, scenarioRecord } from './support/scenario';

let service: ServiceHarness;
const eventTime = cloudTrailTime(new Date(Date.now() - 60 * 60_000));
const createdAt = new Date(Date.now() - 62 * 60_000).toISOString();

beforeAll(async () => {
  service = await startService({
    config: ({ apiUrl }) => scenarioConfig(apiUrl),
    gitlab: scenarioGitLab(2000, 10, createdAt),
  });
});

afterAll(async () => {
  await service?.close();
});

function scheduledEvent(): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/gitlab-oidc-watch-reconcile'],
    detail: {},
  };
}

describe('bundled reconcile on moto', () => {
  it('judges and alerts on what the live path missed, and leaves judged events alone', async () => {
    const reconcile = service.reconcile;
    if (reconcile === undefined) throw new Error('the stack has no reconcile function');
    const live = scenarioRecord(randomUUID(), 2001, eventTime);
    const missedAlert = scenarioRecord(randomUUID(), 2003, eventTime);
    const missedOk = scenarioRecord(randomUUID(), 2002, eventTime);
    service.cloudTrail.add([live, missedAlert, missedOk]);

    expect(await service.correlator.invoke(eventFor(live, randomUUID()))).toMatchObject({
      ok: true,
      result: { verdict: 'alert' },
    });
    expect((await service.sqsAlerts()).map((a) => a.message.eventId)).toEqual([live.eventID]);

    const run = await reconcile.invoke(scheduledEvent());
    if (!run.ok) throw new Error(`reconcile failed: ${run.error.errorType}: ${run.error.errorMessage}`);
    expect(run.result).toMatchObject({
      regions: ['us-east-1'],
      counts: expect.objectContaining({ assumptions: 3, alreadyJudged: 1, dispatched: 2, failed: 0 }),
    });
    expect(service.cloudTrail.requests).toBeGreaterThan(0);

    const alerts = await service.sqsAlerts();
    expect(alerts.map((a) => [a.message.eventId, a.message.verdict])).toEqual([
      [missedAlert.eventID, 'alert'],
    ]);
    const judged = (await service.decisionObjects())
      .flatMap((o) => o.records)
      .map((r) => [r.eventId, r.verdict]);
    expect(judged).toEqual(
      expect.arrayContaining([
        [live.eventID, 'alert'],
        [missedAlert.eventID, 'alert'],
        [missedOk.eventID, 'ok'],
      ]),
    );

    // A second run finds everything judged: nothing is published again.
    const again = await reconcile.invoke(scheduledEvent());
    expect(again).toMatchObject({
      ok: true,
      result: { counts: expect.objectContaining({ assumptions: 3, alreadyJudged: 3, dispatched: 0 }) },
    });
    expect(await service.sqsAlerts()).toEqual([]);
  });

  it('re-judges an unverified verdict once GitLab is back and publishes an explicit update', async () => {
    const reconcile = service.reconcile;
    if (reconcile === undefined) throw new Error('the stack has no reconcile function');
    const event = scenarioRecord(randomUUID(), 2005, eventTime);
    service.cloudTrail.add([event]);

    service.gitlab.addFault({ match: '/api/v4/', kind: 503 });
    try {
      expect(await service.correlator.invoke(eventFor(event, randomUUID()))).toMatchObject({
        ok: true,
        result: { verdict: 'unverified', publication: 'initial' },
      });
    } finally {
      service.gitlab.clearFaults();
    }
    const run = await reconcile.invoke(scheduledEvent());
    expect(run).toMatchObject({ ok: true, result: { counts: expect.objectContaining({ failed: 0 }) } });

    const [first, update, ...more] = await service.sqsAlerts();
    expect(more).toEqual([]);
    expect(first?.message).toMatchObject({ eventId: event.eventID, verdict: 'unverified' });
    expect(update?.message).toMatchObject({
      eventId: event.eventID,
      verdict: 'alert',
      findings: [expect.objectContaining({ code: 'UNPROTECTED_REF' })],
      publication: expect.objectContaining({
        kind: 'update',
        sequence: 2,
        first: expect.objectContaining({ messageId: first?.envelope.MessageId, verdict: 'unverified' }),
      }),
    });
    expect(update?.envelope.MessageAttributes).toMatchObject({
      kind: { Type: 'String', Value: 'update' },
      previousVerdict: { Type: 'String', Value: 'unverified' },
    });
    const history = (await service.decisionObjects())
      .flatMap((o) => o.records)
      .filter((r) => r.eventId === event.eventID)
      .map((r) => [r.trigger, r.verdict]);
    expect(history).toEqual(
      expect.arrayContaining([
        ['live', 'unverified'],
        ['reconcile', 'alert'],
      ]),
    );
    expect(history).toHaveLength(2);
  });
});

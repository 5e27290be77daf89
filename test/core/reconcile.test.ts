import type { RoleAssumption } from '../../lib/core/assumption';
import { normalizeRecord } from '../../lib/core/cloudtrail';
import { InputError, PublishError } from '../../lib/core/errors';
import { silentLogger } from '../../lib/core/logger';
import { decisionEntry } from '../../lib/core/dispatch';
import type { AlertPublisher, DecisionEntry, DecisionLog, PublicationOutcome } from '../../lib/core/ports';
import type { Standing } from '../../lib/core/publication';
import { reconcile } from '../../lib/core/reconcile';
import type { RecordSource, SourceItem } from '../../lib/core/source';
import type { Verdict, VerdictKind } from '../../lib/core/verdict';
import { makeWebIdentityRecord } from '../support/fixtures';

function assumption(
  eventId: string,
  overrides: Parameters<typeof makeWebIdentityRecord>[0] = {},
): RoleAssumption {
  const result = normalizeRecord(makeWebIdentityRecord({ eventId, ...overrides }), { source: 'test' });
  if (result.kind !== 'assumption') throw new Error('fixture is not an assumption');
  return result.assumption;
}

function item(a: RoleAssumption, record = 1): SourceItem {
  return { kind: 'assumption', assumption: a, source: 'lookup-events:us-east-1', record };
}

function sourceOf(items: readonly SourceItem[]): RecordSource {
  return {
    async *[Symbol.asyncIterator]() {
      yield* items;
    },
  };
}

function verdictFor(a: RoleAssumption, kind: VerdictKind): Verdict {
  return {
    eventId: a.eventId,
    eventTime: a.eventTime,
    accountId: a.accountId,
    region: a.region,
    roleArn: a.roleArn,
    roleSessionName: a.roleSessionName,
    subject: a.subject,
    issuer: a.issuer,
    audience: a.audience,
    sourceIp: a.sourceIp,
    userAgent: a.userAgent,
    errorCode: a.errorCode,
    verdict: kind,
    severity: kind === 'alert' ? 'critical' : 'info',
    policy: kind === 'ignored' ? null : 'prod-deploy',
    reason: kind === 'ignored' ? 'not a production role' : null,
    findings:
      kind === 'alert'
        ? [{ code: 'UNPROTECTED_REF', class: 'alert', severity: 'critical', message: 'ref is not protected' }]
        : [],
    pipeline: null,
    projectId: 4242,
    evaluatedAt: '2025-04-16T13:00:00.000Z',
  };
}

/** The decision history in memory: every evaluation of an event appended, as the S3 layout is. */
class MemoryDecisionLog implements DecisionLog {
  public readonly entries = new Map<string, DecisionEntry[]>();
  public readonly lookups: string[] = [];
  public failLookupFor = new Set<string>();
  public failRecordFor = new Set<string>();

  public async append(entry: DecisionEntry): Promise<void> {
    if (this.failRecordFor.has(entry.eventId)) throw new Error('S3 PutObject: SlowDown');
    this.entries.set(entry.eventId, [...(this.entries.get(entry.eventId) ?? []), entry]);
  }

  public async history(eventId: string): Promise<VerdictKind[]> {
    this.lookups.push(eventId);
    if (this.failLookupFor.has(eventId)) throw new Error('S3 ListObjectsV2: 503 Service Unavailable');
    return (this.entries.get(eventId) ?? []).map((e) => e.verdict);
  }

  /** The latest verdict of an event. */
  public latest(eventId: string): VerdictKind | undefined {
    return this.entries.get(eventId)?.at(-1)?.verdict;
  }

  public async seed(v: Verdict): Promise<void> {
    await this.append(decisionEntry(v, NOTHING, 'live', '2025-04-16T03:00:00.000Z'));
  }
}

const NOTHING: PublicationOutcome = {
  action: 'none',
  reason: 'nothing-to-tell',
  sequence: 0,
  messageId: null,
  refersTo: null,
  standing: null,
};

/** A publisher that tells responders every alerting verdict and remembers what it told. */
class MemoryAlerts implements AlertPublisher {
  public readonly published: string[] = [];
  public readonly standings = new Map<string, Standing>();
  public failFor = new Set<string>();

  public async publish(v: Verdict): Promise<PublicationOutcome> {
    if (this.failFor.has(v.eventId)) throw new PublishError(`SNS Publish failed for ${v.eventId}`);
    if (v.verdict !== 'alert' && v.verdict !== 'unverified') return NOTHING;
    this.published.push(v.eventId);
    const sequence = (this.standings.get(v.eventId)?.sequence ?? 0) + 1;
    this.standings.set(v.eventId, told(v.verdict, sequence));
    return { ...NOTHING, action: 'initial', reason: 'first-alert', sequence, messageId: `msg-${v.eventId}` };
  }

  public async standingOf(eventId: string): Promise<Standing | null> {
    return this.standings.get(eventId) ?? null;
  }
}

function told(verdict: VerdictKind, sequence = 1): Standing {
  return { sequence, verdict, severity: 'critical', alertCodes: [], first: null };
}

/** What every run here shares: recorded as a reconcile run, unverified events re-judged for 72 hours. */
const RUN = {
  trigger: 'reconcile',
  unverifiedMaxAgeMs: 72 * 3600_000,
  now: () => new Date('2025-04-16T13:00:00Z'),
} as const;

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const D = '44444444-4444-4444-8444-444444444444';

describe('reconcile', () => {
  it('judges and dispatches only the assumptions that have no verdict yet', async () => {
    const decisions = new MemoryDecisionLog();
    const alerts = new MemoryAlerts();
    const [a, b, c] = [assumption(A), assumption(B), assumption(C)];
    await decisions.seed(verdictFor(a, 'ok'));
    await decisions.seed(verdictFor(c, 'alert'));
    const evaluated: string[] = [];
    const kinds: Record<string, VerdictKind> = { [B]: 'alert' };

    const result = await reconcile(sourceOf([item(a, 1), item(b, 2), item(c, 3)]), {
      evaluate: async (x) => {
        evaluated.push(x.eventId);
        return verdictFor(x, kinds[x.eventId] ?? 'ok');
      },
      alerts,
      decisions,
      logger: silentLogger,
      ...RUN,
    });

    expect(evaluated).toEqual([B]);
    expect(alerts.published).toEqual([B]);
    expect(decisions.latest(B)).toBe('alert');
    expect(result.counts).toMatchObject({ assumptions: 3, alreadyJudged: 2, dispatched: 1, failed: 0 });
    expect(result.counts.verdicts).toEqual({ alert: 1, unverified: 0, ok: 0, ignored: 0 });
  });

  it('records an ok verdict without alerting, so the next run finds it judged', async () => {
    const decisions = new MemoryDecisionLog();
    const alerts = new MemoryAlerts();
    const a = assumption(A);
    const deps = {
      evaluate: async (x: RoleAssumption) => verdictFor(x, 'ok'),
      alerts,
      decisions,
      logger: silentLogger,
      ...RUN,
    };

    const first = await reconcile(sourceOf([item(a)]), deps);
    const second = await reconcile(sourceOf([item(a)]), deps);

    expect(alerts.published).toEqual([]);
    expect(first.counts.dispatched).toBe(1);
    expect(second.counts).toMatchObject({ dispatched: 0, alreadyJudged: 1 });
  });

  it('judges an event anyway when the decision log cannot answer', async () => {
    const decisions = new MemoryDecisionLog();
    const alerts = new MemoryAlerts();
    decisions.failLookupFor.add(A);
    const warnings: unknown[] = [];

    const result = await reconcile(sourceOf([item(assumption(A))]), {
      evaluate: async (x) => verdictFor(x, 'unverified'),
      alerts,
      decisions,
      logger: { ...silentLogger, warn: (obj) => warnings.push(obj) },
      ...RUN,
    });

    expect(alerts.published).toEqual([A]);
    expect(result.counts).toMatchObject({ decisionLookupFailures: 1, dispatched: 1 });
    expect(warnings).toHaveLength(1);
  });

  it('counts a failed publication, leaves it unrecorded for the next run, and carries on with the rest', async () => {
    const decisions = new MemoryDecisionLog();
    const alerts = new MemoryAlerts();
    alerts.failFor.add(A);

    const result = await reconcile(sourceOf([item(assumption(A)), item(assumption(B))]), {
      evaluate: async (x) => verdictFor(x, 'alert'),
      alerts,
      decisions,
      logger: silentLogger,
      ...RUN,
    });

    expect(decisions.entries.has(A)).toBe(false);
    expect(alerts.published).toEqual([B]);
    expect(result.counts).toMatchObject({ failed: 1, dispatched: 1 });
    expect(result.failures).toEqual([{ eventId: A, error: expect.stringContaining('SNS Publish failed') }]);
  });

  it('counts skipped events, input errors and repeated eventIDs without judging them', async () => {
    const decisions = new MemoryDecisionLog();
    const evaluated: string[] = [];
    const a = assumption(A);

    const result = await reconcile(
      sourceOf([
        { kind: 'skipped', eventName: 'AssumeRole', source: 'f.json.gz', count: 40 },
        {
          kind: 'error',
          error: new InputError('f.json.gz record 3: requestParameters.roleArn is missing', 'f.json.gz', 3),
        },
        item(a, 1),
        item(a, 2),
      ]),
      {
        evaluate: async (x) => {
          evaluated.push(x.eventId);
          return verdictFor(x, 'ignored');
        },
        alerts: new MemoryAlerts(),
        decisions,
        logger: silentLogger,
        ...RUN,
        ...RUN,
      },
    );

    expect(evaluated).toEqual([A]);
    expect(result.counts).toMatchObject({
      skipped: 40,
      inputErrors: 1,
      duplicates: 1,
      assumptions: 2,
      dispatched: 1,
    });
    expect(result.inputErrors).toEqual(['f.json.gz record 3: requestParameters.roleArn is missing']);
  });

  it('keeps at most `concurrency` evaluations in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    let finished = 0;
    const gates: (() => void)[] = [];
    const items = [A, B, C, D].map((id, i) => item(assumption(id), i + 1));

    const run = reconcile(sourceOf(items), {
      evaluate: async (x) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight -= 1;
        finished += 1;
        return verdictFor(x, 'ok');
      },
      alerts: new MemoryAlerts(),
      decisions: new MemoryDecisionLog(),
      logger: silentLogger,
      ...RUN,
      concurrency: 2,
    });
    while (finished < 4) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    const result = await run;

    expect(peak).toBe(2);
    expect(result.counts.dispatched).toBe(4);
  });

  it('rethrows an unexpected error after the in-flight work settles', async () => {
    const decisions = new MemoryDecisionLog();

    const run = reconcile(sourceOf([item(assumption(A)), item(assumption(B))]), {
      evaluate: async (x) => {
        if (x.eventId === A) {
          await new Promise((resolve) => setImmediate(resolve));
          throw new TypeError('bug in a check');
        }
        return verdictFor(x, 'ok');
      },
      alerts: new MemoryAlerts(),
      decisions,
      logger: silentLogger,
      ...RUN,
      concurrency: 2,
    });

    await expect(run).rejects.toThrow('bug in a check');
    expect(decisions.entries.has(B)).toBe(true);
  });

  it('rethrows when the source itself fails, so an unreadable history is never reported as clean', async () => {
    const source: RecordSource = {
      async *[Symbol.asyncIterator]() {
        yield item(assumption(A));
        throw new Error('CloudTrail LookupEvents failed in eu-west-1');
      },
    };

    await expect(
      reconcile(source, {
        evaluate: async (x) => verdictFor(x, 'ok'),
        alerts: new MemoryAlerts(),
        decisions: new MemoryDecisionLog(),
        logger: silentLogger,
        ...RUN,
        ...RUN,
      }),
    ).rejects.toThrow('eu-west-1');
  });
  it('re-judges an event whose only verdicts are unverified, and stops once one is conclusive', async () => {
    const decisions = new MemoryDecisionLog();
    const alerts = new MemoryAlerts();
    const a = assumption(A);
    await decisions.seed(verdictFor(a, 'unverified'));
    const evaluated: string[] = [];
    const deps = {
      evaluate: async (x: RoleAssumption) => {
        evaluated.push(x.eventId);
        return verdictFor(x, 'alert');
      },
      alerts,
      decisions,
      logger: silentLogger,
      ...RUN,
    };

    const first = await reconcile(sourceOf([item(a)]), deps);
    const second = await reconcile(sourceOf([item(a)]), deps);

    expect(evaluated).toEqual([A]);
    expect(first.counts).toMatchObject({ rejudged: 1, dispatched: 1, alreadyJudged: 0 });
    expect(second.counts).toMatchObject({ rejudged: 0, dispatched: 0, alreadyJudged: 1 });
    expect(decisions.entries.get(A)?.map((e) => [e.verdict, e.trigger])).toEqual([
      ['unverified', 'live'],
      ['alert', 'reconcile'],
    ]);
  });

  it('leaves an unverified event alone once it is older than the re-judging window', async () => {
    const decisions = new MemoryDecisionLog();
    const a = assumption(A);
    await decisions.seed(verdictFor(a, 'unverified'));
    const evaluated: string[] = [];

    const result = await reconcile(sourceOf([item(a)]), {
      evaluate: async (x) => {
        evaluated.push(x.eventId);
        return verdictFor(x, 'alert');
      },
      alerts: new MemoryAlerts(),
      decisions,
      logger: silentLogger,
      ...RUN,
      // The event is from 02:46:56Z; at 13:00Z it is ~10 hours old.
      unverifiedMaxAgeMs: 6 * 3600_000,
    });

    expect(evaluated).toEqual([]);
    expect(result.counts).toMatchObject({ agedOut: 1, rejudged: 0, dispatched: 0 });
  });
  it('re-judges an event whose responders were last told unverified, even if a later record concluded ok', async () => {
    // The race the fault soak found: a first `unverified` alert and a concurrent `ok` that published nothing.
    const decisions = new MemoryDecisionLog();
    const alerts = new MemoryAlerts();
    const a = assumption(A);
    await decisions.seed(verdictFor(a, 'unverified'));
    await decisions.seed(verdictFor(a, 'ok'));
    alerts.standings.set(A, told('unverified'));

    const result = await reconcile(sourceOf([item(a)]), {
      evaluate: async (x) => verdictFor(x, 'ok'),
      alerts,
      decisions,
      logger: silentLogger,
      ...RUN,
    });

    expect(result.counts).toMatchObject({ rejudged: 1, dispatched: 1 });
    expect(decisions.lookups).toEqual([]);
  });

  it('leaves an event alone whose responders were told a conclusion', async () => {
    const alerts = new MemoryAlerts();
    alerts.standings.set(A, told('alert'));
    const evaluated: string[] = [];
    const result = await reconcile(sourceOf([item(assumption(A))]), {
      evaluate: async (x) => {
        evaluated.push(x.eventId);
        return verdictFor(x, 'ok');
      },
      alerts,
      decisions: new MemoryDecisionLog(),
      logger: silentLogger,
      ...RUN,
    });
    expect(evaluated).toEqual([]);
    expect(result.counts).toMatchObject({ alreadyJudged: 1 });
  });
});

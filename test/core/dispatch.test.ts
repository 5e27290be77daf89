import { decisionEntry, dispatchVerdict } from '../../lib/core/dispatch';
import { PublishError } from '../../lib/core/errors';
import { silentLogger } from '../../lib/core/logger';
import type { AlertPublisher, DecisionEntry, DecisionLog, PublicationOutcome } from '../../lib/core/ports';
import type { Verdict, VerdictKind } from '../../lib/core/verdict';
import { makeVerdict } from './render/verdict-fixture';

const NOTHING: PublicationOutcome = {
  action: 'none',
  reason: 'nothing-to-tell',
  sequence: 0,
  messageId: null,
  refersTo: null,
  standing: null,
};

const FIRST: PublicationOutcome = {
  action: 'initial',
  reason: 'first-alert',
  sequence: 1,
  messageId: 'msg-1',
  refersTo: null,
  standing: {
    sequence: 1,
    verdict: 'alert',
    severity: 'critical',
    alertCodes: ['UNPROTECTED_REF'],
    first: null,
  },
};

function recorder(): {
  calls: string[];
  entries: DecisionEntry[];
  alerts: AlertPublisher;
  decisions: DecisionLog;
} {
  const calls: string[] = [];
  const entries: DecisionEntry[] = [];
  return {
    calls,
    entries,
    alerts: {
      publish: async (v: Verdict) => {
        calls.push(`publish:${v.verdict}`);
        return v.verdict === 'alert' ? FIRST : NOTHING;
      },
      standingOf: async () => null,
    },
    decisions: {
      append: async (e: DecisionEntry) => {
        calls.push(`append:${e.verdict}`);
        entries.push(e);
      },
      history: async () => [],
    },
  };
}

const deps = (r: ReturnType<typeof recorder>) => ({
  alerts: r.alerts,
  decisions: r.decisions,
  logger: silentLogger,
  trigger: 'live' as const,
  now: () => new Date('2025-04-16T02:47:01.250Z'),
});

describe('dispatchVerdict', () => {
  it.each<VerdictKind>(['alert', 'unverified', 'ok', 'ignored'])(
    'asks the publisher first, then appends the %s verdict to the history',
    async (kind) => {
      const r = recorder();
      await dispatchVerdict(makeVerdict({ verdict: kind }), deps(r));
      expect(r.calls).toEqual([`publish:${kind}`, `append:${kind}`]);
    },
  );

  it('records what the evaluation meant for responders with the verdict', async () => {
    const r = recorder();
    const verdict = makeVerdict();
    await expect(dispatchVerdict(verdict, deps(r))).resolves.toBe(FIRST);
    expect(r.entries).toEqual([decisionEntry(verdict, FIRST, 'live', '2025-04-16T02:47:01.250Z')]);
    expect(r.entries[0]).toMatchObject({
      ...verdict,
      recordedAt: '2025-04-16T02:47:01.250Z',
      trigger: 'live',
      publication: { action: 'initial', sequence: 1, messageId: 'msg-1', refersTo: null },
      standing: { verdict: 'alert', sequence: 1, alertCodes: ['UNPROTECTED_REF'] },
    });
  });

  it('does not record a verdict whose publication failed, and throws PublishError with the cause', async () => {
    const r = recorder();
    const cause = new Error('socket hang up');
    const alerts: AlertPublisher = {
      publish: async () => {
        throw cause;
      },
      standingOf: async () => null,
    };
    const error = await dispatchVerdict(makeVerdict(), { ...deps(r), alerts }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).cause).toBe(cause);
    expect(r.calls).toEqual([]);
  });

  it('passes a PublishError from the publisher through unchanged', async () => {
    const r = recorder();
    const original = new PublishError('SNS throttled');
    const alerts: AlertPublisher = {
      publish: async () => {
        throw original;
      },
      standingOf: async () => null,
    };
    await expect(dispatchVerdict(makeVerdict(), { ...deps(r), alerts })).rejects.toBe(original);
  });

  it('throws PublishError when the history append fails after the alert went out', async () => {
    const r = recorder();
    const decisions: DecisionLog = {
      append: async () => {
        throw new Error('SlowDown');
      },
      history: async () => [],
    };
    await expect(dispatchVerdict(makeVerdict(), { ...deps(r), decisions })).rejects.toBeInstanceOf(
      PublishError,
    );
    expect(r.calls).toEqual(['publish:alert']);
  });
});

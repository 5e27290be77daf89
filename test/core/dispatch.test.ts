import { dispatchVerdict } from '../../lib/core/dispatch';
import { PublishError } from '../../lib/core/errors';
import { silentLogger } from '../../lib/core/logger';
import type { AlertPublisher, DecisionLog } from '../../lib/core/ports';
import type { Verdict, VerdictKind } from '../../lib/core/verdict';
import { makeVerdict } from './render/verdict-fixture';

function recorder(): { calls: string[]; alerts: AlertPublisher; decisions: DecisionLog } {
  const calls: string[] = [];
  return {
    calls,
    alerts: {
      publish: async (v: Verdict) => {
        calls.push(`publish:${v.verdict}`);
      },
    },
    decisions: {
      record: async (v: Verdict) => {
        calls.push(`record:${v.verdict}`);
      },
      has: async () => false,
    },
  };
}

describe('dispatchVerdict', () => {
  it.each<[VerdictKind, string[]]>([
    ['alert', ['publish:alert', 'record:alert']],
    ['unverified', ['publish:unverified', 'record:unverified']],
    ['ok', ['record:ok']],
    ['ignored', ['record:ignored']],
  ])('publishes before recording for %s verdicts and records every verdict', async (kind, expected) => {
    const r = recorder();
    await dispatchVerdict(makeVerdict({ verdict: kind }), {
      alerts: r.alerts,
      decisions: r.decisions,
      logger: silentLogger,
    });
    expect(r.calls).toEqual(expected);
  });

  it('does not record a verdict whose alert failed, and throws PublishError with the cause', async () => {
    const r = recorder();
    const cause = new Error('socket hang up');
    const alerts: AlertPublisher = {
      publish: async () => {
        throw cause;
      },
    };
    const error = await dispatchVerdict(makeVerdict(), {
      alerts,
      decisions: r.decisions,
      logger: silentLogger,
    }).catch((e: unknown) => e);
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
    };
    await expect(
      dispatchVerdict(makeVerdict(), { alerts, decisions: r.decisions, logger: silentLogger }),
    ).rejects.toBe(original);
  });

  it('throws PublishError when the decision log write fails after the alert went out', async () => {
    const r = recorder();
    const decisions: DecisionLog = {
      record: async () => {
        throw new Error('SlowDown');
      },
      has: async () => false,
    };
    await expect(
      dispatchVerdict(makeVerdict(), { alerts: r.alerts, decisions, logger: silentLogger }),
    ).rejects.toBeInstanceOf(PublishError);
    expect(r.calls).toEqual(['publish:alert']);
  });
});

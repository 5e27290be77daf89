import {
  decidePublication,
  standingAfterPublish,
  standingWithoutPublish,
  type Standing,
} from '../../lib/core/publication';
import type { Finding, Verdict, VerdictKind } from '../../lib/core/verdict';
import { makeVerdict } from './render/verdict-fixture';

const UNAVAILABLE: Finding = {
  code: 'GITLAB_UNAVAILABLE',
  class: 'unverified',
  severity: 'critical',
  message: 'GitLab could not answer',
};
const SOURCE: Finding = {
  code: 'PIPELINE_SOURCE_NOT_ALLOWED',
  class: 'alert',
  severity: 'critical',
  message: 'source trigger',
};

function verdict(kind: VerdictKind, overrides: Partial<Verdict> = {}): Verdict {
  const findings: Record<VerdictKind, Finding[]> = {
    alert: makeVerdict().findings.slice(),
    unverified: [UNAVAILABLE],
    ok: [],
    ignored: [],
  };
  const severity = kind === 'ok' || kind === 'ignored' ? 'info' : 'critical';
  return makeVerdict({ verdict: kind, severity, findings: findings[kind], ...overrides });
}

/** The standing after a first message for `kind`. */
function told(kind: VerdictKind): Standing {
  return standingAfterPublish(null, {
    messageId: 'msg-1',
    publishedAt: '2025-04-16T02:47:01.000Z',
    sequence: 1,
    verdict: kind,
    routingSeverity: 'critical',
    alertCodes: kind === 'alert' ? ['UNPROTECTED_REF'] : [],
  });
}

const OK_UNPUBLISHED: Standing = {
  sequence: 0,
  verdict: 'ok',
  severity: 'info',
  alertCodes: [],
  first: null,
};

describe('decidePublication', () => {
  it.each<[string, Standing | null, VerdictKind, string]>([
    ['nothing yet', null, 'alert', 'publish initial first-alert'],
    ['nothing yet', null, 'unverified', 'publish initial first-alert'],
    ['nothing yet', null, 'ok', 'none nothing-to-tell'],
    ['nothing yet', null, 'ignored', 'none nothing-to-tell'],
    ['an unpublished ok', OK_UNPUBLISHED, 'unverified', 'none conclusion-stands'],
    ['an unpublished ok', OK_UNPUBLISHED, 'alert', 'publish initial first-alert'],
    ['a published unverified', told('unverified'), 'alert', 'publish update escalated'],
    ['a published unverified', told('unverified'), 'ok', 'publish update resolved'],
    ['a published unverified', told('unverified'), 'ignored', 'publish update resolved'],
    ['a published unverified', told('unverified'), 'unverified', 'none duplicate'],
    ['a published alert', told('alert'), 'unverified', 'none conclusion-stands'],
    ['a published alert', told('alert'), 'alert', 'none duplicate'],
    ['a published alert', told('alert'), 'ok', 'publish update withdrawn'],
    ['a published alert', told('alert'), 'ignored', 'publish update withdrawn'],
  ])('after %s, a new %s verdict -> %s', (_label, standing, kind, expected) => {
    const decision = decidePublication(standing, verdict(kind));
    const summary =
      decision.action === 'publish'
        ? `publish ${decision.context.kind} ${decision.context.reason}`
        : `none ${decision.reason}`;
    expect(summary).toBe(expected);
  });

  it('publishes an update when a re-evaluation adds an alert-class finding, and not when it loses one', () => {
    const more = verdict('alert', { findings: [...verdict('alert').findings, SOURCE] });
    const decision = decidePublication(told('alert'), more);
    expect(decision).toMatchObject({
      action: 'publish',
      context: { kind: 'update', reason: 'new-findings' },
    });

    const told2 = standingAfterPublish(told('alert'), {
      messageId: 'msg-2',
      publishedAt: '2025-04-16T03:00:00.000Z',
      sequence: 2,
      verdict: 'alert',
      routingSeverity: 'critical',
      alertCodes: ['PIPELINE_SOURCE_NOT_ALLOWED', 'UNPROTECTED_REF'],
    });
    // An outage during a later delivery loses a finding: nothing new to tell, the alert stands.
    const fewer = verdict('alert', { findings: [SOURCE, UNAVAILABLE] });
    expect(decidePublication(told2, fewer)).toEqual({ action: 'none', reason: 'duplicate' });
  });

  it('numbers updates, names the first message, and routes them at least as high as the first', () => {
    const decision = decidePublication(told('unverified'), verdict('ok'));
    expect(decision).toEqual({
      action: 'publish',
      context: {
        kind: 'update',
        sequence: 2,
        reason: 'resolved',
        routingSeverity: 'critical',
        previous: { verdict: 'unverified', severity: 'critical', alertCodes: [] },
        first: {
          messageId: 'msg-1',
          publishedAt: '2025-04-16T02:47:01.000Z',
          verdict: 'unverified',
          severity: 'critical',
        },
      },
    });
  });
});

describe('standings', () => {
  it('remembers an unpublished ok, but not an ignored verdict or an unverified one', () => {
    expect(standingWithoutPublish(null, verdict('ok'))).toEqual(OK_UNPUBLISHED);
    expect(standingWithoutPublish(null, verdict('ignored'))).toBeNull();
    expect(standingWithoutPublish(OK_UNPUBLISHED, verdict('unverified'))).toBe(OK_UNPUBLISHED);
  });

  it('keeps the first message and the union of the alert codes told across updates', () => {
    const after = standingAfterPublish(told('alert'), {
      messageId: 'msg-2',
      publishedAt: '2025-04-16T03:00:00.000Z',
      sequence: 2,
      verdict: 'ok',
      routingSeverity: 'critical',
      alertCodes: [],
    });
    expect(after).toMatchObject({
      sequence: 2,
      verdict: 'ok',
      alertCodes: ['UNPROTECTED_REF'],
      first: { messageId: 'msg-1', verdict: 'alert' },
    });
  });
});

import { check } from '../../../lib/core/checks/session-name-unparsed';
import { buildAssumption, buildCheckContext } from '../../support/assumptions';

describe('SESSION_NAME_UNPARSED', () => {
  it('reports nothing when a pattern parsed the session name', () => {
    expect(check.evaluate(buildCheckContext())).toEqual([]);
  });

  it('reports nothing for a valid name no pattern matches: the candidates decide (issue 8)', () => {
    const ctx = buildCheckContext({
      assumption: buildAssumption({ roleSessionName: 'botocore-session-1713238316' }),
      session: null,
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('is unverified, at the role severity, when the name is not one AWS accepts for RoleSessionName', () => {
    const long = `pipeline-${'1'.repeat(200)}`;
    const [f] = check.evaluate(
      buildCheckContext({ assumption: buildAssumption({ roleSessionName: long }), session: null }),
    );
    expect(f).toMatchObject({ code: 'SESSION_NAME_UNPARSED', class: 'unverified', severity: 'critical' });
    expect(f?.message).toMatch(/is not a RoleSessionName AWS accepts/);
    expect(f?.message.length).toBeLessThan(300);
  });

  it('is unverified when there is no session name', () => {
    expect(
      check.evaluate(
        buildCheckContext({ assumption: buildAssumption({ roleSessionName: null }), session: null }),
      )[0]?.message,
    ).toMatch(/no role session name/);
  });
});

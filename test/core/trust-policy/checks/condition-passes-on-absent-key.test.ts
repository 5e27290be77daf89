import { check } from '../../../../lib/core/trust-policy/checks/condition-passes-on-absent-key';
import { findingsOf, HARDENED, policy, webIdentity } from '../support';

describe('CONDITION_PASSES_ON_ABSENT_KEY', () => {
  it('flags StringLikeIfExists on the gitlab.com sub', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({ StringLikeIfExists: { 'gitlab.com:sub': 'project_path:acme/platform/deploy:*' } }),
      ),
    );
    expect(f).toEqual([
      expect.objectContaining({ code: 'CONDITION_PASSES_ON_ABSENT_KEY', severity: 'medium', statement: 0 }),
    ]);
  });

  it('flags ForAllValues:StringEquals on aud', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          ...HARDENED,
          'ForAllValues:StringEquals': { 'gitlab.com:aud': 'https://gitlab.com/acme' },
        }),
      ),
    );
    expect(f).toHaveLength(1);
  });

  it('does not flag ForAnyValue (fails on an absent key) nor plain operators', async () => {
    expect(await findingsOf(check, policy(webIdentity(HARDENED)))).toEqual([]);
    const f = await findingsOf(
      check,
      policy(
        webIdentity({
          ...HARDENED,
          'ForAnyValue:StringEquals': { 'gitlab.com:aud': 'https://gitlab.com/acme' },
        }),
      ),
    );
    expect(f).toEqual([]);
  });

  it('leaves keys that are always absent to the wrong-host and unsupported checks', async () => {
    const f = await findingsOf(
      check,
      policy(
        webIdentity({ ...HARDENED, StringLikeIfExists: { 'gitlab.example.com:sub': 'project_path:x/*' } }),
      ),
    );
    expect(f).toEqual([]);
  });
});

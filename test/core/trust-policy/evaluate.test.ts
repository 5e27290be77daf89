import { parseOperator, passesWhenAbsent } from '../../../lib/core/trust-policy/conditions';
import { parsePolicyDocument } from '../../../lib/core/trust-policy/document';
import { admitsToken } from '../../../lib/core/trust-policy/evaluate';
import { HARDENED, policy, SELF_MANAGED, webIdentity } from './support';

const MAIN = {
  sub: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
  aud: 'https://gitlab.com/acme/platform/deploy',
  project_id: '4242',
  ref_protected: 'true',
  pipeline_source: 'push',
};

function admits(doc: object, claims: Record<string, string>, provider = 'gitlab.com'): boolean {
  return admitsToken(parsePolicyDocument(doc), provider, claims);
}

describe('parseOperator', () => {
  it('splits set qualifiers and IfExists', () => {
    expect(parseOperator('ForAllValues:StringLikeIfExists')).toMatchObject({
      qualifier: 'ForAllValues',
      base: 'StringLike',
      ifExists: true,
      glob: true,
      negated: false,
    });
    expect(parseOperator('StringNotEqualsIgnoreCase')).toMatchObject({ negated: true, ignoreCase: true });
    expect(parseOperator('NumericLessThan').base).toBeNull();
  });

  it('knows which operators pass on an absent key', () => {
    const absent = (op: string, values = ['x']) => passesWhenAbsent(parseOperator(op), values);
    expect(absent('StringEquals')).toBe(false);
    expect(absent('StringLikeIfExists')).toBe(true);
    expect(absent('ForAllValues:StringEquals')).toBe(true);
    expect(absent('ForAnyValue:StringEquals')).toBe(false);
    expect(absent('StringNotLike')).toBe(true);
    expect(absent('Null', ['true'])).toBe(true);
    expect(absent('Null', ['false'])).toBe(false);
  });
});

describe('admitsToken (IAM evaluation of one token)', () => {
  const hardened = policy(webIdentity(HARDENED));

  it('admits the token the hardened policy was written for, and not a feature branch or another audience', () => {
    expect(admits(hardened, MAIN)).toBe(true);
    expect(admits(hardened, { ...MAIN, sub: MAIN.sub.replace('main', 'feature/x') })).toBe(false);
    expect(admits(hardened, { ...MAIN, aud: 'https://gitlab.com' })).toBe(false);
    expect(admits(hardened, { ...MAIN, project_id: '999' })).toBe(false);
  });

  it('admits any listed value, and everything when one StringLike value is *', () => {
    const doc = policy(
      webIdentity({ StringLike: { 'gitlab.com:sub': ['project_path:a/b:ref_type:branch:ref:main', '*'] } }),
    );
    expect(admits(doc, { ...MAIN, sub: 'project_path:evil/x:ref_type:branch:ref:y' })).toBe(true);
  });

  it('compares condition key names case-insensitively', () => {
    const doc = policy(webIdentity({ StringEquals: { 'GITLAB.COM:SUB': MAIN.sub } }));
    expect(admits(doc, MAIN)).toBe(true);
  });

  it('fails closed on a wrong-host key under a positive operator, passes under IfExists', () => {
    expect(admits(policy(webIdentity({ StringLike: { 'gitlab.example.com:sub': '*' } })), MAIN)).toBe(false);
    const open = policy(
      webIdentity({ StringLikeIfExists: { 'gitlab.example.com:sub': 'project_path:acme/x:*' } }),
    );
    expect(admits(open, { ...MAIN, sub: 'project_path:evil/x:ref_type:branch:ref:y' })).toBe(true);
  });

  it('sees only sub and aud on a self-managed provider: project_id there is absent', () => {
    const doc = policy(
      webIdentity(
        { StringEquals: { 'gitlab.example.com:sub': MAIN.sub, 'gitlab.example.com:project_id': '4242' } },
        SELF_MANAGED,
      ),
    );
    expect(admits(doc, MAIN, 'gitlab.example.com')).toBe(false);
  });

  it('lets a Deny win over an Allow', () => {
    const doc = policy(webIdentity({ StringLike: { 'gitlab.com:sub': 'project_path:acme/*' } }), {
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:*',
      Condition: { StringNotEquals: { 'gitlab.com:ref_protected': 'true' } },
    });
    expect(admits(doc, MAIN)).toBe(true);
    expect(admits(doc, { ...MAIN, ref_protected: 'false' })).toBe(false);
  });

  it('applies a statement only to its provider and to web identity actions', () => {
    const other = policy(
      webIdentity(undefined, 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'),
    );
    expect(admits(other, MAIN)).toBe(false);
    const assumeRoleOnly = policy({ ...webIdentity(undefined), Action: 'sts:AssumeRole' });
    expect(admits(assumeRoleOnly, MAIN)).toBe(false);
    const notAction = policy({ ...webIdentity(undefined), Action: undefined, NotAction: 'sts:AssumeRole' });
    expect(admits(notAction, MAIN)).toBe(true);
  });
});

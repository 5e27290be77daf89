import { parsePolicyDocument, PolicyDocumentError } from '../../../lib/core/trust-policy/document';
import { GITLAB_COM, HARDENED, policy, webIdentity } from './support';

const DOC = policy(webIdentity(HARDENED, GITLAB_COM, { Sid: 'GitLabDeploy' }));

describe('parsePolicyDocument', () => {
  it('reads a decoded document (aws iam get-account-authorization-details output)', () => {
    const doc = parsePolicyDocument(DOC);
    expect(doc.version).toBe('2012-10-17');
    expect(doc.statements[0]).toMatchObject({
      index: 0,
      sid: 'GitLabDeploy',
      effect: 'Allow',
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principal: { wildcard: false, federated: [GITLAB_COM], other: [] },
    });
    expect(doc.statements[0]?.conditions).toContainEqual({
      operator: 'StringEquals',
      key: 'gitlab.com:project_id',
      values: ['4242'],
    });
  });

  it('reads the URL-encoded form the raw IAM API returns, and a JSON string', () => {
    const encoded = encodeURIComponent(JSON.stringify(DOC));
    expect(encoded.startsWith('%7B')).toBe(true);
    expect(parsePolicyDocument(encoded)).toEqual(parsePolicyDocument(DOC));
    expect(parsePolicyDocument(JSON.stringify(DOC))).toEqual(parsePolicyDocument(DOC));
  });

  it('normalizes a single Statement object, string principals and scalar condition values', () => {
    const doc = parsePolicyDocument({
      Statement: {
        Effect: 'Deny',
        Principal: '*',
        NotAction: 'sts:TagSession',
        Condition: {
          Bool: { 'gitlab.com:ref_protected': false },
          NumericEquals: { 'gitlab.com:project_id': 42 },
        },
      },
    });
    expect(doc.statements[0]).toMatchObject({
      effect: 'Deny',
      principal: { wildcard: true },
      actions: null,
      notActions: ['sts:TagSession'],
      conditions: [
        { operator: 'Bool', key: 'gitlab.com:ref_protected', values: ['false'] },
        { operator: 'NumericEquals', key: 'gitlab.com:project_id', values: ['42'] },
      ],
    });
  });

  it('keeps other principal kinds apart from Federated', () => {
    const doc = parsePolicyDocument(
      policy({ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }),
    );
    expect(doc.statements[0]?.principal).toEqual({
      wildcard: false,
      federated: [],
      other: ['Service:lambda.amazonaws.com'],
    });
  });

  it.each([
    ['not JSON', 'this is not a policy', 'not valid JSON'],
    ['bad URL encoding', '%E0%A4%A', 'not JSON and not URL-encoded'],
    ['no Statement', { Version: '2012-10-17' }, 'Statement'],
    ['a bad Effect', { Statement: [{ Effect: 'Maybe' }] }, 'Statement.0.Effect'],
  ])('names what is wrong with %s', (_name, input, message) => {
    expect(() => parsePolicyDocument(input)).toThrow(PolicyDocumentError);
    expect(() => parsePolicyDocument(input)).toThrow(message);
  });
});

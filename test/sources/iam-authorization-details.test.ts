import { join } from 'node:path';
import { parsePolicyDocument } from '../../lib/core/trust-policy/document';
import type { RoleSourceItem } from '../../lib/core/trust-policy/source';
import {
  parseAuthorizationDetails,
  readAuthorizationDetailsFiles,
} from '../../lib/sources/iam-authorization-details';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'examples', 'audit', 'account-123456789012.json');
const ENCODED = join(ROOT, 'test', 'fixtures', 'iam', 'authorization-details-url-encoded.json');
const LIST_ROLES = join(ROOT, 'test', 'fixtures', 'iam', 'list-roles.json');

async function collect(paths: string[]): Promise<RoleSourceItem[]> {
  const items: RoleSourceItem[] = [];
  for await (const item of readAuthorizationDetailsFiles(paths)) items.push(item);
  return items;
}

function roles(items: RoleSourceItem[]) {
  return items.flatMap((i) => (i.kind === 'role' ? [i.role] : []));
}

describe('readAuthorizationDetailsFiles', () => {
  it('reads every role of the bundled account file (decoded trust policies, CLI output)', async () => {
    const items = await collect([SAMPLE]);
    expect(items.every((i) => i.kind === 'role')).toBe(true);
    expect(roles(items).map((r) => r.roleName)).toContain('prod-deploy');
    expect(roles(items)[0]).toMatchObject({ accountId: '123456789012', source: SAMPLE });
  });

  it('reads the raw API form (URL-encoded trust policies) to the same documents', async () => {
    const decoded = roles(await collect([SAMPLE])).slice(0, 3);
    const encoded = roles(await collect([ENCODED]));
    expect(typeof encoded[0]?.trustPolicy).toBe('string');
    expect(encoded.map((r) => parsePolicyDocument(r.trustPolicy))).toEqual(
      decoded.map((r) => parsePolicyDocument(r.trustPolicy)),
    );
  });

  it("reads 'aws iam list-roles' output too, and several files in order", async () => {
    const items = await collect([LIST_ROLES, ENCODED]);
    expect(roles(items).map((r) => r.source)).toEqual([LIST_ROLES, LIST_ROLES, ENCODED, ENCODED, ENCODED]);
  });

  it('reports an unreadable file and goes on with the next', async () => {
    const items = await collect([join(ROOT, 'no-such-file.json'), LIST_ROLES]);
    expect(items[0]).toMatchObject({ kind: 'error', message: expect.stringContaining('cannot read') });
    expect(roles(items)).toHaveLength(2);
  });
});

describe('parseAuthorizationDetails', () => {
  it('names a file that is not IAM output', () => {
    expect(parseAuthorizationDetails('{"Records": []}', 'trail.json')).toEqual([
      expect.objectContaining({
        kind: 'error',
        source: 'trail.json',
        message: expect.stringContaining('RoleDetailList'),
      }),
    ]);
    expect(parseAuthorizationDetails('{', 'x.json')[0]).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('not JSON'),
    });
  });

  it('reports a role whose ARN is not an IAM role ARN, keeping the others', () => {
    const items = parseAuthorizationDetails(
      JSON.stringify({
        RoleDetailList: [
          { RoleName: 'a', Arn: 'arn:aws:s3:::bucket', AssumeRolePolicyDocument: {} },
          { RoleName: 'b', Arn: 'arn:aws:iam::123456789012:role/b', AssumeRolePolicyDocument: '%7B%7D' },
        ],
      }),
      'f.json',
    );
    expect(items.map((i) => i.kind)).toEqual(['error', 'role']);
  });
});

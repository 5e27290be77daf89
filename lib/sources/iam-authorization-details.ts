/**
 * Offline role source: the JSON that `aws iam get-account-authorization-details` prints (one file per account;
 * `RoleDetailList[].AssumeRolePolicyDocument` decoded by the CLI, or URL-encoded when taken from the raw API), and
 * also `aws iam list-roles` output (`Roles[]`). Files are validated with zod; a file that is not one of these is an
 * error naming the file and what was wrong.
 * See: https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html
 * See: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { accountOfArn, type RoleSource, type RoleSourceItem } from '../core/trust-policy/source';

const RoleEntrySchema = z
  .object({
    RoleName: z.string().min(1),
    Arn: z.string().startsWith('arn:'),
    AssumeRolePolicyDocument: z.union([z.string(), z.record(z.string(), z.unknown())]),
  })
  .loose();

export const AuthorizationDetailsSchema = z
  .object({ RoleDetailList: z.array(RoleEntrySchema).optional(), Roles: z.array(RoleEntrySchema).optional() })
  .loose()
  .refine(
    (d) => d.RoleDetailList !== undefined || d.Roles !== undefined,
    'has neither RoleDetailList nor Roles',
  );

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
    .join('; ');
}

/** Parses one file's text into role items (or one error item naming the file). */
export function parseAuthorizationDetails(text: string, source: string): RoleSourceItem[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return [{ kind: 'error', source, message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }];
  }
  const parsed = AuthorizationDetailsSchema.safeParse(json);
  if (!parsed.success) {
    return [
      {
        kind: 'error',
        source,
        message: `not the output of 'aws iam get-account-authorization-details' or 'aws iam list-roles': ${describe(parsed.error)}`,
      },
    ];
  }
  const roles = [...(parsed.data.RoleDetailList ?? []), ...(parsed.data.Roles ?? [])];
  return roles.map((r, index): RoleSourceItem => {
    const accountId = accountOfArn(r.Arn);
    if (accountId === null)
      return {
        kind: 'error',
        source,
        message: `role ${index + 1} (${r.RoleName}): not an IAM role ARN: ${JSON.stringify(r.Arn)}`,
      };
    return {
      kind: 'role',
      role: { arn: r.Arn, roleName: r.RoleName, accountId, trustPolicy: r.AssumeRolePolicyDocument, source },
    };
  });
}

/** Reads the files in order (`--from FILE`, repeatable); an unreadable file is an error item, the rest still read. */
export async function* readAuthorizationDetailsFiles(paths: readonly string[]): RoleSource {
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      yield {
        kind: 'error',
        source: path,
        message: `cannot read: ${e instanceof Error ? e.message : String(e)}`,
      };
      continue;
    }
    yield* parseAuthorizationDetails(text, path);
  }
}

/**
 * The port through which the audit reads IAM roles: live IAM (lib/adapters/iam-roles.ts) or exported account files
 * (lib/sources/iam-authorization-details.ts). An account that cannot be read is an error item, never an empty list:
 * "could not tell" never turns into "nothing there".
 */
import type { IamRole } from './audit';

export type RoleSourceItem =
  | { readonly kind: 'role'; readonly role: IamRole }
  | { readonly kind: 'error'; readonly source: string; readonly message: string };

export type RoleSource = AsyncIterable<RoleSourceItem>;

/** `arn:aws:iam::123456789012:role/path/name` -> `123456789012`, or null. */
export function accountOfArn(arn: string): string | null {
  return /^arn:aws[a-z-]*:iam::([0-9]{12}):/.exec(arn)?.[1] ?? null;
}

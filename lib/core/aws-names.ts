/** Shapes of AWS names that the config, the sources and the queries all check. */

/** A 12-digit AWS account ID. */
export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;

/** An AWS region name such as us-east-1 or us-gov-west-1. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;

/**
 * The ARN globs a hunt's role filter stands for: an ARN or ARN glob as given; a bare role name (globs allowed) in any
 * account, with or without an IAM path.
 */
export function roleGlobs(role: string): readonly string[] {
  if (role.startsWith('arn:')) return [role];
  if (!/^[A-Za-z0-9+=,.@_*?-]{1,64}$/.test(role))
    throw new RangeError(`not a role name, ARN or ARN glob: ${role}`);
  return [`arn:*:iam::*:role/${role}`, `arn:*:iam::*:role/*/${role}`];
}

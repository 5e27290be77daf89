/**
 * Literals and identifiers. Nothing that comes from a user at run time is ever concatenated into SQL: hunt filters
 * travel as Athena execution parameters (`?`); named queries embed values from the validated configuration only,
 * through `sqlStringLiteral` / `likeLiteral`, and identifiers only after `sqlIdentifier` has checked them.
 */

/** A SQL string literal: single quotes doubled, the only escape Trino/Athena string literals know. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * An Athena execution parameter for a string value. Athena substitutes parameters textually, so string values must
 * be passed quoted, with single quotes doubled.
 * See: https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html
 */
export function quoteExecutionParameter(value: string): string {
  return sqlStringLiteral(value);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,254}$/;

/** A Glue database or table name, double-quoted for DML. Throws RangeError on anything but [a-z0-9_]. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(
      `not a valid Athena/Glue name (lower-case letters, digits, _): ${JSON.stringify(name)}`,
    );
  }
  return `"${name}"`;
}

/** The escape character used with every LIKE built here: `LIKE ... ESCAPE '\'`. */
export const LIKE_ESCAPE = '\\';

/**
 * Turns an ARN glob from the configuration (`*` any sequence, `?` one character, as lib/core/glob.ts) into a LIKE
 * pattern: `%`, `_` and the escape character in the glob are escaped so that `prod_deploy` does not match
 * `prodXdeploy`.
 */
export function likePattern(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else if (ch === '%' || ch === '_' || ch === LIKE_ESCAPE) out += `${LIKE_ESCAPE}${ch}`;
    else out += ch;
  }
  return out;
}

export function likeLiteral(glob: string): string {
  return `${sqlStringLiteral(likePattern(glob))} ESCAPE ${sqlStringLiteral(LIKE_ESCAPE)}`;
}

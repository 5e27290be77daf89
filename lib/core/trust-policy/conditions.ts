/**
 * IAM condition semantics for trust-policy statements: operators with their set qualifiers (`ForAnyValue:`,
 * `ForAllValues:`) and `...IfExists`, evaluated against a token's request context. Within one condition block, the
 * values of a key are ORed (any value may match; `*` anywhere in a `StringLike` list admits everything), keys and
 * operators are ANDed.
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { iamGlobMatches } from './iam-glob';

export type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'Bool'
  | 'Null';

const STRING_OPERATORS: ReadonlySet<string> = new Set<BaseOperator>([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'Bool',
  'Null',
]);

export interface ParsedOperator {
  readonly raw: string;
  readonly qualifier: 'ForAnyValue' | 'ForAllValues' | null;
  /** null when the operator is not one this engine models (Numeric*, Date*, Arn*, IpAddress...). */
  readonly base: BaseOperator | null;
  readonly ifExists: boolean;
  readonly negated: boolean;
  readonly glob: boolean;
  readonly ignoreCase: boolean;
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts. Operator names are case-sensitive in IAM. */
export function parseOperator(raw: string): ParsedOperator {
  let rest = raw;
  let qualifier: ParsedOperator['qualifier'] = null;
  if (rest.startsWith('ForAnyValue:')) qualifier = 'ForAnyValue';
  else if (rest.startsWith('ForAllValues:')) qualifier = 'ForAllValues';
  if (qualifier) rest = rest.slice(qualifier.length + 1);
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const base = STRING_OPERATORS.has(rest) ? (rest as BaseOperator) : null;
  return {
    raw,
    qualifier,
    base,
    ifExists,
    negated: base === 'StringNotEquals' || base === 'StringNotEqualsIgnoreCase' || base === 'StringNotLike',
    glob: base === 'StringLike' || base === 'StringNotLike',
    ignoreCase: base === 'StringEqualsIgnoreCase' || base === 'StringNotEqualsIgnoreCase' || base === 'Bool',
  };
}

/**
 * True when the condition holds although its key is absent from the request context: `...IfExists`,
 * `ForAllValues:` (vacuously true over an empty set), negated operators, and `Null: true`.
 * Positive operators and `ForAnyValue:` fail on an absent key.
 */
export function passesWhenAbsent(op: ParsedOperator, values: readonly string[]): boolean {
  if (op.base === 'Null') return values.some((v) => v.toLowerCase() === 'true');
  if (op.ifExists || op.qualifier === 'ForAllValues') return true;
  if (op.qualifier === 'ForAnyValue') return false;
  return op.negated;
}

/** Does one policy value match the request value under this operator (ignoring negation)? */
export function valueMatches(op: ParsedOperator, policyValue: string, requestValue: string): boolean {
  if (op.glob) return iamGlobMatches(policyValue, requestValue);
  if (op.ignoreCase) return policyValue.toLowerCase() === requestValue.toLowerCase();
  return policyValue === requestValue;
}

/**
 * Evaluates one condition on a single-valued key (every GitLab claim is single-valued) or an absent one.
 * Unmodelled operators return null: the caller decides (an Allow is then assumed to pass: over-approximation).
 */
export function evaluateCondition(
  op: ParsedOperator,
  values: readonly string[],
  requestValue: string | undefined,
): boolean | null {
  if (op.base === null) return null;
  if (requestValue === undefined) return passesWhenAbsent(op, values);
  if (op.base === 'Null') return values.some((v) => v.toLowerCase() === 'false');
  const any = values.some((v) => valueMatches(op, v, requestValue));
  return op.negated ? !any : any;
}

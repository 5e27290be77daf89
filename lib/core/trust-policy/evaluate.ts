/**
 * Concrete evaluation: would IAM let THIS token (its claims) assume the role? Deny wins over Allow; an Allow needs
 * every condition to hold. The request context holds `<provider>:<claim>` only for the claims AWS evaluates for the
 * provider (condition-keys.ts), so a key with another host or an unsupported claim is absent, as in IAM.
 * Unmodelled operators count as holding in an Allow and as not holding in a Deny: the answer errs towards "admitted".
 * See: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { appliesToProviderForEvaluation } from './statements';
import { classifyConditionKey } from './condition-keys';
import { evaluateCondition, parseOperator } from './conditions';
import type { PolicyDocument, PolicyStatement } from './document';

/** A token's claims by name (`sub`, `aud`, `project_id`...), as GitLab writes them (strings). */
export type TokenClaims = Readonly<Record<string, string>>;

function conditionsHold(
  s: PolicyStatement,
  provider: string,
  claims: TokenClaims,
  unmodelled: boolean,
): boolean {
  return s.conditions.every((c) => {
    const key = classifyConditionKey(c.key, provider);
    const op = parseOperator(c.operator);
    // Service keys (aws:SourceIp, sts:RoleSessionName...) describe the caller, not the token: treated like unmodelled.
    if (key.kind === 'service') return unmodelled;
    const value = key.kind === 'claim' ? claims[key.claim] : undefined;
    return evaluateCondition(op, c.values, value) ?? unmodelled;
  });
}

/** True when IAM would allow a token of `provider` with these claims to assume the role. */
export function admitsToken(doc: PolicyDocument, provider: string, claims: TokenClaims): boolean {
  const statements = doc.statements.filter((s) => appliesToProviderForEvaluation(s, provider));
  const denied = statements.some((s) => s.effect === 'Deny' && conditionsHold(s, provider, claims, false));
  if (denied) return false;
  return statements.some((s) => s.effect === 'Allow' && conditionsHold(s, provider, claims, true));
}

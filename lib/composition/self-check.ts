/**
 * The self-check wired to the service's token sources: for every trusted issuer, where its token stands (set, the
 * stack's placeholder, unreadable, anonymous), then the probes of lib/adapters/gitlab-self-check.ts, judged by
 * lib/core/self-check.ts. The Lambdas run it once per container (metric SelfCheckFailures); `oidc-watch doctor`
 * runs the same function.
 */
import { probeGitLabIssuer } from '../adapters/gitlab-self-check';
import { resolveGitLabToken } from '../adapters/gitlab-token';
import type { Config, TrustedIssuer } from '../core/config';
import { OidcWatchError } from '../core/errors';
import { unavailableGitLabPort } from '../core/gitlab-port';
import {
  isPlaceholderToken,
  judgeSelfCheck,
  pinnedProjectsFor,
  type SelfCheckReport,
  type TokenState,
} from '../core/self-check';
import { type CountingDirectory, type TokenOptions, tokenSourceFor } from './engine';

export interface SelfCheckOptions extends TokenOptions {
  /** Issuers whose secret holds the stack's generated placeholder until a token is stored (GITLAB_TOKEN_GENERATED). */
  readonly generatedTokenIssuers?: readonly string[];
  /** Per probe; default 5 s. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Where the placeholder sits, for the message that says how to replace it. */
function secretOf(issuer: TrustedIssuer, o: TokenOptions): string {
  return o.secretOverrides?.[issuer.issuer] ?? `the token secret of ${issuer.issuer}`;
}

/** The token of one issuer and where it stands; never throws for a source that cannot be read. */
export async function tokenStateOf(
  issuer: TrustedIssuer,
  index: number,
  o: SelfCheckOptions,
): Promise<{ readonly state: TokenState; readonly token: string | undefined }> {
  let token: string | undefined;
  try {
    token = await resolveGitLabToken(tokenSourceFor(issuer, o.secretOverrides ?? {}), {
      env: o.env,
      ...(o.readSecret ? { readSecret: o.readSecret } : {}),
      key: `trustedIssuers[${index}].token`,
    });
  } catch (error) {
    // ConfigError, EnvironmentError, SecretReadError: the message names the variable, file or secret, never a value.
    if (!(error instanceof OidcWatchError)) throw error;
    return { state: { state: 'unreadable', detail: `${error.name}: ${error.message}` }, token: undefined };
  }
  if (token === undefined) return { state: { state: 'anonymous' }, token };
  if (o.generatedTokenIssuers?.includes(issuer.issuer) === true && isPlaceholderToken(token))
    return { state: { state: 'placeholder', where: secretOf(issuer, o) }, token: undefined };
  return { state: { state: 'set' }, token };
}

/** Runs every probe of every trusted issuer and judges them. */
export async function runSelfCheck(config: Config, o: SelfCheckOptions): Promise<SelfCheckReport> {
  const probes = await Promise.all(
    config.trustedIssuers.map(async (issuer, index) => {
      const { state, token } = await tokenStateOf(issuer, index, o);
      return probeGitLabIssuer({
        issuer: issuer.issuer,
        apiUrl: issuer.apiUrl,
        token: state,
        ...(token === undefined ? {} : { tokenValue: token }),
        pinnedProjectIds: pinnedProjectsFor(config, issuer.issuer),
        timeoutMs: o.timeoutMs ?? 5_000,
        ...(o.fetch ? { fetch: o.fetch } : {}),
      });
    }),
  );
  return judgeSelfCheck(config, probes);
}

/** The message every lookup of an issuer answers while its token is the stack's placeholder. */
export function tokenNotSetDetail(issuer: string, where: string): string {
  return (
    `the GitLab token for ${issuer} is not set: ${where} still holds the placeholder generated at deploy ` +
    `(store a read_api token with aws secretsmanager put-secret-value --secret-id ${where})`
  );
}

/**
 * A directory in which the issuers whose token is not set answer every lookup `unavailable` with the reason, so that
 * their verdicts say WHY they are unverified instead of reporting GitLab's 401.
 */
export function withTokensNotSet(
  directory: CountingDirectory,
  notSet: ReadonlyMap<string, string>,
): CountingDirectory {
  if (notSet.size === 0) return directory;
  return {
    forIssuer: (issuer) => {
      const detail = notSet.get(issuer.replace(/\/+$/, ''));
      return detail === undefined ? directory.forIssuer(issuer) : unavailableGitLabPort(detail);
    },
    stats: () => directory.stats(),
  };
}

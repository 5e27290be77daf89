/**
 * The CLI's self-check (what `oidc-watch doctor` prints, and what evaluate and hunt run before judging): resolves each
 * issuer's token, probes GitLab (lib/adapters/gitlab-self-check.ts, shared with the Lambda's init check) and judges
 * the answers (lib/core/self-check.ts). The CLI adds one decision: which findings make judging pointless or harmful.
 */
import { probeGitLabIssuer } from '../../lib/adapters/gitlab-self-check';
import { resolveGitLabToken } from '../../lib/adapters/gitlab-token';
import { lazySecretReader } from '../../lib/composition';
import type { Config, TrustedIssuer } from '../../lib/core/config';
import { EnvironmentError, OidcWatchError } from '../../lib/core/errors';
import {
  isPlaceholderToken,
  judgeSelfCheck,
  pinnedProjectsFor,
  type SelfCheckFinding,
  type SelfCheckReport,
  type TokenState,
} from '../../lib/core/self-check';
import type { CliIo } from './io';

/** The self-check found a misconfiguration that would turn into wrong verdicts: the CLI refuses to judge. */
export class SelfCheckRefusedError extends OidcWatchError {}

/**
 * Findings that do NOT stop a run: GitLab not answering is an outage, and its verdicts are honestly unverified; an
 * unset token variable affects only its issuer, whose verdicts say why they are unverified. Every other error (an
 * apiUrl that is not GitLab's API, a rejected or placeholder token, no read_api, an invisible pinned project) would
 * turn the CLI's own misconfiguration into false alerts or blanket unverified verdicts.
 */
const NOT_BLOCKING: ReadonlySet<SelfCheckFinding['code']> = new Set([
  'API_UNREACHABLE',
  'TOKEN_UNREADABLE',
  'TOKEN_ANONYMOUS',
]);

export function blocksJudging(f: SelfCheckFinding): boolean {
  return f.level === 'error' && !NOT_BLOCKING.has(f.code);
}

function sourceName(issuer: TrustedIssuer): string {
  const t = issuer.token;
  if (t === undefined) return 'GITLAB_TOKEN';
  if ('env' in t) return `environment variable ${t.env}`;
  if ('file' in t) return `token file ${t.file}`;
  return 'secretArn' in t ? t.secretArn : t.secretName;
}

async function tokenOf(
  issuer: TrustedIssuer,
  index: number,
  env: NodeJS.ProcessEnv,
  readSecret: (id: string) => Promise<string>,
): Promise<{ token: TokenState; tokenValue?: string }> {
  try {
    const value = await resolveGitLabToken(issuer.token, {
      env,
      readSecret,
      key: `trustedIssuers[${index}].token`,
    });
    if (value === undefined) return { token: { state: 'anonymous' } };
    if (isPlaceholderToken(value)) return { token: { state: 'placeholder', where: sourceName(issuer) } };
    return { token: { state: 'set' }, tokenValue: value };
  } catch (e) {
    if (e instanceof EnvironmentError) return { token: { state: 'unreadable', detail: e.message } };
    throw e;
  }
}

export async function runSelfCheck(
  config: Config,
  env: NodeJS.ProcessEnv,
  readSecret: (id: string) => Promise<string> = lazySecretReader(),
): Promise<SelfCheckReport> {
  const probes = await Promise.all(
    config.trustedIssuers.map(async (issuer, index) =>
      probeGitLabIssuer({
        issuer: issuer.issuer,
        apiUrl: issuer.apiUrl,
        ...(await tokenOf(issuer, index, env, readSecret)),
        pinnedProjectIds: pinnedProjectsFor(config, issuer.issuer),
        timeoutMs: issuer.lookupTimeoutMs,
      }),
    ),
  );
  return judgeSelfCheck(config, probes);
}

export function renderFinding(f: SelfCheckFinding): string {
  const mark = f.level === 'error' ? (blocksJudging(f) ? 'FAIL' : 'ERR ') : 'WARN';
  const note =
    f.level === 'error' && !blocksJudging(f)
      ? ' (judging goes on: verdicts that need this GitLab will be unverified, and say why)'
      : '';
  return `${mark}  ${f.issuer}  ${f.code}: ${f.message}${note}\n`;
}

/**
 * Before judging: prints what is wrong, and refuses when judging would turn the CLI's own misconfiguration into
 * wrong verdicts. `--no-self-check` skips it (replays without network, a known and accepted problem).
 */
export async function preflight(
  config: Config,
  io: CliIo,
  options: { skip: boolean; quiet: boolean; verbose: boolean },
): Promise<void> {
  if (options.skip) return;
  const report = await runSelfCheck(config, io.env);
  for (const f of report.findings) {
    if (f.level === 'warning' && options.quiet) continue;
    io.stderr.write(`self-check: ${renderFinding(f)}`);
  }
  if (options.verbose)
    for (const issuer of report.healthyIssuers)
      io.stderr.write(`self-check: ok    ${issuer}: API, token and pinned projects\n`);
  if (report.findings.some(blocksJudging)) {
    throw new SelfCheckRefusedError(
      'refusing to judge: the self-check found a misconfiguration (FAIL above) that would turn into false alerts ' +
        "or unverified verdicts. Fix it (see 'oidc-watch doctor'), or pass --no-self-check to judge anyway",
    );
  }
}

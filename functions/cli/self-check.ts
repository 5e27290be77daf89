/**
 * The CLI's self-check (what `oidc-watch doctor` prints, and what evaluate and hunt run before judging): resolves each
 * issuer's token, asks GitLab (lib/adapters/gitlab-self-check.ts) and judges the answers (lib/core/self-check.ts).
 */
import type { Config } from '../../lib/core/config';
import { EnvironmentError, OidcWatchError } from '../../lib/core/errors';
import {
  isPlaceholderToken,
  judgeSelfCheck,
  pinnedProjectIds,
  type SelfCheckFinding,
  type SelfCheckReport,
  type TokenState,
} from '../../lib/core/self-check';
import { runGitLabSelfCheck } from '../../lib/adapters/gitlab-self-check';
import { resolveGitLabToken } from '../../lib/adapters/gitlab-token';
import { lazySecretsManagerReader } from './engine';
import type { CliIo } from './io';

/** The self-check found a misconfiguration that would turn into wrong verdicts: the CLI refuses to judge. */
export class SelfCheckRefusedError extends OidcWatchError {}

async function tokenOf(
  config: Config,
  index: number,
  env: NodeJS.ProcessEnv,
  readSecret: (id: string) => Promise<string>,
): Promise<{ state: TokenState; value?: string }> {
  const issuer = config.trustedIssuers[index];
  try {
    const value = await resolveGitLabToken(issuer?.token, {
      env,
      readSecret,
      key: `trustedIssuers[${index}].token`,
    });
    if (value === undefined) return { state: { state: 'anonymous' } };
    if (isPlaceholderToken(value)) return { state: { state: 'placeholder' } };
    return { state: { state: 'present' }, value };
  } catch (e) {
    if (e instanceof EnvironmentError) return { state: { state: 'missing', detail: e.message } };
    throw e;
  }
}

export async function runSelfCheck(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: { readSecret?: (id: string) => Promise<string>; now?: Date } = {},
): Promise<SelfCheckReport> {
  const readSecret = options.readSecret ?? lazySecretsManagerReader();
  const probes = await Promise.all(
    config.trustedIssuers.map(async (issuer, index) =>
      runGitLabSelfCheck(
        issuer,
        await tokenOf(config, index, env, readSecret),
        pinnedProjectIds(config, issuer.issuer),
      ),
    ),
  );
  return judgeSelfCheck(config, probes, (options.now ?? new Date()).toISOString().slice(0, 10));
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function renderFinding(f: SelfCheckFinding): string {
  return `${MARK[f.status]}  ${f.issuer ?? 'config'}  ${f.check}: ${f.message}\n`;
}

/**
 * Before judging: prints what is wrong (everything with --verbose), and refuses when judging would turn the CLI's
 * own misconfiguration into wrong verdicts. `--no-self-check` skips it (for air-gapped replays and known outages).
 */
export async function preflight(
  config: Config,
  io: CliIo,
  options: { skip: boolean; quiet: boolean; verbose: boolean },
): Promise<void> {
  if (options.skip) return;
  const report = await runSelfCheck(config, io.env);
  for (const f of report.findings) {
    if (f.status === 'ok' && !options.verbose) continue;
    if (f.status === 'warn' && options.quiet) continue;
    io.stderr.write(`self-check: ${renderFinding(f)}`);
  }
  if (report.blocksJudging) {
    throw new SelfCheckRefusedError(
      'refusing to judge: the self-check found a misconfiguration (FAIL above) that would turn into false alerts ' +
        "or unverified verdicts. Fix it (see 'oidc-watch doctor'), or pass --no-self-check to judge anyway",
    );
  }
}

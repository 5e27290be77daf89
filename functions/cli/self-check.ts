/**
 * The CLI's self-check (what `oidc-watch doctor` prints, and what evaluate and hunt run before judging): the service's
 * own (lib/composition/self-check.ts, as the Lambdas run it at init). The CLI adds one decision: which findings make
 * judging pointless or harmful.
 */
import { lazySecretReader, runSelfCheck as runServiceSelfCheck } from '../../lib/composition';
import type { Config } from '../../lib/core/config';
import { OidcWatchError } from '../../lib/core/errors';
import type { SelfCheckFinding, SelfCheckReport } from '../../lib/core/self-check';
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

/** The service's self-check (lib/composition), with the CLI's token sources: the same checks as the Lambda's. */
export function runSelfCheck(
  config: Config,
  env: NodeJS.ProcessEnv,
  readSecret: (id: string) => Promise<string> = lazySecretReader(),
): Promise<SelfCheckReport> {
  const timeoutMs = Math.max(...config.trustedIssuers.map((i) => i.lookupTimeoutMs));
  return runServiceSelfCheck(config, { env, readSecret, timeoutMs });
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

import { parseArgs } from 'node:util';
import { loadCliConfig } from '../config';
import { EXIT, type CliIo } from '../io';
import { pinnedProjectsFor } from '../../../lib/core/self-check';
import { blocksJudging, renderFinding, runSelfCheck } from '../self-check';

export const DOCTOR_HELP = `Usage: oidc-watch doctor [--config FILE] [--json]

Checks that this configuration, with these tokens, can judge at all, before a wrong verdict says so:
  config    the file is valid (schema, issuers, session-name patterns; as 'oidc-watch validate')
  api       GitLab's REST API answers at each trusted issuer's apiUrl (GET /version; an apiUrl without /api/v4
            would turn every production assumption into a false PROJECT_NOT_ALLOWED alert)
  token     the token is set, not a placeholder, and accepted (401 = revoked, expired or placeholder)
  scopes    the token has read_api and is active (GET /personal_access_tokens/self, for personal, project and
            group access tokens)
  project   each pinned project id (allowedProjectIds of every role that accepts the issuer) is visible to it

evaluate and hunt run the same checks before judging and refuse when one would turn into wrong verdicts
(--no-self-check judges anyway). A missing token variable is reported, but affects only its issuer.

Options:
  -c, --config FILE   policy file (default as for evaluate)
      --json          one JSON object: {config, findings: [{issuer, code, level, message}], errors,
                      healthyIssuers, blocksJudging}
  -h, --help          this help

Lines start with ok, WARN, ERR (reported; judging goes on: GitLab unreachable, a token variable unset) or FAIL
(evaluate and hunt refuse to judge). Codes: TOKEN_NOT_SET, TOKEN_UNREADABLE, TOKEN_ANONYMOUS, API_UNREACHABLE,
API_NOT_GITLAB, TOKEN_REJECTED, TOKEN_SCOPE, PROJECT_NOT_VISIBLE.

Exit status: 0 no error (warnings allowed); 2 at least one error, or a usage or configuration error.
`;

export async function runDoctor(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(DOCTOR_HELP);
    return EXIT.clean;
  }
  const { config, path } = loadCliConfig(values.config, io.env, io.cwd);
  const report = await runSelfCheck(config, io.env);
  const blocking = report.findings.some(blocksJudging);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ config: path, ...report, blocksJudging: blocking })}\n`);
    return report.errors === 0 ? EXIT.clean : EXIT.error;
  }
  io.stdout.write(
    `ok    config  ${path}: valid (${config.trustedIssuers.length} trusted issuer(s), ${config.productionRoles.length} production role(s))\n`,
  );
  for (const issuer of config.trustedIssuers) {
    const own = report.findings.filter((f) => f.issuer === issuer.issuer);
    if (report.healthyIssuers.includes(issuer.issuer))
      io.stdout.write(
        `ok    ${issuer.issuer}  GitLab answers at ${issuer.apiUrl}, accepts the token, and shows the ` +
          `${pinnedProjectsFor(config, issuer.issuer).length} pinned project(s)\n`,
      );
    for (const f of own) io.stdout.write(renderFinding(f));
  }
  const warnings = report.findings.length - report.errors;
  io.stdout.write(
    report.errors === 0
      ? `doctor: healthy${warnings > 0 ? ` (${warnings} warning(s))` : ''}\n`
      : `doctor: ${report.errors} problem(s)${blocking ? '; evaluate and hunt refuse to judge until the FAIL ones are fixed' : ''}\n`,
  );
  return report.errors === 0 ? EXIT.clean : EXIT.error;
}

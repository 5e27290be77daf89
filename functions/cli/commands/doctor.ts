import { parseArgs } from 'node:util';
import { loadCliConfig } from '../config';
import { EXIT, type CliIo } from '../io';
import { renderFinding, runSelfCheck } from '../self-check';

export const DOCTOR_HELP = `Usage: oidc-watch doctor [--config FILE] [--json]

Checks that this configuration, with these tokens, can judge at all, before a wrong verdict says so:
  config    the file is valid (schema, issuers, session-name patterns; as 'oidc-watch validate')
  api       GitLab's REST API answers at each trusted issuer's apiUrl (GET /version; an apiUrl without /api/v4
            would turn every production assumption into a false PROJECT_NOT_ALLOWED alert)
  token     the token is set, not a placeholder, and accepted (401 = revoked, expired or placeholder)
  scopes    the token has read_api (GET /personal_access_tokens/self, for personal, project and group access
            tokens), is active, and does not expire within 14 days
  project   each pinned project id (allowedProjectIds of every role that accepts the issuer) is visible to it

evaluate and hunt run the same checks before judging and refuse when one would turn into wrong verdicts
(--no-self-check judges anyway). A missing token variable is reported, but affects only its issuer.

Options:
  -c, --config FILE   policy file (default as for evaluate)
      --json          one JSON object: {healthy, blocksJudging, findings: [{issuer, check, status, message}]}
  -h, --help          this help

Exit status: 0 nothing failed (warnings allowed); 2 something failed, or a usage or configuration error.
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
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ config: path, ...report })}\n`);
  } else {
    io.stdout.write(
      `ok    config  ${path}: valid (${config.trustedIssuers.length} trusted issuer(s), ${config.productionRoles.length} production role(s))\n`,
    );
    for (const f of report.findings) io.stdout.write(renderFinding(f));
    const fails = report.findings.filter((f) => f.status === 'fail').length;
    const warns = report.findings.filter((f) => f.status === 'warn').length;
    io.stdout.write(
      fails === 0
        ? `doctor: healthy${warns > 0 ? ` (${warns} warning(s))` : ''}\n`
        : `doctor: ${fails} problem(s)${report.blocksJudging ? '; evaluate and hunt will refuse to judge until they are fixed' : ''}\n`,
    );
  }
  return report.healthy ? EXIT.clean : EXIT.error;
}

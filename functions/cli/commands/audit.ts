import { parseArgs } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { buildAuditor, fileAuditSource, liveAuditSource, offlineAuditor } from '../../../lib/composition';
import type { Config } from '../../../lib/core/config';
import type { RoleOutcome } from '../../../lib/core/trust-policy/audit';
import { runAudit } from '../../../lib/core/trust-policy/run';
import type { RoleSource } from '../../../lib/core/trust-policy/source';
import { parseFormat, resolveInputs, secondsSince } from '../args';
import { renderAuditSummary, ReportWriter } from '../audit-output';
import { loadCliConfig } from '../config';
import { EXIT, runExitCode, type CliIo } from '../io';

export const AUDIT_HELP = `Usage: oidc-watch audit [--config FILE] [--from FILE...] [--format json|table|csv] [--offline]

Lists every IAM role a GitLab OIDC provider (a trusted issuer of the config, or gitlab.com) can assume, what its
trust policy really admits (projects, refs, ref types, audiences, pipeline sources), whether a production role
pattern watches it, findings with stable codes and severities, and a suggested hardened trust policy for each
exposed role (for review: never applied). Roles of other identity providers are counted, not audited.

Input:
  (default)           live IAM (ListRoles) with the default AWS credential chain; with audit.memberRoleName in the
                      config, every account of audit.accounts and/or the organization (audit.organizationAccounts)
                      through sts:AssumeRole into that read-only role
  --from FILE         the JSON of 'aws iam get-account-authorization-details' (or 'aws iam list-roles') for one
                      account; repeatable. Trust policies decoded or URL-encoded.

Options:
  -c, --config FILE   policy file (YAML or JSON). Default: $OIDC_WATCH_CONFIG_FILE, else ./oidc-watch.config.yaml
  -f, --format FMT    json (JSON Lines, default when stdout is not a terminal) | table (default on a terminal) | csv
      --offline       no GitLab lookups (no token needed): findings that need GitLab facts become AUDIT_INCOMPLETE
  -h, --help          this help

GitLab (project path -> id, protected branches/tags) is read with the config's token per trusted issuer (read_api).

Status: exposed (a high or critical finding), review (lower findings only), hardened (none). A summary goes to stderr.
Exit status: 0 no role exposed; 1 at least one role exposed; 2 usage, configuration or input errors (an account or
file could not be read; reports for the rest are still printed); 3 both 1 and 2, as for every command.

Examples:
  aws iam get-account-authorization-details --filter Role > acct.json
  oidc-watch audit -c oidc-watch.config.yaml --from acct.json
  oidc-watch audit -c examples/oidc-watch.config.yaml --from examples/audit/account-123456789012.json --offline
  oidc-watch audit -c oidc-watch.config.yaml --format json | jq 'select(.status=="exposed") | .suggestedTrustPolicy'
`;

/** Live IAM through the composition module; clients are created on first use (a --from run needs none). */
export function liveSource(config: Config): Promise<RoleSource> {
  let sts: STSClient | undefined;
  let iam: IAMClient | undefined;
  let organizations: OrganizationsClient | undefined;
  return liveAuditSource(config, {
    sts: () => (sts ??= new STSClient({})),
    iam: () => (iam ??= new IAMClient({})),
    organizations: () => (organizations ??= new OrganizationsClient({})),
  });
}

export interface AuditCommandDeps {
  /** The live source; injected by tests (aws-sdk-client-mock works on the default clients too). */
  readonly live?: (config: Config) => Promise<RoleSource>;
}

export async function runAuditCommand(
  argv: readonly string[],
  io: CliIo,
  deps: AuditCommandDeps = {},
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      from: { type: 'string', multiple: true },
      offline: { type: 'boolean' },
      format: { type: 'string', short: 'f' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(AUDIT_HELP);
    return EXIT.clean;
  }
  const format = parseFormat(values.format, io.stdout.isTTY === true);
  const { config } = loadCliConfig(values.config, io.env, io.cwd);
  const started = process.hrtime.bigint();
  const auditor = values.offline ? offlineAuditor(config) : await buildAuditor(config, { env: io.env });
  const source =
    values.from && values.from.length > 0
      ? fileAuditSource(resolveInputs(values.from, io.cwd))
      : await (deps.live ?? liveSource)(config);
  const writer = new ReportWriter(format, io.stdout);
  const counts = await runAudit(source, auditor.deps, {
    onOutcome: (o: RoleOutcome) => {
      if (o.kind === 'audited') writer.write(o.report);
      else if (o.kind === 'error') io.stderr.write(`error: ${o.message}\n`);
    },
    onSourceError: (s, message) => io.stderr.write(`error: ${s}: ${message}\n`),
  });
  writer.end();
  io.stderr.write(renderAuditSummary(counts, auditor.gitlabRequests(), secondsSince(started)));
  return runExitCode(counts.exposed, counts.errors);
}

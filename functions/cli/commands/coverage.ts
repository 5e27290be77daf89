/**
 * `oidc-watch coverage`: every active account of the organization × every region asked for, and whether its default
 * bus hands AssumeRoleWithWebIdentity events to the service (forwarder to the central bus, or the stack deployed
 * locally), read from the rules actually deployed there. "Could not read" is reported as a gap, never as covered.
 */
import { parseArgs } from 'node:util';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { type CoverageReader, createCoverageReader } from '../../../lib/adapters/coverage';
import { classifyCoverage, COVERED, type CoverageCell, type CoverageRow } from '../../../lib/core/coverage';
import { loadCliConfig } from '../config';
import { type CliIo, EXIT, UsageError } from '../io';
import { plainText } from '../../../lib/core/render/escape';

export const COVERAGE_HELP = `Usage: oidc-watch coverage --region REGION... [options]

Lists every active account of the organization and, for each region, whether AssumeRoleWithWebIdentity events
there reach the service: read from the EventBridge rules deployed on that account's default bus, through a role
assumed in each account. Run it with credentials of the management account or of a delegated administrator for
AWS Organizations.

Status per account and region:
  forwarding    a rule in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS forwards to the central bus
  local         such a rule targets a Lambda function (the stack deployed in that account and region)
  wrong-target  such a rule exists but targets neither the central bus nor a function
  wrong-state   a matching rule is in another state (plain ENABLED never receives read-only management events)
  missing       no rule matches AssumeRoleWithWebIdentity
  unreadable    the role could not be assumed or the rules could not be read (a gap until shown otherwise)
  excluded      listed in deployment.organization.forwarderStackSet.excludeAccounts (e.g. the security account)

Options:
      --region REGION     repeatable; default: the config's forwarderStackSet.regions
      --central-bus ARN   the stack output OrganizationBusArn; without it any bus target counts as forwarding
      --role-name NAME    role assumed in each account (default OrganizationAccountAccessRole); it needs only
                          events:ListRules and events:ListTargetsByRule
      --account ID        repeatable: only these accounts
  -c, --config FILE       optional: regions and excluded accounts from deployment.organization
  -f, --format FMT        table (default) | json (JSON Lines, one row per account and region)
  -h, --help              this help

Exit status: 0 every account and region covered; 1 at least one gap (wrong-*, missing, unreadable); 2 usage or
AWS errors that stopped the check (e.g. ListAccounts denied).
`;

function parseCoverageArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      region: { type: 'string', multiple: true },
      'central-bus': { type: 'string' },
      'role-name': { type: 'string' },
      account: { type: 'string', multiple: true },
      config: { type: 'string', short: 'c' },
      format: { type: 'string', short: 'f' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new UsageError(`--format must be table or json, not '${format}'`);
  return { ...values, format };
}

export interface CoverageDeps {
  /** Tests inject a reader over mocked clients. */
  readonly reader?: CoverageReader;
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function checkCell(reader: CoverageReader, accountId: string, region: string, bus: string | undefined) {
  try {
    return classifyCoverage(await reader.readRules(accountId, region), bus);
  } catch (error) {
    const cell: CoverageCell = { status: 'unreadable', rule: null, detail: describeFailure(error) };
    return cell;
  }
}

function renderTable(rows: readonly CoverageRow[]): string {
  const header = ['ACCOUNT', 'NAME', 'REGION', 'STATUS', 'DETAIL'];
  const cells = rows.map((r) =>
    [r.accountId, r.accountName, r.region, r.status, r.detail].map((v) => plainText(v, 120)),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

export async function runCoverage(
  argv: readonly string[],
  io: CliIo,
  deps: CoverageDeps = {},
): Promise<number> {
  const args = parseCoverageArgs(argv);
  if (args.help) {
    io.stdout.write(COVERAGE_HELP);
    return EXIT.clean;
  }
  const stackSet = args.config
    ? loadCliConfig(args.config, io.env, io.cwd).config.deployment?.organization?.forwarderStackSet
    : undefined;
  const regions = args.region ?? stackSet?.regions ?? [];
  if (regions.length === 0)
    throw new UsageError('give at least one --region (or a config with forwarderStackSet.regions)');
  const excluded = new Set(stackSet?.excludeAccounts ?? []);
  const reader =
    deps.reader ??
    createCoverageReader({
      organizations: new OrganizationsClient({}),
      sts: new STSClient({}),
      roleName: args['role-name'] ?? 'OrganizationAccountAccessRole',
    });

  const only = new Set(args.account ?? []);
  const accounts = (await reader.listAccounts()).filter(
    (a) => a.state === 'ACTIVE' && (only.size === 0 || only.has(a.id)),
  );
  const rows: CoverageRow[] = [];
  for (const account of accounts) {
    const cells = await Promise.all(
      regions.map((region) =>
        excluded.has(account.id)
          ? Promise.resolve<CoverageCell>({
              status: 'excluded',
              rule: null,
              detail: 'excluded by the config',
            })
          : checkCell(reader, account.id, region, args['central-bus']),
      ),
    );
    cells.forEach((cell, i) =>
      rows.push({ accountId: account.id, accountName: account.name, region: regions[i] ?? '', ...cell }),
    );
  }
  io.stdout.write(
    args.format === 'json'
      ? rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : '')
      : `${renderTable(rows)}\n`,
  );
  const gaps = rows.filter((r) => !COVERED.has(r.status)).length;
  io.stderr.write(
    `${accounts.length} accounts × ${regions.length} regions: ${rows.length - gaps} covered, ${gaps} gaps\n`,
  );
  return gaps === 0 ? EXIT.clean : EXIT.findings;
}

/**
 * `oidc-watch athena-sql`: plan (arguments; pure) -> build (config) -> run (print the statements the stack deploys).
 */
import { parseArgs } from 'node:util';
import {
  type AthenaSettings,
  CLOUDTRAIL_TABLE,
  DECISION_TABLE,
  DEFAULT_DATABASE,
  cloudTrailTableDefinition,
  createDecisionLatestViewStatement,
  createTableStatement,
  decisionTableDefinition,
  namedQueries,
} from '../../../lib/athena';
import type { Config } from '../../../lib/core/config';
import { parsePositiveInt } from '../args';
import { loadCliConfig } from '../config';
import { EXIT, UsageError, type CliIo } from '../io';

export const ATHENA_SQL_HELP = `Usage: oidc-watch athena-sql [--config FILE] [--decision-bucket B] [--lookback-days N]

Prints the Athena DDL (CloudTrail table with partition projection, decision-log table) and the named queries, built
from the config's deployment.athena section by the same code the stack deploys them with. For teams that run Athena
outside the stack, and for review.

Options:
  -c, --config FILE        policy file with deployment.athena (default as for evaluate)
      --database NAME      Glue database (default ${DEFAULT_DATABASE})
      --decision-bucket B  decision-log bucket (default $DECISION_LOG_BUCKET; omit to skip the decision table)
      --decision-prefix P  decision-log prefix (default decisions/)
      --lookback-days N    how far back the named queries look (default 30)
  -h, --help               this help
`;

export interface AthenaSqlPlan {
  readonly configFlag: string | undefined;
  readonly database: string;
  readonly lookbackDays: number;
  /** Omitted: no decision table. */
  readonly decisionLog: { readonly bucket: string; readonly prefix: string } | undefined;
}

/** Pure: the arguments (and DECISION_LOG_BUCKET), checked. */
export function planAthenaSql(argv: readonly string[], env: NodeJS.ProcessEnv): AthenaSqlPlan | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      database: { type: 'string' },
      'decision-bucket': { type: 'string' },
      'decision-prefix': { type: 'string' },
      'lookback-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const bucket = values['decision-bucket'] ?? env.DECISION_LOG_BUCKET;
  return {
    configFlag: values.config,
    database: values.database ?? DEFAULT_DATABASE,
    lookbackDays: parsePositiveInt('--lookback-days', values['lookback-days'], 30),
    decisionLog: bucket ? { bucket, prefix: values['decision-prefix'] ?? 'decisions/' } : undefined,
  };
}

/** The statements for a config: CloudTrail table, decision table (when a bucket is known), named queries. */
export function athenaStatements(config: Config, athena: AthenaSettings, plan: AthenaSqlPlan): string[] {
  const out: string[] = [createTableStatement(plan.database, cloudTrailTableDefinition(athena))];
  if (plan.decisionLog) {
    const def = decisionTableDefinition({
      ...plan.decisionLog,
      startDate: athena.projectionStartDate.replace(/\//g, '-'),
    });
    out.push(createTableStatement(plan.database, def));
    out.push(createDecisionLatestViewStatement(plan.database, DECISION_TABLE));
  }
  for (const q of namedQueries({
    database: plan.database,
    cloudTrailTable: CLOUDTRAIL_TABLE,
    decisionTable: DECISION_TABLE,
    productionRoleArns: config.productionRoles.flatMap((r) => r.roleArns),
    gitLabIssuers: config.trustedIssuers.map((i) => i.issuer),
    lookbackDays: plan.lookbackDays,
  })) {
    out.push(`-- Named query: ${q.name}\n-- ${q.description}\n${q.sql.trimEnd()};`);
  }
  return out;
}

export async function runAthenaSql(argv: readonly string[], io: CliIo): Promise<number> {
  const plan = planAthenaSql(argv, io.env);
  if (plan === 'help') {
    io.stdout.write(ATHENA_SQL_HELP);
    return EXIT.clean;
  }
  const { config, path } = loadCliConfig(plan.configFlag, io.env, io.cwd);
  const athena = config.deployment?.athena;
  if (!athena) throw new UsageError(`${path} has no deployment.athena section (bucket, accounts, regions)`);
  io.stdout.write(`${athenaStatements(config, athena, plan).join('\n\n')}\n`);
  return EXIT.clean;
}

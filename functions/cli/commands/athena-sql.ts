import { parseArgs } from 'node:util';
import {
  CLOUDTRAIL_TABLE,
  DECISION_TABLE,
  DEFAULT_DATABASE,
  cloudTrailTableDefinition,
  createTableStatement,
  decisionTableDefinition,
  namedQueries,
} from '../../../lib/athena';
import { loadCliConfig } from '../config';
import { EXIT, UsageError, type CliIo } from '../io';
import { parsePositiveInt } from './evaluate';

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

export async function runAthenaSql(argv: readonly string[], io: CliIo): Promise<number> {
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
  if (values.help) {
    io.stdout.write(ATHENA_SQL_HELP);
    return EXIT.clean;
  }
  const { config, path } = loadCliConfig(values.config, io.env, io.cwd);
  const athena = config.deployment?.athena;
  if (!athena) throw new UsageError(`${path} has no deployment.athena section (bucket, accounts, regions)`);
  const database = values.database ?? DEFAULT_DATABASE;
  const lookbackDays = parsePositiveInt('--lookback-days', values['lookback-days'], 30);
  const out: string[] = [`${createTableStatement(database, cloudTrailTableDefinition(athena))}`];
  const bucket = values['decision-bucket'] ?? io.env.DECISION_LOG_BUCKET;
  if (bucket) {
    const def = decisionTableDefinition({
      bucket,
      prefix: values['decision-prefix'] ?? 'decisions/',
      startDate: athena.projectionStartDate.replace(/\//g, '-'),
    });
    out.push(createTableStatement(database, def));
  }
  for (const q of namedQueries({
    database,
    cloudTrailTable: CLOUDTRAIL_TABLE,
    decisionTable: DECISION_TABLE,
    productionRoleArns: config.productionRoles.flatMap((r) => r.roleArns),
    gitLabIssuers: config.trustedIssuers.map((i) => i.issuer),
    lookbackDays,
  })) {
    out.push(`-- Named query: ${q.name}\n-- ${q.description}\n${q.sql.trimEnd()};`);
  }
  io.stdout.write(`${out.join('\n\n')}\n`);
  return EXIT.clean;
}

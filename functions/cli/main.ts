/**
 * `oidc-watch`: the command-line entry point. Thin: parses the command, runs it, maps errors to exit codes.
 */
import { ConfigError, EnvironmentError, OidcWatchError } from '../../lib/core/errors';
import { configJsonSchema } from '../../lib/core/config';
import { EXIT, UsageError, processIo, type CliIo } from './io';

export const VERSION = '0.1.0';

export const MAIN_HELP = `oidc-watch ${VERSION}: which GitLab CI pipeline took your production AWS role?

Joins CloudTrail AssumeRoleWithWebIdentity records with GitLab's record of the pipeline and judges each
assumption against your policy (protected refs, pipeline sources, pinned project IDs, audiences, issuers).

Usage: oidc-watch <command> [options]

Commands:
  evaluate [PATH... | -]   judge CloudTrail records from files, directories or stdin
  hunt                     judge history from Athena, CloudTrail LookupEvents or local files (with --reconcile)
  audit                    which IAM roles GitLab can assume, what their trust policies admit, findings
  athena-sql               print the Athena DDL and named queries for the config's deployment.athena
  schema                   print the config file's JSON Schema
  help [command]           help for a command

Run 'oidc-watch <command> --help' for its options. Exit status: 0 clean, 1 alert/unverified, 2 error.
`;

/** node:util parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_*: they are usage errors. */
function isParseArgsError(e: unknown): e is Error & { code: string } {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'evaluate':
        return await (await import('./commands/evaluate')).runEvaluate(rest, io);
      case 'hunt':
        return await (await import('./commands/hunt')).runHunt(rest, io);
      case 'athena-sql':
        return await (await import('./commands/athena-sql')).runAthenaSql(rest, io);
      case 'audit':
        return await (await import('./commands/audit')).runAuditCommand(rest, io);
      case 'schema':
        io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
        return EXIT.clean;
      case '--version':
      case '-V':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.clean;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        if (rest[0] === 'evaluate' || rest[0] === 'hunt' || rest[0] === 'athena-sql' || rest[0] === 'audit')
          return await main([rest[0], '--help'], io);
        io.stdout.write(MAIN_HELP);
        return command === undefined ? EXIT.error : EXIT.clean;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.stderr.write(
        `oidc-watch: ${e.message}\nRun 'oidc-watch ${command && command !== 'help' ? `${command} ` : ''}--help' for usage.\n`,
      );
      return EXIT.error;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`oidc-watch: configuration error${e.key ? ` at '${e.key}'` : ''}: ${e.message}\n`);
      return EXIT.error;
    }
    if (e instanceof EnvironmentError) {
      io.stderr.write(`oidc-watch: ${e.message}\n`);
      return EXIT.error;
    }
    if (e instanceof OidcWatchError) {
      io.stderr.write(`oidc-watch: ${e.name}: ${e.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(
      `oidc-watch: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT.error;
  }
}

/* istanbul ignore next: process entry */
if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`oidc-watch: ${String(e)}\n`);
      process.exitCode = EXIT.error;
    },
  );
}

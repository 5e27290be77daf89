/**
 * `oidc-watch`: the command-line entry point. Thin: parses the command, runs it, maps errors to exit codes.
 */
import { ConfigError, EnvironmentError, OidcWatchError } from '../../lib/core/errors';
import { configJsonSchema } from '../../lib/core/config';
import { parseArgs } from 'node:util';
import { EXIT, EXIT_HELP, UsageError, type CliIo } from './io';
import { SelfCheckRefusedError } from './self-check';

export const VERSION = '0.1.0';

export const MAIN_HELP = `oidc-watch ${VERSION}: which GitLab CI pipeline took your production AWS role?

Joins CloudTrail AssumeRoleWithWebIdentity records with GitLab's record of the pipeline and judges each
assumption against your policy (protected refs, pipeline sources, pinned project IDs, audiences, issuers).

Usage: oidc-watch <command> [options]

Commands:
  evaluate [PATH... | -]   judge CloudTrail records from files, directories or stdin
  hunt                     judge history from Athena, CloudTrail LookupEvents or local files (with --reconcile)
  audit                    which IAM roles GitLab can assume, what their trust policies admit, findings
  doctor                   check the config, each GitLab issuer's API and token, and the pinned projects
  validate [FILE...]       check config files (schema, issuers, session-name patterns); no GitLab, no AWS
  athena-sql               print the Athena DDL and named queries for the config's deployment.athena
  smoke                    put a synthetic event on the deployed bus and wait for the correlator's answer
  coverage                 list the organization's accounts and regions and whether each forwards its events
  schema                   print the config file's JSON Schema
  help [command]           help for a command

Options: --version, --help. Run 'oidc-watch <command> --help' for a command's options.

${EXIT_HELP}`;

export const SCHEMA_HELP = `Usage: oidc-watch schema

Prints the JSON Schema of the config file (for editors: "$schema" in JSON, or yaml-language-server in YAML).
The committed copy is schema/oidc-watch.config.schema.json.
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  evaluate: async (argv, io) => (await import('./commands/evaluate')).runEvaluate(argv, io),
  hunt: async (argv, io) => (await import('./commands/hunt')).runHunt(argv, io),
  audit: async (argv, io) => (await import('./commands/audit')).runAuditCommand(argv, io),
  doctor: async (argv, io) => (await import('./commands/doctor')).runDoctor(argv, io),
  validate: async (argv, io) => (await import('./commands/validate')).runValidate(argv, io),
  'athena-sql': async (argv, io) => (await import('./commands/athena-sql')).runAthenaSql(argv, io),
  smoke: async (argv, io) => (await import('./commands/smoke')).runSmoke(argv, io),
  coverage: async (argv, io) => (await import('./commands/coverage')).runCoverage(argv, io),
  schema: (argv, io) => Promise.resolve(runSchema(argv, io)),
};

function runSchema(argv: readonly string[], io: CliIo): number {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  io.stdout.write(values.help ? SCHEMA_HELP : `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return EXIT.clean;
}

/** node:util parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_*: they are usage errors. */
function isParseArgsError(e: unknown): e is Error & { code: string } {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const run = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (run) return await run(rest, io);
    switch (command) {
      case '--version':
      case '-V':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.clean;
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic =
          rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? COMMANDS[rest[0]] : undefined;
        if (rest[0] !== undefined && topic) return await topic(['--help'], io);
        if (rest[0] !== undefined) throw new UsageError(`no help for unknown command '${rest[0]}'`);
        io.stdout.write(MAIN_HELP);
        return command === undefined ? EXIT.error : EXIT.clean;
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.stderr.write(
        `oidc-watch: ${e.message}\nRun 'oidc-watch ${command !== undefined && Object.hasOwn(COMMANDS, command) ? `${command} ` : ''}--help' for usage.\n`,
      );
      return EXIT.error;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`oidc-watch: configuration error${e.key ? ` at '${e.key}'` : ''}: ${e.message}\n`);
      return EXIT.error;
    }
    if (e instanceof EnvironmentError || e instanceof SelfCheckRefusedError) {
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

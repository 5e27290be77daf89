import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadConfigFile } from '../../../lib/adapters/config-file';
import { ConfigError } from '../../../lib/core/errors';
import type { Config } from '../../../lib/core/config';
import { resolveCliConfigPath } from '../config';
import { EXIT, type CliIo } from '../io';

export const VALIDATE_HELP = `Usage: oidc-watch validate [--config FILE | FILE...]

Validates config files with the same schema the CLI, the Lambda and 'cdk synth' use: every key, the issuers each
role names, and the session-name patterns (each needs a (?<pipeline_id>...) group and is refused if it can backtrack
catastrophically on a caller-chosen name). Needs no GitLab and no AWS; 'oidc-watch doctor' also checks GitLab.

Without FILE: the config evaluate would use (--config, $OIDC_WATCH_CONFIG_FILE, ./oidc-watch.config.yaml).

Options:
  -c, --config FILE   a config file (same as giving FILE)
  -q, --quiet         print nothing for valid files
  -h, --help          this help

Exit status: 0 every file is valid; 2 at least one is not (each problem is named on stderr, with its key).
`;

function describe(config: Config): string {
  const patterns = config.sessionNamePatterns.map((p) => p.name).join(', ');
  return (
    `${config.trustedIssuers.length} trusted issuer(s), ${config.productionRoles.length} production role(s), ` +
    `session-name patterns in effect: ${patterns}`
  );
}

export async function runValidate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(VALIDATE_HELP);
    return EXIT.clean;
  }
  const files = [...(values.config ? [values.config] : []), ...positionals];
  let invalid = 0;
  const check = (label: string, load: () => Config) => {
    try {
      const config = load();
      if (!values.quiet) io.stdout.write(`${label}: valid: ${describe(config)}\n`);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      invalid += 1;
      // The message already names the file ("<file>: invalid configuration ..."): print it as is.
      io.stderr.write(`${e.message.startsWith(label) ? e.message : `${label}: ${e.message}`}\n`);
    }
  };
  const paths =
    files.length > 0
      ? files.map((f) => resolve(io.cwd, f))
      : [resolveCliConfigPath(undefined, io.env, io.cwd)];
  for (const path of paths) check(path, () => loadConfigFile(path));
  return invalid > 0 ? EXIT.error : EXIT.clean;
}

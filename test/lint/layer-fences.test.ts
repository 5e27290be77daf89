/**
 * The lint fences of every layer (eslint.config.mjs) fire on wrong-way imports and stay quiet on right-way ones.
 * ESLint runs in a child process: its flat config is an ES module, which jest's CommonJS runtime cannot load.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

interface Case {
  readonly file: string;
  readonly code: string;
}

const ROOT = join(__dirname, '..', '..');

const LINT_SCRIPT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const c of cases) {
    const [result] = await eslint.lintText(c.code, { filePath: c.file });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').length);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function restrictedCounts(cases: readonly Case[]): number[] {
  const stdout = execFileSync(process.execPath, ['-e', LINT_SCRIPT, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as number[];
}

const imports = (specifier: string): string => `import { x } from '${specifier}';\nexport const y = x;\n`;

const WRONG_WAY: readonly Case[] = [
  { file: 'lib/core/fence-probe.ts', code: imports('../adapters/gitlab') },
  { file: 'lib/core/fence-probe.ts', code: imports('../athena') },
  { file: 'lib/core/fence-probe.ts', code: imports('node:fs') },
  { file: 'lib/core/fence-probe.ts', code: imports('@aws-sdk/client-sns') },
  { file: 'lib/core/fence-probe.ts', code: `export const m = () => import('../../functions/cli/main');\n` },
  { file: 'lib/athena/fence-probe.ts', code: imports('../adapters/athena') },
  { file: 'lib/resilience/fence-probe.ts', code: imports('../adapters/gitlab') },
  { file: 'lib/resilience/fence-probe.ts', code: imports('@aws-sdk/client-cloudtrail') },
  { file: 'lib/composition/fence-probe.ts', code: imports('../../functions/shared/logger') },
  { file: 'lib/adapters/fence-probe.ts', code: imports('../../functions/shared/logger') },
  { file: 'lib/adapters/fence-probe.ts', code: imports('../sources/files') },
  { file: 'lib/sources/fence-probe.ts', code: imports('../adapters/athena') },
  { file: 'lib/sources/fence-probe.ts', code: imports('../../test/support/fixtures') },
  { file: 'infra/fence-probe.ts', code: imports('../lib/adapters/config-file') },
  { file: 'infra/fence-probe.ts', code: imports('../functions/shared/logger') },
  { file: 'functions/cli/fence-probe.ts', code: imports('../../tools/gitlab-standin') },
  { file: 'functions/cli/fence-probe.ts', code: imports('../../infra/config') },
  { file: 'functions/reconcile/fence-probe.ts', code: imports('../correlator/correlator') },
  { file: 'functions/cli/commands/fence-probe.ts', code: imports('../../reconcile/reconcile') },
  { file: 'functions/shared/fence-probe.ts', code: imports('../cli/io') },
  { file: 'functions/audit/fence-probe.ts', code: imports('../../tools/gitlab-standin') },
  { file: 'functions/audit/fence-probe.ts', code: imports('../correlator/correlator') },
  { file: 'bench/fence-probe.ts', code: imports('../test/support/fixtures') },
  { file: 'scripts/fence-probe.ts', code: imports('../test/support/fixtures') },
  { file: 'tools/fence-probe.ts', code: imports('../test/support/fixtures') },
];

const RIGHT_WAY: readonly Case[] = [
  { file: 'lib/core/fence-probe.ts', code: imports('./glob') },
  { file: 'lib/athena/fence-probe.ts', code: imports('../core/config') },
  { file: 'lib/adapters/fence-probe.ts', code: imports('../athena/port') },
  { file: 'lib/sources/fence-probe.ts', code: imports('../athena/port') },
  { file: 'lib/sources/fence-probe.ts', code: imports('../resilience') },
  { file: 'lib/adapters/fence-probe.ts', code: imports('../resilience') },
  { file: 'lib/composition/fence-probe.ts', code: imports('../adapters/gitlab') },
  { file: 'infra/fence-probe.ts', code: imports('../lib/core/config') },
  { file: 'infra/fence-probe.ts', code: imports('../lib/athena') },
  { file: 'functions/cli/fence-probe.ts', code: imports('../../lib/adapters/gitlab') },
  { file: 'functions/reconcile/fence-probe.ts', code: imports('../../lib/core/reconcile') },
  { file: 'functions/reconcile/fence-probe.ts', code: imports('../shared/logger') },
  { file: 'functions/cli/commands/fence-probe.ts', code: imports('../../../lib/composition') },
  { file: 'bench/fence-probe.ts', code: imports('../tools/gitlab-standin') },
  { file: 'test/fence-probe.ts', code: imports('../tools/gitlab-standin') },
];

describe('layer fences (eslint.config.mjs)', () => {
  const counts = restrictedCounts([...WRONG_WAY, ...RIGHT_WAY]);

  it.each(WRONG_WAY.map((c, i) => [c.file, c.code.split('\n')[0], i] as const))(
    'rejects a wrong-way import in %s: %s',
    (_file, _code, i) => {
      expect(counts[i]).toBeGreaterThan(0);
    },
  );

  it.each(RIGHT_WAY.map((c, i) => [c.file, c.code.split('\n')[0], WRONG_WAY.length + i] as const))(
    'accepts a right-way import in %s: %s',
    (_file, _code, i) => {
      expect(counts[i]).toBe(0);
    },
  );
});

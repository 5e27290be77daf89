/**
 * panther-analysis style: each check's file is named after its finding code, and every check has raw-record cases
 * (test/core/checks/raw/<file>.cases.ts) judged through the whole engine, at least one raising its code and one not.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CHECKS, SAFETY_NET } from '../../../lib/core/checks';
import type { Check } from '../../../lib/core/checks/check';
import { judge, type RawCase } from './raw/harness';

const CHECKS_DIR = join(__dirname, '..', '..', '..', 'lib', 'core', 'checks');
const CASES_DIR = join(__dirname, 'raw');
/** Files under lib/core/checks that hold shared rules, not a check; a new file must be one or the other. */
const HELPERS = [
  'check.ts',
  'index.ts',
  'pipeline-identity.ts',
  'project-rules.ts',
  'ref-rules.ts',
  // ---- provenance (issue 8) ----
  'job-requirement-rules.ts',
  'provenance-rules.ts',
];

const kebab = (code: string): string => code.toLowerCase().replace(/_/g, '-');
const ALL: readonly Check[] = [...CHECKS, SAFETY_NET];

function checkFiles(): string[] {
  return readdirSync(CHECKS_DIR)
    .filter((f) => f.endsWith('.ts') && !HELPERS.includes(f))
    .sort();
}

function loadCases(file: string): { cases: readonly RawCase[]; unreachable: boolean } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one cases module per check file, found by name
  const mod = require(join(CASES_DIR, `${file}.cases`)) as {
    cases: readonly RawCase[];
    UNREACHABLE_THROUGH_THE_ENGINE?: boolean;
  };
  return { cases: mod.cases, unreachable: mod.UNREACHABLE_THROUGH_THE_ENGINE === true };
}

describe('check files', () => {
  it('name each check file after its finding code, one file per check', () => {
    const files = checkFiles();
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- every check module, found by name
      const mod = require(join(CHECKS_DIR, file)) as { check?: Check };
      expect(mod.check).toBeDefined();
      expect(`${kebab(mod.check?.id ?? '')}.ts`).toBe(file);
    }
    expect(files).toEqual(ALL.map((c) => `${kebab(c.id)}.ts`).sort());
  });

  it('give every check a cases file', () => {
    const caseFiles = readdirSync(CASES_DIR)
      .filter((f) => f.endsWith('.cases.ts'))
      .map((f) => basename(f, '.cases.ts'))
      .sort();
    expect(caseFiles).toEqual(ALL.map((c) => kebab(c.id)).sort());
  });
});

describe.each(ALL.map((c) => [c.id, kebab(c.id)] as const))('%s on raw records', (code, file) => {
  const { cases, unreachable } = loadCases(file);

  it('has a case that raises the code and one that does not', () => {
    const raising = cases.filter((c) => c.expect.codes.includes(code));
    const silent = cases.filter((c) => !c.expect.codes.includes(code));
    expect(raising.length).toBeGreaterThanOrEqual(unreachable ? 0 : 1);
    expect(silent.length).toBeGreaterThanOrEqual(1);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const verdict = await judge(c);
    expect({ verdict: verdict.verdict, codes: verdict.findings.map((f) => f.code) }).toEqual({
      verdict: c.expect.verdict,
      codes: c.expect.codes,
    });
  });
});

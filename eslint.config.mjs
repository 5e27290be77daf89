// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// `import { z } from 'zod'` makes esbuild keep every zod locale (~350 KiB) in the Lambda bundle.
const zodNamedImport = {
  selector:
    "ImportDeclaration[importKind!='type'][source.value='zod'] > ImportSpecifier[imported.name='z'][importKind!='type']",
  message: "Use `import * as z from 'zod'`: the named `z` export drags every zod locale into bundles.",
};

// ---------------------------------------------------------------------------------------------------------------
// Layer fences. Arrows run one way (README, "Architecture"):
//   functions/ (entry points) -> lib/composition -> lib/adapters, lib/sources -> lib/resilience, lib/athena -> lib/core
//   infra/ -> lib/core, lib/athena (pure) only;  tools/ (dev tools) are imported by tests, demo and bench only;
//   nothing outside test/ imports test/.
// A fence names the folders (as path segments of the import) a layer must not reach. Relative imports that leave a
// layer always name the folder they go to, so the segment is enough. Each file matches exactly one fence block
// below, because a later flat-config block replaces an earlier block's options for the same rule.

/** A path segment in an import specifier, e.g. `segment('functions')` matches `../../functions/cli/judge`. */
const segment = (name) => `(^|/)${name}(/|$)`;

/** An import of lib/ outside the given sub-folders (e.g. infra may use lib/core and lib/athena only). */
const libExcept = (...allowed) => `(^|/)lib/(?!(${allowed.join('|')})(/|$))`;

const SDKS = [
  '@aws-sdk/*',
  '@aws-lambda-powertools/*',
  '@gitbeaker/*',
  'aws-cdk-lib',
  'aws-cdk-lib/*',
  'pino',
  'aws-lambda',
];
const NODE_BUILTINS = ['node:*', ...builtinModules];

/**
 * One fence: `files` may not import what `regexes` match (with `why`), nor the packages in `packages`.
 * @param {{ name: string, files: string[], ignores?: string[], regexes: string[], why: string, packages?: { group: string[], message: string }[], extra?: object }} f
 */
function fence(f) {
  const patterns = [...f.regexes.map((regex) => ({ regex, message: f.why })), ...(f.packages ?? [])];
  // Dynamic import() is not covered by no-restricted-imports; the same regexes apply to its literal argument.
  const dynamic = f.regexes.map((regex) => ({
    selector: `ImportExpression[source.value=/${regex.replace(/\//g, '\\/')}/]`,
    message: f.why,
  }));
  return {
    name: `fence/${f.name}`,
    files: f.files,
    ...(f.ignores ? { ignores: f.ignores } : {}),
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', zodNamedImport, ...dynamic],
      ...(f.extra ?? {}),
    },
  };
}

/** What a pure layer also may not use: SDKs, node: built-ins (the caller does the I/O), the console. */
const pure = (layer) => ({
  packages: [
    { group: SDKS, message: `${layer} is pure: no SDKs.` },
    { group: NODE_BUILTINS, message: `${layer} is pure: no node: built-ins (the caller does the I/O).` },
  ],
  extra: { 'no-console': 'error' },
});

/** The entry points under functions/: each is fenced from the others (a new one must be listed here). */
const ENTRY_POINTS = ['correlator', 'reconcile', 'audit', 'cli'];

const NOT_TEST = segment('test');
const NOT_TOOLS = segment('tools');
const ABOVE_LIB = [segment('functions'), segment('infra'), NOT_TEST, NOT_TOOLS];

const fences = [
  fence({
    name: 'lib/core',
    files: ['lib/core/**/*.ts'],
    regexes: [
      ...ABOVE_LIB,
      segment('adapters'),
      segment('sources'),
      segment('athena'),
      segment('composition'),
    ],
    why: 'lib/core is the bottom layer: it imports nothing above it (adapters, sources, athena, composition, functions, infra, tools, test).',
    ...pure('lib/core'),
  }),
  fence({
    name: 'lib/athena',
    files: ['lib/athena/**/*.ts'],
    regexes: [...ABOVE_LIB, segment('adapters'), segment('sources'), segment('composition')],
    why: 'lib/athena is pure SQL text next to the core: it may import lib/core only.',
    ...pure('lib/athena'),
  }),
  fence({
    name: 'lib/resilience',
    files: ['lib/resilience/**/*.ts'],
    regexes: [
      ...ABOVE_LIB,
      segment('adapters'),
      segment('sources'),
      segment('athena'),
      segment('composition'),
    ],
    why: 'lib/resilience (retry, limiters) serves adapters and sources: it imports lib/core only.',
    packages: [{ group: SDKS, message: 'lib/resilience knows no SDK: callers classify their own errors.' }],
  }),
  fence({
    name: 'lib/adapters',
    files: ['lib/adapters/**/*.ts'],
    regexes: [...ABOVE_LIB, segment('sources'), segment('composition')],
    why: 'lib/adapters implement ports declared below them: no imports of sources, composition, functions, infra, tools or test.',
  }),
  fence({
    name: 'lib/sources',
    files: ['lib/sources/**/*.ts'],
    regexes: [...ABOVE_LIB, segment('adapters'), segment('composition')],
    why: 'lib/sources depend on ports (lib/core, lib/athena), not on adapters, composition, functions, infra, tools or test.',
  }),
  fence({
    name: 'lib/composition',
    files: ['lib/composition/**/*.ts'],
    regexes: ABOVE_LIB,
    why: 'The composition module wires lib/: it never imports functions, infra, tools or test.',
  }),
  fence({
    name: 'infra',
    files: ['infra/**/*.ts'],
    regexes: [libExcept('core', 'athena'), segment('functions'), NOT_TEST, NOT_TOOLS],
    why: 'infra imports the pure lib/core and lib/athena only (config validation at synth; Lambda code is bundled from entry paths, not imported).',
  }),
  // Entry points never import infra, tools or test, nor each other: what two of them share lives in lib/composition
  // (or functions/shared for Lambda-only plumbing such as the logger).
  ...ENTRY_POINTS.map((entry) =>
    fence({
      name: `functions/${entry}`,
      files: [`functions/${entry}/**/*.ts`],
      regexes: [
        segment('infra'),
        NOT_TEST,
        NOT_TOOLS,
        `^(\\.\\./)+(${ENTRY_POINTS.filter((e) => e !== entry).join('|')})(/|$)`,
      ],
      why: `functions/${entry} imports lib/ and functions/shared only: never infra, tools, test or another entry point.`,
    }),
  ),
  fence({
    name: 'functions/shared',
    files: ['functions/shared/**/*.ts'],
    regexes: [segment('infra'), NOT_TEST, NOT_TOOLS, `^\\.\\./(${ENTRY_POINTS.join('|')})(/|$)`],
    why: 'functions/shared serves the entry points: it never imports one of them, infra, tools or test.',
  }),
  fence({
    name: 'tools, scripts, bench, examples',
    files: ['tools/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    regexes: [NOT_TEST],
    why: 'Nothing outside test/ imports test/: shared dev code lives in tools/.',
  }),
];

export default tseslint.config(
  {
    ignores: ['node_modules/', '.bench/', 'cdk.out/', 'dist/', 'build/', 'coverage/', '**/*.js', '**/*.mjs'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'Focused tests are not allowed.' },
        { object: 'it', property: 'skip', message: 'Skipped tests are not allowed.' },
        { object: 'describe', property: 'only', message: 'Focused tests are not allowed.' },
        { object: 'describe', property: 'skip', message: 'Skipped tests are not allowed.' },
        { object: 'test', property: 'only', message: 'Focused tests are not allowed.' },
        { object: 'test', property: 'skip', message: 'Skipped tests are not allowed.' },
      ],
      'no-restricted-globals': ['error', 'xit', 'xdescribe', 'xtest', 'fit', 'fdescribe'],
      'no-restricted-syntax': ['error', zodNamedImport],
    },
  },
  ...fences,
);

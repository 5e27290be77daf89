// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      // `import { z } from 'zod'` makes esbuild keep every zod locale (~350 KiB) in the Lambda bundle.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[importKind!='type'][source.value='zod'] > ImportSpecifier[imported.name='z'][importKind!='type']",
          message:
            "Use `import * as z from 'zod'`: the named `z` export drags every zod locale into bundles.",
        },
      ],
    },
  },
  {
    files: ['lib/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@gitbeaker/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'pino'],
              message: 'lib/core is pure: no SDKs.',
            },
            {
              group: ['**/adapters/**', '**/sources/**', '**/functions/**', '**/infra/**'],
              message: 'Arrows point down: lib/core imports nothing above it.',
            },
          ],
        },
      ],
      'no-console': 'error',
    },
  },
);

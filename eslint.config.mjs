import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const zodNamespaceOnly = {
  // `import { z }` drags all of zod's locales (about 260 KB) into every Lambda bundle.
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier",
  message: "Import zod as a namespace: import * as z from 'zod'.",
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'action/dist/',
      'cdk.out/',
      'coverage/',
      'bin/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'Return an exit code; only the CLI entry point exits.',
        },
        zodNamespaceOnly,
      ],
    },
  },
  {
    // core is pure: no AWS SDK, no network, no other layer of ours.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@aws-sdk/*',
            '@smithy/*',
            '@actions/*',
            '../lambdas/*',
            '../action/*',
            '../cli/*',
            '../sandbox/*',
            '../infra/*',
            '../../lambdas/*',
            '../../action/*',
            '../../cli/*',
            '../../sandbox/*',
            '../../infra/*',
            'node:http',
            'node:https',
            'node:child_process',
          ],
        },
      ],
    },
  },
  {
    files: ['cli/main.ts', 'bench/**/*.ts', 'test/**/*.ts', 'sandbox/main.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

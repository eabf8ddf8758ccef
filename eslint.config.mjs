// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders that form the pure domain core: no Azure SDKs, no environment, no wall clock. */
const pureCore = [
  'src/lib/engine/**/*.ts',
  'src/lib/clickstream/**/*.ts',
  'src/lib/ports/**/*.ts',
  'src/lib/anomaly/detectors/**/*.ts',
  'src/lib/anomaly/nab/**/*.ts',
  'src/lib/anomaly/anomalyEvent.ts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bin/**',
      '*.config.*',
      'test-artifacts/**',
      'test/support/functions-core-recorder/**',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: pureCore,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', 'durable-functions', 'twilio', 'azurite'],
              message: 'The domain core is pure: Azure SDKs belong in src/lib/adapters.',
            },
            {
              group: ['node:fs', 'fs', 'node:fs/*', 'fs/*', 'node:net', 'node:http', 'node:child_process'],
              message: 'The domain core does no I/O.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a Clock instead of reading the wall clock.' },
        { object: 'process', property: 'env', message: 'Configuration is read by src/lib/config only.' },
        { object: 'Math', property: 'random', message: 'The core is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Inject a Clock instead of new Date().',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['src/lib/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);

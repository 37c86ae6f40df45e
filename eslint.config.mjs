import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdktf.out/',
      'dist/',
      '.pipeline/',
      '.gitlab-ci-local/',
      'jest.config.js',
      // A project of its own, copied out by the consumer test; it imports the packed package.
      '__tests__/fixtures/consumer/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
          'newlines-between': 'always',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      'import/no-extraneous-dependencies': [
        'error',
        {
          devDependencies: [
            '__tests__/**',
            'bench/**',
            'scripts/**',
            'stacks/**',
            'environments/**',
            'main.ts',
            'jest.config.js',
          ],
          peerDependencies: true,
        },
      ],
      'no-console': ['error', { allow: ['log', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowStaticOnly: true }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // The sample delivery, the scripts and the benchmarks use the package as any project would:
    // through its public API. Only the library (and the tests of its private modules) may reach in.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: ['lib/**', '__tests__/lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/private', '**/private/**'],
              message: 'private/ is not public API: import from the package (lib/) instead.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/*.js', 'scripts/lib/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  prettier,
);

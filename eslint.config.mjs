import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

/** The rooms of lib/, bottom up: a room may import the rooms below it, never one above. */
const ROOMS = {
  schema: [],
  model: ['private'],
  constructs: ['private', 'schema'],
  parity: ['private', 'schema'],
  stacks: ['private', 'schema', 'constructs', 'parity'],
  renderers: ['private', 'model'],
  testing: ['private', 'schema', 'constructs', 'parity', 'stacks'],
  operations: ['private', 'schema', 'model', 'constructs', 'stacks', 'parity', 'renderers'],
  runner: ['private', 'model', 'operations'],
  cli: ['private', 'model', 'parity', 'operations', 'runner'],
};

/**
 * The shared private room serves the constructs and stacks: it may name their types (import
 * type), never import a value of a room above it.
 */
const SHARED_PRIVATE = {
  patterns: [
    {
      regex: '^\\.\\./(?!schema/)',
      allowTypeImports: true,
      message: 'lib/private sits below every room but lib/schema: import only types from above.',
    },
  ],
};

/**
 * import/no-restricted-paths zones for lib/: each room may import only the rooms ROOMS lists.
 * A private/ file never imports a value of the module it serves: no import cycle (import/no-cycle,
 * which lets a type be named) within lib/.
 */
const LIBRARY_ZONES = [
  ...Object.entries(ROOMS).map(([room, below]) => ({
    target: `./lib/${room}`,
    from: './lib',
    except: [`./${room}`, ...below.map((r) => `./${r}`)],
    message: `lib/${room} may import only ${below.length ? below.map((r) => `lib/${r}`).join(', ') : 'nothing of lib/'} besides itself.`,
  })),
];

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
      // The scaffold of `init`, with {{placeholders}}: the init test lints what it writes.
      'templates/',
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
    // The CLI is the only room that prints: everything else reports through return values,
    // errors and progress callbacks.
    files: ['lib/**/*.ts'],
    ignores: ['lib/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        ...['stdout', 'stderr'].map((property) => ({
          object: 'process',
          property,
          message: 'Only lib/cli prints: report through a result, an error or a progress listener.',
        })),
      ],
    },
  },
  {
    // Which room of lib/ may import which (CONTRIBUTING.md has the table).
    files: ['lib/**/*.ts'],
    rules: {
      'import/no-restricted-paths': ['error', { zones: LIBRARY_ZONES }],
      'import/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['lib/private/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', SHARED_PRIVATE] },
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
    files: ['bin/*.js', 'scripts/*.js', 'scripts/lib/*.js'],
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

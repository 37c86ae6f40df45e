/** Unit tests synthesize only; integration tests deploy for real and run one at a time. */
const transform = { '^.+\\.ts$': 'ts-jest' };
const common = {
  testEnvironment: 'node',
  transform,
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup-jest.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // gitlab-ci-local copies the tracked files under .gitlab-ci-local/: not this project's tests.
  modulePathIgnorePatterns: ['<rootDir>/.gitlab-ci-local/', '<rootDir>/dist/'],
};

module.exports = {
  // Several unit tests run real tools (the CLI, the engine's plan, npm, ESLint): seconds each,
  // many more on a machine busy with a pipeline run. (A global option: projects cannot set it.)
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/__tests__/integration/',
        '<rootDir>/__tests__/fixtures/',
        '<rootDir>/.gitlab-ci-local/',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.gitlab-ci-local/'],
    },
  ],
};

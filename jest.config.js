/**
 * Unit tests run in the test process (they synthesize); tool tests run programs; integration tests
 * deploy for real.
 */
const transform = { '^.+\\.ts$': 'ts-jest' };
const common = {
  testEnvironment: 'node',
  transform,
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup-jest.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // gitlab-ci-local copies the tracked files under .gitlab-ci-local/: not this project's tests.
  modulePathIgnorePatterns: ['<rootDir>/.gitlab-ci-local/', '<rootDir>/dist/'],
};

/**
 * Tests that run programs (the CLI, npm, node scripts, the engine's plan, the Docker engine): they
 * take seconds each, so they are a project of their own, beside the in-process unit tests.
 */
const TOOL_TESTS = [
  '<rootDir>/__tests__/bin/cdktf-pipeline-app.test.ts',
  '<rootDir>/__tests__/doc-examples.test.ts',
  '<rootDir>/__tests__/main.test.ts',
  '<rootDir>/__tests__/package.test.ts',
  '<rootDir>/__tests__/stacks/sample-pipeline.test.ts',
  '<rootDir>/__tests__/lib/cli/cli.errors.test.ts',
  '<rootDir>/__tests__/lib/operations/private/confirm.test.ts',
  '<rootDir>/__tests__/lib/cli/main.test.ts',
  '<rootDir>/__tests__/lib/cli/start-up.test.ts',
  '<rootDir>/__tests__/lib/operations/operations.test.ts',
  '<rootDir>/__tests__/lib/operations/parity.test.ts',
  '<rootDir>/__tests__/lib/renderers/github-workflow-renderer.test.ts',
  '<rootDir>/__tests__/lib/stacks/setting.types.test.ts',
  '<rootDir>/__tests__/lib/runner/local-runner.test.ts',
  '<rootDir>/__tests__/lib/testing/plan-of.test.ts',
  '<rootDir>/__tests__/scripts/api-report.test.ts',
];

/**
 * Tool tests that need the Docker engine or the registry to answer: `doctor`, scripts/sweep, and
 * commands that go as far as a deploy's check of the Docker host. They run with the end-to-end
 * suites, where the engine is always up: beside the unit and tool tests, the recovery suite stops
 * and restarts the engine and the registry (scripts/test).
 */
const ENGINE_TOOL_TESTS = [
  '<rootDir>/__tests__/lib/cli/doctor.test.ts',
  '<rootDir>/__tests__/lib/cli/exit-codes.test.ts',
  '<rootDir>/__tests__/lib/operations/private/run-release.test.ts',
  '<rootDir>/__tests__/scripts/sweep.test.ts',
];

/** The engine's plans of synthesized stacks are tool tests too, by their name: a glob, a pattern. */
const PLAN_TESTS = '<rootDir>/__tests__/**/*.plan.test.ts';
const PLAN_TESTS_PATTERN = '\\.plan\\.test\\.ts$';

/**
 * End-to-end suites that need the engine to themselves: the recovery suite stops and restarts
 * the Docker engine, the registry and PostgreSQL. They run beside the unit and tool tests, which
 * need none of them. The other suites each take a lane of their own (__tests__/helpers/lane.ts)
 * and run side by side.
 */
const SOLO_SUITES = ['<rootDir>/__tests__/integration/recovery.test.ts'];
/**
 * The Swarm suite makes the engine a swarm manager (live-restore off): a jest run of its own,
 * started beside the integration suites once scripts/test has made the swarm.
 */
const SWARM_SUITES = ['<rootDir>/__tests__/integration/swarm-sample.test.ts'];

/**
 * The unit and tool tests share one temporary folder per run, removed when it ends: cdktf's
 * `Testing.app()` makes an output folder in TMPDIR each time and never removes it.
 */
const RUN_TMPDIR = {
  globalSetup: '<rootDir>/__tests__/tmpdir-setup.ts',
  globalTeardown: '<rootDir>/__tests__/tmpdir-teardown.ts',
};

module.exports = {
  // Several unit tests run real tools (the CLI, the engine's plan, npm, ESLint): seconds each,
  // many more on a machine busy with a pipeline run. (A global option: projects cannot set it.)
  testTimeout: 120_000,
  // One worker per core: jest's default leaves one core idle, half the machine on two cores.
  maxWorkers: '100%',
  projects: [
    {
      ...common,
      ...RUN_TMPDIR,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/__tests__/integration/',
        '<rootDir>/__tests__/fixtures/',
        '<rootDir>/.gitlab-ci-local/',
        ...TOOL_TESTS,
        ...ENGINE_TOOL_TESTS,
        PLAN_TESTS_PATTERN,
      ],
    },
    {
      ...common,
      ...RUN_TMPDIR,
      displayName: 'tools',
      testMatch: [...TOOL_TESTS, PLAN_TESTS],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts', ...ENGINE_TOOL_TESTS],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/.gitlab-ci-local/',
        ...SOLO_SUITES,
        ...SWARM_SUITES,
      ],
    },
    {
      ...common,
      displayName: 'integration-swarm',
      testMatch: SWARM_SUITES,
    },
    {
      ...common,
      displayName: 'integration-solo',
      testMatch: SOLO_SUITES,
    },
  ],
};

/** Default values shared by the constructs, kept as data in one place. */
export const DEFAULTS = {
  /** The local registry that scripts/setup starts. */
  registry: '127.0.0.1:5000',
  /**
   * The docker provider versions the synthesized configuration accepts: the bindings were
   * generated from 3.6.2, and the offline mirror holds a build of the 4.6 line.
   */
  dockerProviderVersion: '>= 3.6.2, < 5.0.0',
  /** Host address that published ports bind to. */
  publishAddress: '127.0.0.1',
  /** Seconds a container may take to become healthy before the deploy fails. */
  healthTimeoutSeconds: 60,
  /** Restart policy of every service container. */
  restartPolicy: 'unless-stopped',
  /** Smoke test retry budget. */
  smokeTestAttempts: 20,
  smokeTestIntervalSeconds: 1,
  smokeTestTimeoutSeconds: 60,
  /** Expected HTTP status of an HTTP smoke test. */
  smokeTestStatus: 200,
} as const;

/** Defaults of the delivery pipeline model: the commands its steps run, and its settings. */
export const PIPELINE_DEFAULTS = {
  /** Run by every CI job before its steps; brings up the toolchain (idempotent). */
  setupCommands: ['scripts/setup'] as readonly string[],
  defaultBranch: 'main',
  /** The scheduled pipeline (review environment expiry): daily at 03:17 UTC. */
  schedule: '17 3 * * *',
  /** The variable that carries a merge request's id into review stages. */
  reviewIdVariable: 'PIPELINE_REVIEW_ID',
  deployCommand: 'scripts/deploy',
  destroyCommand: 'scripts/destroy',
  checkCommand: 'scripts/check',
  ansibleCommand: 'scripts/ansible-step',
  approveCommand: 'scripts/approve',
  loadConcurrency: 10,
  loadP95Milliseconds: 1000,
} as const;

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

/**
 * A service as the delivery defines it, the same in every environment. What differs between
 * environments (replicas, published port, environment variables) comes from environment config.
 */
export interface ServiceDefinition {
  /** Service name: its DNS alias on the environment's network ('web', 'api'). */
  readonly name: string;
  /** Port the service listens on inside its container. */
  readonly port: number;
  /**
   * The image of the release the service runs, by image name (`DeliveryProps.images`).
   * @default - the delivery's only image
   */
  readonly image?: string;
  /**
   * Whether the service is published on a host port (environment config gives the port).
   * @default false
   */
  readonly published?: boolean;
  /**
   * Services that must be healthy before this one starts.
   * @default - none
   */
  readonly dependsOn?: readonly string[];
  /**
   * Environment variables that are the same in every environment. Environment config adds
   * variables of its own, and may not set these (nor SERVICE_NAME, which every service gets).
   * @default - none
   */
  readonly env?: { readonly [name: string]: string };
  /**
   * Health check command run inside the container.
   * @default - `wget -q -O /dev/null http://127.0.0.1:<port>/`
   */
  readonly healthCheck?: readonly string[];
  /**
   * When the health check runs and when it counts.
   * @default - every 1 s, 3 s to answer, unhealthy after 3 failures, none counted in the first 2 s
   */
  readonly healthCheckTiming?: HealthCheckTiming;
  /**
   * Names of the secrets the service reads (e.g. `API_TOKEN`): uppercase letters, digits and `_`.
   * Each environment's values come from the deploying process (`TF_VAR_secret_<name in lowercase>`)
   * or from the environment's secrets file outside the repository, never from the delivery.
   * On plain containers a secret is an environment variable of that name; on Swarm, a Docker
   * secret mounted as `/run/secrets/<NAME>`, whose path is in the variable `<NAME>_FILE`.
   * @default - none
   */
  readonly secrets?: readonly string[];
  /**
   * How the service's containers are locked down; every setting has a hardened default.
   * @default - a non-root user, read-only root filesystem, no capabilities, no new privileges
   */
  readonly security?: ServiceSecurity;
}

/**
 * When a service's health check runs, and when its failures count. The deploy waits for the first
 * check that passes, which runs one interval after the container starts: a short interval finds a
 * started service sooner; a longer one costs the engine less for as long as the service runs
 * (each check starts a process in the container). Whole seconds.
 */
export interface HealthCheckTiming {
  /**
   * Seconds between two checks, from 1 to 3600.
   * @default 1
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds a check may take before it counts as failed, from 1 to 3600.
   * @default 3
   */
  readonly timeoutSeconds?: number;
  /**
   * Failed checks in a row that make a container unhealthy, from 1 to 100.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds after the start in which failed checks do not count, from 0 to 3600.
   * @default 2
   */
  readonly startPeriodSeconds?: number;
}

/**
 * How a service's containers are locked down. The defaults are the hardened ones: change a
 * setting only for what the service really needs.
 */
export interface ServiceSecurity {
  /**
   * User the service runs as: `uid`, `uid:gid`, or a name the image knows.
   * @default '65534:65534' (nobody)
   */
  readonly user?: string;
  /**
   * Whether the container's root filesystem is read-only.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Absolute paths the service writes to, mounted as in-memory filesystems (e.g. '/tmp').
   * @default - none
   */
  readonly writablePaths?: readonly string[];
  /**
   * Linux capabilities given back after all are dropped, e.g. 'NET_BIND_SERVICE'.
   * @default - none
   */
  readonly capabilities?: readonly string[];
  /**
   * Whether processes may gain privileges they did not start with (setuid binaries). On Swarm
   * the engine has no per-service setting for it: start the engine with `--no-new-privileges`.
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
}

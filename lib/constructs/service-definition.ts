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
}

import { Approval } from '../constructs/approval';

/** Per-environment settings of one service. */
export interface ServiceSettings {
  /** Number of containers, 1 to 20. */
  readonly replicas: number;
  /**
   * Host port on 127.0.0.1 for replica 0 (replica N uses port + N); required for published
   * services, not allowed for the others.
   * @default - not published
   */
  readonly port?: number;
  /**
   * Environment variables of the service's containers.
   * @default - none
   */
  readonly env?: { readonly [name: string]: string };
}

/** Everything that differs between environments. Every value becomes a Terraform variable. */
export interface EnvironmentConfig {
  /** Environment and stack name: lowercase, e.g. 'dev', 'staging', 'review-42'. */
  readonly name: string;
  /** The stage whose verified image this environment deploys: the image stage or another environment. */
  readonly upstream: string;
  /** Whether the exact digest must be approved before it is deployed here. */
  readonly approval: Approval;
  /** Settings per service of the delivery definition. */
  readonly services: { readonly [service: string]: ServiceSettings };
  /** Where this config is defined, named in error messages. */
  readonly source: string;
}

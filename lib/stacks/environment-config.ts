import { Approval } from '../constructs/approval';

import { SettingValue } from './setting';

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
  /**
   * Memory limit of each container, in MiB (at least 6).
   * @default 256
   */
  readonly memoryMb?: number;
  /**
   * CPU limit of each container, in CPUs (e.g. 0.5).
   * @default 0.5
   */
  readonly cpus?: number;
}

/**
 * Everything that differs between environments, but the values of the delivery's own settings
 * (see {@link EnvironmentConfig}). Every value becomes a Terraform variable.
 */
export interface EnvironmentConfigBase {
  /** Environment and stack name: lowercase, e.g. 'dev', 'staging', 'review-42'. */
  readonly name: string;
  /** The stage whose verified release this environment deploys: the image stage or another environment. */
  readonly upstream: string;
  /** Whether the exact digest must be approved before it is deployed here. */
  readonly approval: Approval;
  /** Settings per service of the delivery definition. */
  readonly services: { readonly [service: string]: ServiceSettings };
  /**
   * Host address that published ports bind to: an IPv4 address of the host, or '0.0.0.0' for
   * every address. (On Swarm, a task publishes on every address of its node: leave it unset.)
   * @default '127.0.0.1'
   */
  readonly publishAddress?: string;
  /** Where this config is defined, named in error messages. */
  readonly source: string;
}

/**
 * The values of the delivery's own settings: required when a setting has no default.
 * `V` is what the delivery's settings take, `SettingValues<typeof settings>`.
 */
// `{}` here is what an environment that gives no settings is: every setting has a default.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type EnvironmentSettingsConfig<V> = {} extends V
  ? {
      /**
       * Values of the delivery's own settings, by setting name.
       * @default - each setting's default
       */
      readonly settings?: V;
    }
  : {
      /** Values of the delivery's own settings, by setting name. */
      readonly settings: V;
    };

/**
 * Everything that differs between environments. Every value becomes a Terraform variable. `V`
 * types the values of the delivery's own settings (`SettingValues<typeof settings>`); without it
 * an environment gives none, or any (checked when the delivery is built).
 */
export type EnvironmentConfig<V = { readonly [name: string]: SettingValue | undefined }> =
  EnvironmentConfigBase & EnvironmentSettingsConfig<V>;

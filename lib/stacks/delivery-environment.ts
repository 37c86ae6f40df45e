import { ServiceDefinition } from '../constructs/service-definition';

import type { EnvironmentStack } from './environment-stack';
import { SettingReferences, Settings } from './setting';

/**
 * One environment of a delivery, as the code that builds the delivery's own resources sees it
 * (`resources` of the {@link Delivery}). That code runs in every environment stack, the same
 * way: every value here that differs between environments is a reference to a Terraform
 * variable, never the environment's literal value, so what it builds is identical in every
 * environment and the parity check proves it.
 */
export interface DeliveryEnvironment<S extends Settings = Settings> {
  /** The environment stack: the scope to build in. */
  readonly stack: EnvironmentStack;
  /** The delivery's own settings, each a reference to its variable, by setting name. */
  readonly settings: SettingReferences<S>;
  /** The environment's name (a reference to its `environment` variable). */
  readonly name: string;
  /**
   * What the environment's Docker objects (containers, networks, Swarm services) are named after
   * and labelled with: the delivery's name prefix, then the environment's name. Name your own
   * the same way, e.g. `${environment.dockerName}-data`, so that deliveries and clones that
   * share one engine keep apart.
   */
  readonly dockerName: string;
  /** The labels of everything the environment runs; put them on your own Docker objects. */
  readonly labels: { readonly [label: string]: string };
  /** The name of the environment's network, on which its services answer by service name. */
  readonly network: string;
  /**
   * The image the environment runs, by digest, as its upstream verified it: the delivery's only
   * image, or the first of its images by name.
   */
  readonly image: string;
  /** Every image of the release the environment runs, by digest, by image name. */
  readonly images: { readonly [name: string]: string };
  /** Each published service's base URL (`http://<address>:<port>`), by service name. */
  readonly urls: { readonly [service: string]: string };
  /** The delivery's services, the same in every environment. */
  readonly services: readonly ServiceDefinition[];
}

import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';

import { ServiceDefinition } from '../constructs/service-definition';
import { DeployedServices, ServiceDeployment, ServiceSpec } from '../constructs/service-deployment';
import { SwarmOptions, SwarmServiceDeployment } from '../constructs/swarm-service-deployment';
import { SWARM_DEFAULTS } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';
import { SWARM_OPTION_FIELDS, swarmOptionProblems } from '../private/swarm-options';

import { EnvironmentConfig } from './environment-config';

/**
 * What an environment stack asks its deployment target to run.
 * @internal
 */
export interface DeploymentTargetBindProps {
  /**
   * The released image each service runs, by service name: what the upstream verified, pulled by
   * digest after the approval gate.
   */
  readonly images: { readonly [service: string]: Image };
  /** Prefix of every name, the environment's name. May be a variable. */
  readonly namePrefix: string;
  /** The environment's services, with its replicas, ports and environment variables. */
  readonly services: readonly ServiceSpec[];
  /**
   * Labels on everything the target creates.
   * @default - none
   */
  readonly labels?: { readonly [name: string]: string };
  /**
   * Host address that published ports bind to, where the target can choose one. May be a
   * variable.
   * @default '127.0.0.1'
   */
  readonly publishAddress?: string;
}

/**
 * Where the services of every environment run: a delivery-level choice, the same for every
 * environment (so environments still synthesize identical Terraform). Made by its static methods
 * only; the package's targets are the only ones.
 */
export abstract class DeploymentTarget {
  /**
   * Plain containers on a bridge network of the environment ({@link ServiceDeployment}): replica
   * N of a published service is published on 127.0.0.1 at port + N. The default.
   */
  public static containers(): DeploymentTarget {
    return new ContainersTarget();
  }

  /**
   * Docker Swarm services on an attachable overlay network of the environment
   * ({@link SwarmServiceDeployment}): rolling updates that roll back by themselves, and a deploy
   * that fails when they do. Published ports are host-mode ports of one task per node. The Docker
   * host must be a swarm manager (`docker swarm init`).
   */
  public static swarm(options: SwarmOptions = {}): DeploymentTarget {
    return new SwarmTarget(options);
  }

  /** The target's kind, for messages: 'containers' or 'swarm'. */
  public abstract readonly kind: 'containers' | 'swarm';

  /**
   * Renders an environment's services.
   * @internal
   */
  public abstract bind(
    scope: Construct,
    id: string,
    props: DeploymentTargetBindProps,
  ): DeployedServices;

  /**
   * Host ports a published service with `replicas` replicas takes, counting from its port.
   * @internal
   */
  public abstract publishedPorts(replicas: number): number;

  /**
   * What this target refuses in an environment beyond what every target checks (e.g. names the
   * engine does not accept), as complete problem messages.
   * @internal
   */
  public abstract environmentProblems(
    environment: EnvironmentConfig,
    services: readonly ServiceDefinition[],
  ): string[];
}

class ContainersTarget extends DeploymentTarget {
  public readonly kind = 'containers';

  public bind(scope: Construct, id: string, props: DeploymentTargetBindProps): DeployedServices {
    return new ServiceDeployment(scope, id, {
      namePrefix: props.namePrefix,
      services: props.services.map((spec) => ({
        ...spec,
        image: props.images[spec.name].imageId,
      })),
      labels: props.labels,
      publishAddress: props.publishAddress,
    });
  }

  public publishedPorts(replicas: number): number {
    return replicas;
  }

  public environmentProblems(): string[] {
    return [];
  }
}

class SwarmTarget extends DeploymentTarget {
  public readonly kind = 'swarm';

  constructor(private readonly options: SwarmOptions) {
    super();
    assertShape(
      'swarm target',
      options,
      shape.object(SWARM_OPTION_FIELDS),
      'Fix it in DeploymentTarget.swarm().',
      'options',
    );
    const problems = swarmOptionProblems('swarm target', options);
    if (problems.length > 0) throw new ConfigurationError(problems);
  }

  public bind(scope: Construct, id: string, props: DeploymentTargetBindProps): DeployedServices {
    return new SwarmServiceDeployment(scope, id, {
      ...this.options,
      namePrefix: props.namePrefix,
      // Every node pulls the image itself: by its digest reference, not a local image ID.
      services: props.services.map((spec) => ({ ...spec, image: props.images[spec.name].name })),
      labels: props.labels,
    });
  }

  public publishedPorts(): number {
    return 1;
  }

  public environmentProblems(
    environment: EnvironmentConfig,
    services: readonly ServiceDefinition[],
  ): string[] {
    const max = SWARM_DEFAULTS.maxServiceNameLength;
    const problems: string[] = [];
    if (environment.publishAddress !== undefined) {
      problems.push(
        invalidValue(
          `environment '${environment.name}'`,
          'publishAddress',
          'must not be set on Swarm: a task publishes its port on every address of its node',
          environment.publishAddress,
          `Remove publishAddress from ${environment.source}; restrict the nodes' ports with the hosts' firewall.`,
        ),
      );
    }
    const longest = services
      .map(
        (s) => `${environment.name}-${s.name}${s.published ? SWARM_DEFAULTS.publisherSuffix : ''}`,
      )
      .sort((a, b) => b.length - a.length)[0];
    if (longest === undefined || longest.length <= max) return problems;
    return [
      ...problems,
      invalidValue(
        `environment '${environment.name}'`,
        'name',
        `must keep Swarm service names ('<environment>-<service>', '-published' for a published service) within ${max} characters, but makes '${longest}' (${longest.length})`,
        environment.name,
        `Use a shorter name in ${environment.source}.`,
      ),
    ];
  }
}

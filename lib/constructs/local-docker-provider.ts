import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { DEFAULTS } from '../private/defaults';
import { assertShape, shape } from '../private/shape';

/** Props of {@link LocalDockerProvider}. */
export interface LocalDockerProviderProps {
  /**
   * Docker host address.
   * @default - the provider's default (DOCKER_HOST, else the local unix socket)
   */
  readonly host?: string;
  /**
   * Registry the images are pushed to and pulled from, without authentication.
   * @default '127.0.0.1:5000'
   */
  readonly registry?: string;
}

/**
 * The docker provider, configured for an unauthenticated registry, with a version constraint
 * that accepts the provider versions these bindings work with.
 */
export class LocalDockerProvider extends Construct {
  /** The configured docker provider. */
  public readonly provider: DockerProvider;
  /** The registry it pushes to and pulls from (host:port). */
  public readonly registry: string;

  constructor(scope: Construct, id: string, props: LocalDockerProviderProps = {}) {
    super(scope, id);
    assertShape(
      `docker provider '${id}'`,
      props,
      shape.object({ host: shape.optional(shape.string), registry: shape.optional(shape.string) }),
      'Fix it in the props of the LocalDockerProvider.',
    );
    this.registry = props.registry ?? DEFAULTS.registry;
    this.provider = new DockerProvider(this, 'Provider', {
      host: props.host,
      registryAuth: [{ address: `http://${this.registry}`, authDisabled: true }],
    });
    TerraformStack.of(this).addOverride(
      'terraform.required_providers.docker.version',
      DEFAULTS.dockerProviderVersion,
    );
  }
}

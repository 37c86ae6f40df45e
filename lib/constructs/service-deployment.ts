import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Fn, Op, ref, TerraformCount, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

import { DEFAULTS } from '../private/defaults';
import {
  assertDeploymentShape,
  healthCheckOf,
  healthCheckTimingOf,
  imageOf,
  labelList,
  pascal,
  SERVICE_LABEL,
  securityOf,
  TMPFS_OPTIONS,
  validateAndOrder,
} from '../private/service-specs';
import { shape } from '../private/shape';

import { HealthCheckTiming, ServiceSecurity } from './service-definition';

/** One service of a deployment: a container image run as one or more replicas. */
export interface ServiceSpec {
  /** Service name: the container's DNS alias on the network ('web', 'api'). */
  readonly name: string;
  /**
   * The image it runs (an image ID, or a digest reference on Swarm). May be a Terraform
   * expression.
   * @default - the deployment's `image`
   */
  readonly image?: string;
  /** Port the service listens on inside its container. */
  readonly port: number;
  /**
   * Host port on 127.0.0.1 for replica 0; replica N is published on `publishedPort + N`. (On
   * Swarm, the port of the service's publishing tasks: see {@link SwarmServiceDeployment}.)
   * May be a Terraform variable.
   * @default - not published; reachable only on the deployment's network
   */
  readonly publishedPort?: number;
  /**
   * Number of containers. May be a Terraform variable.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Environment variables: a literal map, or a Terraform `map(string)` variable
   * (`Token.asStringMap(variable.value)`).
   * @default - none
   */
  readonly env?: { readonly [name: string]: string };
  /**
   * Names of services that must be healthy before this one starts.
   * @default - none
   */
  readonly dependsOn?: readonly string[];
  /**
   * Health check command run inside the container; the deploy waits until it passes.
   * @default - `wget -q -O /dev/null http://127.0.0.1:<port>/`
   */
  readonly healthCheck?: readonly string[];
  /**
   * When the health check runs and when it counts.
   * @default - every 1 s, 3 s to answer, unhealthy after 3 failures, none counted in the first 2 s
   */
  readonly healthCheckTiming?: HealthCheckTiming;
  /**
   * Secrets by name (`API_TOKEN`), each a value or a sensitive Terraform variable. On
   * containers each is an environment variable; on Swarm, a Docker secret mounted as
   * `/run/secrets/<NAME>`, named in the variable `<NAME>_FILE`.
   * @default - none
   */
  readonly secrets?: { readonly [name: string]: string };
  /**
   * How the containers are locked down.
   * @default - a non-root user, read-only root filesystem, no capabilities, no new privileges
   */
  readonly security?: ServiceSecurity;
  /**
   * Memory limit of each container in MiB. May be a Terraform variable.
   * @default 256
   */
  readonly memoryMb?: number;
  /**
   * CPU limit of each container, in CPUs. May be a Terraform variable.
   * @default 0.5
   */
  readonly cpus?: number;
}

/**
 * An environment's services as a deployment target rendered them ({@link ServiceDeployment},
 * {@link SwarmServiceDeployment}): what the environment stack needs of them.
 */
export interface DeployedServices extends IConstruct {
  /** The environment's network; services find each other on it by service name. */
  readonly network: Network;
  /**
   * Values that change whenever what runs changes (a container replaced, a service updated):
   * a change re-runs the smoke tests.
   */
  readonly revisions: { readonly [name: string]: string };
}

/** Props of {@link ServiceDeployment}. */
export interface ServiceDeploymentProps {
  /**
   * Image every service runs unless its spec names its own: an image ID or a digest reference.
   * @default - none: every service's spec names its image
   */
  readonly image?: string;
  /** Prefix of every container and network name, e.g. the environment name. May be a variable. */
  readonly namePrefix: string;
  /** The services, in any order: start order follows `dependsOn`. */
  readonly services: readonly ServiceSpec[];
  /**
   * Seconds a container may take to become healthy.
   * @default 60
   */
  readonly healthTimeoutSeconds?: number;
  /**
   * Labels set on every container and on the network.
   * @default - none
   */
  readonly labels?: { readonly [name: string]: string };
  /**
   * Host address that published ports bind to. May be a Terraform variable.
   * @default '127.0.0.1'
   */
  readonly publishAddress?: string;
}

/**
 * Services as containers on their own bridge network: replicas, ports published on 127.0.0.1,
 * environment variables, health checks that the deploy waits for, a restart policy, and start
 * order (a service starts after the services it depends on are healthy). Containers are
 * hardened by default: a non-root user, a read-only root filesystem (with the service's writable
 * paths in memory), every capability dropped, no new privileges, and memory and CPU limits.
 */
export class ServiceDeployment extends Construct implements DeployedServices {
  /** The deployment's own bridge network; services find each other by name on it. */
  public readonly network: Network;
  /** Containers per service name. */
  public readonly containers: { readonly [service: string]: Container };
  /** The IDs of every container, which change whenever a container is replaced. */
  public readonly revisions: { readonly [name: string]: string };

  constructor(scope: Construct, id: string, props: ServiceDeploymentProps) {
    super(scope, id);
    assertDeploymentShape(id, props, {
      healthTimeoutSeconds: shape.optional(shape.number),
      publishAddress: shape.optional(shape.string),
    });
    const ordered = validateAndOrder(id, props);
    const labels = labelList(props.labels);
    this.network = new Network(this, 'Network', {
      name: `${props.namePrefix}-net`,
      driver: 'bridge',
      labels,
    });

    const containers: { [service: string]: Container } = {};
    for (const spec of ordered) {
      const count = TerraformCount.of(spec.replicas ?? 1);
      const index = Token.asString(count.index);
      const security = securityOf(spec);
      containers[spec.name] = new Container(this, pascal(spec.name), {
        count,
        name: `${props.namePrefix}-${spec.name}-${index}`,
        image: imageOf(spec, props),
        env: envList(spec.env, spec.secrets),
        user: security.user,
        readOnly: security.readOnlyRootFilesystem,
        tmpfs:
          security.writablePaths.length > 0
            ? Object.fromEntries(security.writablePaths.map((path) => [path, TMPFS_OPTIONS]))
            : undefined,
        capabilities: {
          drop: ['ALL'],
          add: security.capabilities.length > 0 ? [...security.capabilities] : undefined,
        },
        securityOpts: security.allowPrivilegeEscalation ? undefined : ['no-new-privileges:true'],
        memory: spec.memoryMb ?? DEFAULTS.memoryMb,
        // No swap beyond the limit (the engine's default doubles it, and every plan would differ).
        memorySwap: spec.memoryMb ?? DEFAULTS.memoryMb,
        cpus: Token.asString(spec.cpus ?? DEFAULTS.cpus),
        networksAdvanced: [{ name: this.network.name, aliases: [spec.name] }],
        ports:
          spec.publishedPort === undefined
            ? undefined
            : [
                {
                  internal: spec.port,
                  external: Token.asNumber(Op.add(spec.publishedPort, count.index)),
                  ip: props.publishAddress ?? DEFAULTS.publishAddress,
                },
              ],
        healthcheck: { test: healthCheckOf(spec), ...healthCheckTimingOf(spec) },
        wait: true,
        waitTimeout: props.healthTimeoutSeconds ?? DEFAULTS.healthTimeoutSeconds,
        restart: DEFAULTS.restartPolicy,
        mustRun: true,
        labels: [...labels, { label: SERVICE_LABEL, value: spec.name }],
        dependsOn: (spec.dependsOn ?? []).map((name) => containers[name]),
      });
    }
    this.containers = containers;
    const stack = TerraformStack.of(this);
    const ids = Object.values(containers).map((c) =>
      Fn.join(',', Token.asList(ref(`${c.fqn}[*].id`, stack))),
    );
    this.revisions = { containers: Fn.join(';', ids) };
  }
}

/** The environment variables of a container: the service's, and its secrets. */
function envList(env: ServiceSpec['env'], secrets: ServiceSpec['secrets']): string[] | undefined {
  if (secrets !== undefined && Object.keys(secrets).length > 0) {
    env = Token.asStringMap(Fn.merge([env ?? {}, secrets]));
  }
  if (env === undefined) return undefined;
  if (Token.isUnresolved(env)) {
    return Token.asList(Fn.formatlist('%s=%s', [Fn.keys(env), Fn.values(env)]));
  }
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

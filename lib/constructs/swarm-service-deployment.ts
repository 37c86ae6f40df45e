import { createHash } from 'node:crypto';

import { Network } from '@cdktf/provider-docker/lib/network';
import { Secret } from '@cdktf/provider-docker/lib/secret';
import {
  Service,
  ServiceRollbackConfig,
  ServiceTaskSpecContainerSpec,
  ServiceTaskSpecContainerSpecSecrets,
  ServiceUpdateConfig,
} from '@cdktf/provider-docker/lib/service';
import { Fn, Op, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';

import { DEFAULTS, SWARM_DEFAULTS } from '../private/defaults';
import { invalidValue } from '../private/errors';
import {
  assertDeploymentShape,
  healthCheckOf,
  healthCheckTimingOf,
  labelList,
  pascal,
  SERVICE_LABEL,
  securityOf,
  validateAndOrder,
  imageOf,
} from '../private/service-specs';
import { SWARM_OPTION_FIELDS, swarmOptionProblems } from '../private/swarm-options';

import { ServiceSecurity } from './service-definition';
import { DeployedServices, ServiceSpec } from './service-deployment';

/** How services run on a Docker Swarm; the same for every environment of a delivery. */
export interface SwarmOptions {
  /**
   * Tasks that publish each published service's port in host mode: the number of nodes that
   * answer on the port (a load balancer in front of the nodes spreads over them). A node gives a
   * host port to one task, so these land on as many different nodes, and more than the swarm has
   * nodes (that the placement allows) never all start: the deploy times out. (The service's
   * replicas serve the network.) Not a global service: the docker provider cannot wait for one
   * to converge.
   * @default 1
   */
  readonly publishers?: number;
  /**
   * Swarm placement constraints of every task of every service (e.g.
   * `'node.labels.pool == apps'`, `'node.id == 2ivku8v2gvtg4'`, `'node.role == worker'`). The
   * scheduler spreads each service's replicas over the nodes that qualify.
   * @default - every node qualifies
   */
  readonly placement?: readonly string[];
  /**
   * Tasks updated at a time in a rolling update, and rolled back at a time; 0 updates all at once.
   * @default 1
   */
  readonly updateParallelism?: number;
  /**
   * Seconds Swarm watches each updated task before it counts as updated: a task that fails or
   * turns unhealthy within them rolls the whole update back.
   * @default 5
   */
  readonly monitorSeconds?: number;
  /**
   * Seconds a deploy waits for a service's rollout (or its rollback) to finish. The deploy's
   * outcome is the rollout's: a rolled back update fails the deploy.
   * @default 180
   */
  readonly convergeTimeoutSeconds?: number;
}

/** Props of {@link SwarmServiceDeployment}. */
export interface SwarmServiceDeploymentProps extends SwarmOptions {
  /**
   * Image every service runs unless its spec names its own: a digest reference that every node
   * can pull.
   * @default - none: every service's spec names its image
   */
  readonly image?: string;
  /** Prefix of every service and network name, e.g. the environment name. May be a variable. */
  readonly namePrefix: string;
  /** The services, in any order: they are created and updated after those they depend on. */
  readonly services: readonly ServiceSpec[];
  /**
   * Labels set on every service, its containers and the network.
   * @default - none
   */
  readonly labels?: { readonly [name: string]: string };
}

/**
 * Services as Docker Swarm services on the deployment's own attachable overlay network: each
 * service runs its replicas (`<prefix>-<name>`, reached by name on the network, DNS round robin),
 * with its health check, environment variables and labels, and an init process in each container.
 * Containers run hardened: a non-root user, a read-only root filesystem (writable paths in
 * memory), every capability dropped, memory and CPU limits. Secrets are Docker secrets, mounted
 * read-only as `/run/secrets/<NAME>` for the service's user; a new value is a new secret.
 *
 * Updates roll: `updateParallelism` tasks at a time, start-first (the new task is healthy before
 * the old one stops), each watched for `monitorSeconds`; a failure rolls the service back by
 * itself, and the deploy waits for the rollout, so it fails when the rollout rolled back.
 *
 * A published service also gets `<prefix>-<name>-published`: `publishers` more tasks, at most one
 * per node, that publish the port in host mode (the routing mesh needs IPVS and iptables). One
 * node can give a host port to one task only, so these update stop-first (a short gap on the
 * published port), and only after every service of the deployment has rolled out: a rollout
 * that rolls back leaves the published port serving the version before.
 */
export class SwarmServiceDeployment extends Construct implements DeployedServices {
  /** The deployment's attachable overlay network: services, and probes, reach services by name. */
  public readonly network: Network;
  /** The Swarm service of each service name: its replicas on the network. */
  public readonly services: { readonly [service: string]: Service };
  /** The service that publishes the port of each published service. */
  public readonly publishers: { readonly [service: string]: Service };
  /** Each service's ID and a hash of what it runs, which changes with every update. */
  public readonly revisions: { readonly [name: string]: string };

  constructor(scope: Construct, id: string, props: SwarmServiceDeploymentProps) {
    super(scope, id);
    assertDeploymentShape(id, props, SWARM_OPTION_FIELDS);
    const ordered = validateAndOrder(id, props, (subject) => [
      ...swarmOptionProblems(subject, props),
      ...publisherNameClashes(subject, props.services),
    ]);
    const stack = TerraformStack.of(this);
    stack.addOverride(
      'terraform.required_providers.docker.version',
      SWARM_DEFAULTS.dockerProviderVersion,
    );
    const rollout = rolloutOf(props);
    const labels = labelList(props.labels);
    this.network = new Network(this, 'Network', {
      name: `${props.namePrefix}-net`,
      driver: 'overlay',
      attachable: true,
      labels,
    });
    const context: SwarmContext = {
      scope: this,
      props,
      labels,
      network: this.network,
      rollout,
      secrets: defineSecrets(this, ordered, props.namePrefix, labels),
    };
    const replicated = defineReplicatedServices(context, ordered);
    const publishing = definePublishers(context, ordered, replicated.services);
    this.services = replicated.services;
    this.publishers = publishing.services;
    this.revisions = {
      services: Fn.join(';', [...replicated.revisions, ...publishing.revisions]),
    };
  }
}

/** A label of a Docker resource. */
interface Label {
  readonly label: string;
  readonly value: string;
}

/** How the services of a deployment are placed, rolled out and rolled back. */
interface Rollout {
  /** Tasks of each publisher. */
  readonly publishers: number;
  readonly placement?: { constraints: string[] };
  readonly convergeConfig: { timeout: string; delay: string };
  /** How a service updates, in the given order (start-first or stop-first). */
  readonly update: (order: string) => ServiceUpdateConfig;
  /** How a service rolls back, in the given order (start-first or stop-first). */
  readonly rollback: (order: string) => ServiceRollbackConfig;
}

/** One of a service's Docker secrets, by the name of the secret it holds. */
interface ServiceSecret {
  readonly name: string;
  readonly secret: Secret;
}

/** What every Swarm service of a deployment is defined with. */
interface SwarmContext {
  /** The deployment, scope of its services. */
  readonly scope: Construct;
  readonly props: SwarmServiceDeploymentProps;
  readonly labels: readonly Label[];
  readonly network: Network;
  readonly rollout: Rollout;
  /** The Docker secrets of each service, by service name. */
  readonly secrets: ReadonlyMap<string, readonly ServiceSecret[]>;
}

/** What sets one Swarm service of a spec apart: its mode, its ports, and how it updates. */
type ServiceRest = Pick<
  ConstructorParameters<typeof Service>[2],
  'mode' | 'endpointSpec' | 'updateConfig' | 'rollbackConfig' | 'dependsOn'
>;

/** One Swarm service to define for a spec: a replicated service or a publisher. */
interface SwarmServiceInput {
  readonly constructId: string;
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly rest: ServiceRest;
  /** The names the service answers to on the network. */
  readonly aliases: readonly string[];
  /** Its replicas and published port, which its revision holds. */
  readonly inputs: { readonly replicas: number; readonly publishedPort?: number };
}

/** The Swarm services defined, by service name, and their revisions in order. */
interface DefinedServices {
  readonly services: { readonly [service: string]: Service };
  readonly revisions: readonly string[];
}

/** How the options place, roll out and roll back the services, with their defaults. */
function rolloutOf(props: SwarmOptions): Rollout {
  const parallelism = props.updateParallelism ?? SWARM_DEFAULTS.updateParallelism;
  const monitor = `${props.monitorSeconds ?? SWARM_DEFAULTS.monitorSeconds}s`;
  return {
    publishers: props.publishers ?? SWARM_DEFAULTS.publishers,
    placement:
      props.placement && props.placement.length > 0
        ? { constraints: [...props.placement] }
        : undefined,
    convergeConfig: {
      timeout: `${props.convergeTimeoutSeconds ?? SWARM_DEFAULTS.convergeTimeoutSeconds}s`,
      delay: '1s',
    },
    // A failed update rolls back; a failing rollback stops where it is.
    update: (order) => ({
      parallelism,
      delay: '0s',
      order,
      failureAction: 'rollback',
      monitor,
      maxFailureRatio: '0',
    }),
    rollback: (order) => ({
      parallelism,
      delay: '0s',
      order,
      failureAction: 'pause',
      monitor,
      maxFailureRatio: '0',
    }),
  };
}

/**
 * Defines one Docker secret per service and secret; returns them by service name. A secret cannot
 * change, so a new value makes a new one (its name holds a digest of the value), which the
 * service then mounts.
 */
function defineSecrets(
  scope: Construct,
  ordered: readonly ServiceSpec[],
  namePrefix: string,
  labels: readonly Label[],
): Map<string, ServiceSecret[]> {
  const secretsOf = new Map<string, ServiceSecret[]>();
  for (const spec of ordered) {
    secretsOf.set(
      spec.name,
      Object.entries(spec.secrets ?? {}).map(([name, value]) => ({
        name,
        secret: new Secret(scope, `${pascal(spec.name)}Secret${pascal(name.toLowerCase())}`, {
          name: `${namePrefix}-${spec.name}-${name.toLowerCase().replace(/_/g, '-')}-${Fn.substr(Fn.sha256(value), 0, 12)}`,
          data: Fn.base64encode(value),
          labels: [...labels, { label: SERVICE_LABEL, value: spec.name }],
          lifecycle: { createBeforeDestroy: true },
        }),
      })),
    );
  }
  return secretsOf;
}

/** Defines each spec's replicated service, reached by name, after those it depends on. */
function defineReplicatedServices(
  context: SwarmContext,
  ordered: readonly ServiceSpec[],
): DefinedServices {
  const { props, rollout } = context;
  const services: { [service: string]: Service } = {};
  const revisions: string[] = [];
  for (const spec of ordered) {
    const defined = defineService(context, {
      constructId: pascal(spec.name),
      name: `${props.namePrefix}-${spec.name}`,
      spec,
      rest: {
        mode: { replicated: { replicas: spec.replicas ?? 1 } },
        endpointSpec: { mode: 'dnsrr' },
        updateConfig: rollout.update('start-first'),
        rollbackConfig: rollout.rollback('start-first'),
        dependsOn: (spec.dependsOn ?? []).map((name) => services[name]),
      },
      aliases: [spec.name],
      inputs: { replicas: spec.replicas ?? 1 },
    });
    services[spec.name] = defined.service;
    revisions.push(defined.revision);
  }
  return { services, revisions };
}

/** Defines the publisher of each published spec, after every replicated service. */
function definePublishers(
  context: SwarmContext,
  ordered: readonly ServiceSpec[],
  replicated: { readonly [service: string]: Service },
): DefinedServices {
  const { props, rollout } = context;
  const publishers: { [service: string]: Service } = {};
  const revisions: string[] = [];
  for (const spec of ordered) {
    if (spec.publishedPort === undefined) continue;
    const defined = defineService(context, {
      constructId: `${pascal(spec.name)}Published`,
      name: `${props.namePrefix}-${spec.name}${SWARM_DEFAULTS.publisherSuffix}`,
      spec,
      rest: {
        mode: { replicated: { replicas: rollout.publishers } },
        endpointSpec: {
          mode: 'dnsrr',
          ports: [
            {
              targetPort: spec.port,
              publishedPort: spec.publishedPort,
              publishMode: 'host',
              protocol: 'tcp',
            },
          ],
        },
        // The new task needs the port the old one holds on its node: stop-first.
        updateConfig: rollout.update('stop-first'),
        rollbackConfig: rollout.rollback('stop-first'),
        dependsOn: Object.values(replicated),
      },
      // No alias: what calls the service by name reaches its replicas, which update start-first.
      aliases: [],
      inputs: { replicas: rollout.publishers, publishedPort: spec.publishedPort },
    });
    publishers[spec.name] = defined.service;
    revisions.push(defined.revision);
  }
  return { services: publishers, revisions };
}

/** Defines one Swarm service on the deployment's network; returns it and its revision. */
function defineService(
  context: SwarmContext,
  input: SwarmServiceInput,
): { service: Service; revision: string } {
  const { spec, rest, aliases } = input;
  const { placement, convergeConfig } = context.rollout;
  const serviceLabels = [...context.labels, { label: SERVICE_LABEL, value: spec.name }];
  const security = securityOf(spec);
  const secrets = context.secrets.get(spec.name) ?? [];
  const service = new Service(context.scope, input.constructId, {
    name: input.name,
    labels: serviceLabels,
    taskSpec: {
      containerSpec: containerSpecOf(spec, context.props, serviceLabels, security, secrets),
      placement,
      resources: {
        limits: {
          memoryBytes: scaled(spec.memoryMb ?? DEFAULTS.memoryMb, MIB),
          nanoCpus: scaled(spec.cpus ?? DEFAULTS.cpus, 1e9),
        },
      },
    },
    convergeConfig,
    // With constraints, the engine adds the image's platforms to the placement it reports:
    // not a change of ours, and without this every plan would update every service.
    lifecycle: placement ? { ignoreChanges: ['task_spec[0].placement[0].platforms'] } : undefined,
    ...rest,
  });
  // Beyond the 3.6 bindings (the constraint above asks for a provider that has them): an init
  // process forwards SIGTERM (a server as PID 1 may ignore it, and every stop would wait out
  // the grace period), and the network by ID (by name, every plan would replace the service).
  service.addOverride('task_spec.container_spec.init', true);
  service.addOverride('task_spec.networks_advanced', [
    { id: context.network.id, aliases: aliases.length > 0 ? aliases : undefined },
  ]);
  return { service, revision: revisionOf(context, input, service, security, secrets) };
}

/** The container of a spec's tasks: its image and environment, health check, hardening, secrets. */
function containerSpecOf(
  spec: ServiceSpec,
  props: SwarmServiceDeploymentProps,
  labels: Label[],
  security: Required<ServiceSecurity>,
  secrets: readonly ServiceSecret[],
): ServiceTaskSpecContainerSpec {
  return {
    image: imageOf(spec, props),
    env:
      secrets.length > 0
        ? Token.asStringMap(
            Fn.merge([
              spec.env ?? {},
              Object.fromEntries(
                secrets.map((s) => [`${s.name}_FILE`, `${SECRETS_DIRECTORY}/${s.name}`]),
              ),
            ]),
          )
        : spec.env,
    labels,
    healthcheck: { test: healthCheckOf(spec), ...healthCheckTimingOf(spec) },
    user: security.user,
    readOnly: security.readOnlyRootFilesystem,
    capDrop: ['ALL'],
    capAdd: security.capabilities.length > 0 ? [...security.capabilities] : undefined,
    mounts:
      security.writablePaths.length > 0
        ? security.writablePaths.map((path) => ({
            target: path,
            type: 'tmpfs',
            tmpfsOptions: { sizeBytes: TMPFS_BYTES },
          }))
        : undefined,
    secrets: secretFilesOf(secrets, security.user),
  };
}

/** How a service's secrets are mounted as files, if it has any. */
function secretFilesOf(
  secrets: readonly ServiceSecret[],
  user: string,
): ServiceTaskSpecContainerSpecSecrets[] | undefined {
  if (secrets.length === 0) return undefined;
  const numericUser = /^(\d+)(?::(\d+))?$/.exec(user);
  return secrets.map((s) => ({
    secretId: s.secret.id,
    secretName: s.secret.name,
    fileName: `${SECRETS_DIRECTORY}/${s.name}`,
    // Readable by the service's user alone when it is numeric.
    fileUid: numericUser ? numericUser[1] : undefined,
    fileGid: numericUser ? (numericUser[2] ?? numericUser[1]) : undefined,
    fileMode: numericUser ? 0o400 : 0o444,
  }));
}

/**
 * A service's revision: its ID, a hash of the values that may be variables, and a hash of the
 * literal rest of what it was given.
 */
function revisionOf(
  context: SwarmContext,
  input: SwarmServiceInput,
  service: Service,
  security: Required<ServiceSecurity>,
  secrets: readonly ServiceSecret[],
): string {
  const { spec, rest, aliases } = input;
  const { placement, convergeConfig } = context.rollout;
  // An update keeps the service's ID, so its revision is the ID and what it was given: the
  // values that may be variables, and a hash of the literal rest. (Not the service's own
  // attributes: the provider fills them in at apply, which the engine refuses in a trigger.)
  const literal = createHash('sha256')
    .update(
      JSON.stringify([
        spec.name,
        spec.port,
        healthCheckOf(spec),
        security,
        aliases,
        rest.updateConfig,
        rest.rollbackConfig,
        convergeConfig,
        ...(placement ? [placement] : []),
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return Fn.join(':', [
    service.id,
    Fn.sha1(
      Fn.jsonencode([
        imageOf(spec, context.props),
        spec.env ?? {},
        input.inputs.replicas,
        input.inputs.publishedPort ?? 0,
        spec.memoryMb ?? DEFAULTS.memoryMb,
        spec.cpus ?? DEFAULTS.cpus,
        secrets.map((s) => s.secret.name),
      ]),
    ),
    literal,
  ]);
}

/** Where a service's secrets are mounted: `/run/secrets/<NAME>`. */
const SECRETS_DIRECTORY = '/run/secrets';
const MIB = 1024 * 1024;
/** Size of the in-memory filesystem of a writable path. */
const TMPFS_BYTES = 64 * MIB;

/** `value × factor` as a whole number, where `value` may be a Terraform variable. */
function scaled(value: number, factor: number): number {
  return Token.isUnresolved(value)
    ? Token.asNumber(Fn.floor(Op.mul(value, factor)))
    : Math.floor(value * factor);
}

/** A published service's publisher must not take the name of another service. */
function publisherNameClashes(subject: string, services: readonly ServiceSpec[]): string[] {
  const names = new Set(services.map((s) => s.name));
  return services
    .filter((s) => s.publishedPort !== undefined)
    .map((s) => `${s.name}${SWARM_DEFAULTS.publisherSuffix}`)
    .filter((name) => names.has(name))
    .map((name) =>
      invalidValue(
        `${subject}, service '${name}'`,
        'name',
        `must not be '<published service>${SWARM_DEFAULTS.publisherSuffix}': on Swarm that is the name of the service publishing its port`,
        name,
        'Rename the service.',
      ),
    );
}

import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Fn, Op, TerraformCount, Token } from 'cdktf';
import { Construct } from 'constructs';

import { DEFAULTS } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { toposort } from '../private/toposort';

/** One service of a deployment: a container image run as one or more replicas. */
export interface ServiceSpec {
  /** Service name: the container's DNS alias on the network ('web', 'api'). */
  readonly name: string;
  /** Port the service listens on inside its container. */
  readonly port: number;
  /**
   * Host port on 127.0.0.1 for replica 0; replica N is published on `publishedPort + N`.
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
}

/** Props of {@link ServiceDeployment}. */
export interface ServiceDeploymentProps {
  /** Image every service runs: an image ID or a digest reference. */
  readonly image: string;
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
}

/**
 * Services as containers on their own bridge network: replicas, ports published on 127.0.0.1,
 * environment variables, health checks that the deploy waits for, a restart policy, and start
 * order (a service starts after the services it depends on are healthy).
 */
export class ServiceDeployment extends Construct {
  /** The deployment's own bridge network; services find each other by name on it. */
  public readonly network: Network;
  /** Containers per service name. */
  public readonly containers: { readonly [service: string]: Container };

  constructor(scope: Construct, id: string, props: ServiceDeploymentProps) {
    super(scope, id);
    const ordered = validateAndOrder(id, props.services);
    const labels = Object.entries(props.labels ?? {}).map(([label, value]) => ({ label, value }));
    this.network = new Network(this, 'Network', {
      name: `${props.namePrefix}-net`,
      driver: 'bridge',
      labels,
    });

    const containers: { [service: string]: Container } = {};
    for (const spec of ordered) {
      const count = TerraformCount.of(spec.replicas ?? 1);
      const index = Token.asString(count.index);
      containers[spec.name] = new Container(this, pascal(spec.name), {
        count,
        name: `${props.namePrefix}-${spec.name}-${index}`,
        image: props.image,
        env: envList(spec.env),
        networksAdvanced: [{ name: this.network.name, aliases: [spec.name] }],
        ports:
          spec.publishedPort === undefined
            ? undefined
            : [
                {
                  internal: spec.port,
                  external: Token.asNumber(Op.add(spec.publishedPort, count.index)),
                  ip: DEFAULTS.publishAddress,
                },
              ],
        healthcheck: {
          test: ['CMD', ...(spec.healthCheck ?? defaultHealthCheck(spec.port))],
          interval: '1s',
          timeout: '3s',
          retries: 3,
          startPeriod: '2s',
        },
        wait: true,
        waitTimeout: props.healthTimeoutSeconds ?? DEFAULTS.healthTimeoutSeconds,
        restart: DEFAULTS.restartPolicy,
        mustRun: true,
        labels: [...labels, { label: 'cdktf-pipeline.service', value: spec.name }],
        dependsOn: (spec.dependsOn ?? []).map((name) => containers[name]),
      });
    }
    this.containers = containers;
  }
}

function defaultHealthCheck(port: number): string[] {
  return ['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}/`];
}

function envList(env: ServiceSpec['env']): string[] | undefined {
  if (env === undefined) return undefined;
  if (Token.isUnresolved(env)) {
    return Token.asList(Fn.formatlist('%s=%s', [Fn.keys(env), Fn.values(env)]));
  }
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** Checks the services and returns them dependencies first. */
function validateAndOrder(id: string, services: readonly ServiceSpec[]): ServiceSpec[] {
  const problems: string[] = [];
  const byName = new Map<string, ServiceSpec>();
  const subject = `service deployment '${id}'`;
  if (services.length === 0) {
    problems.push(
      invalidValue(subject, 'services', 'must list at least one service', [], 'Add a service.'),
    );
  }
  for (const spec of services) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(spec.name)) {
      problems.push(
        invalidValue(
          subject,
          'services[].name',
          'must be lowercase letters, digits and -, starting with a letter, at most 31 characters',
          spec.name,
          'Rename the service, e.g. web or api.',
        ),
      );
    }
    if (byName.has(spec.name)) {
      problems.push(
        invalidValue(
          subject,
          'services[].name',
          'must be unique',
          spec.name,
          'Rename one of them.',
        ),
      );
    }
    byName.set(spec.name, spec);
    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
      problems.push(
        invalidValue(
          `${subject}, service '${spec.name}'`,
          'port',
          'must be a whole number from 1 to 65535',
          spec.port,
          'Set the port the service listens on inside its container.',
        ),
      );
    }
  }
  for (const spec of services) {
    for (const dep of spec.dependsOn ?? []) {
      if (!byName.has(dep)) {
        problems.push(
          invalidValue(
            `${subject}, service '${spec.name}'`,
            'dependsOn',
            `must name services of this deployment (${[...byName.keys()].join(', ')})`,
            dep,
            'Fix the name or add that service.',
          ),
        );
      }
    }
  }
  const { order, cycles } = toposort(
    services,
    (spec) => spec.name,
    (spec) => spec.dependsOn ?? [],
  );
  for (const cycle of problems.length === 0 ? cycles : []) {
    problems.push(
      invalidValue(
        subject,
        'dependsOn',
        'must not form a cycle',
        cycle.join(' -> '),
        'Remove one of the dependencies.',
      ),
    );
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return order;
}

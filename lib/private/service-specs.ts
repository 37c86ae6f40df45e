/**
 * What the renderers of services share, whatever they render to (containers, Swarm services):
 * the checks of a service list and its start order, the default health check and its timing,
 * construct IDs from service names, and label lists.
 */
import type { ServiceSpec } from '../constructs/service-deployment';

import { ConfigurationError, invalidValue } from './errors';
import { assertShape, Shape, shape } from './shape';
import { toposort } from './toposort';

/** What a service definition and a service spec share, in the order problems are listed. */
const serviceShape = (own: { readonly [field: string]: Shape }) =>
  shape.object({
    name: shape.string,
    port: shape.number,
    ...own,
    dependsOn: shape.optional(shape.list(shape.string)),
    env: shape.optional(shape.map(shape.string)),
    healthCheck: shape.optional(shape.list(shape.string)),
  });

/** What a delivery's service definition is made of. */
export const SERVICE_DEFINITION = serviceShape({ published: shape.optional(shape.boolean) });

/** What a service spec is made of (numbers and maps may be Terraform variables). */
const SERVICE_SPEC = serviceShape({
  publishedPort: shape.optional(shape.number),
  replicas: shape.optional(shape.number),
});

/**
 * Checks the shape of a deployment's props as JavaScript may pass them (every renderer's fields,
 * and `more` of its own) before anything reads them.
 */
export function assertDeploymentShape(
  id: string,
  props: unknown,
  more: { readonly [field: string]: Shape } = {},
): void {
  assertShape(
    `service deployment '${id}'`,
    props,
    shape.object({
      image: shape.string,
      namePrefix: shape.string,
      services: shape.list(SERVICE_SPEC),
      labels: shape.optional(shape.map(shape.string)),
      ...more,
    }),
    'Fix it in the props of the deployment.',
  );
}

/** Label on every container (and Swarm service) with the name of its service. */
export const SERVICE_LABEL = 'cdktf-pipeline.service';

/** Timing of every service's health check: the deploy waits for it to pass. */
export const HEALTH_CHECK_TIMING = {
  interval: '1s',
  timeout: '3s',
  retries: 3,
  startPeriod: '2s',
} as const;

/** The health check command of a service: its own, else a GET of `/` on its port. */
export function healthCheckOf(spec: ServiceSpec): string[] {
  return [
    'CMD',
    ...(spec.healthCheck ?? ['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${spec.port}/`]),
  ];
}

/** A construct ID from a service name: 'web' → 'Web', 'api-gateway' → 'ApiGateway'. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** A label map as the docker provider's `labels` blocks. */
export function labelList(labels: { readonly [name: string]: string } | undefined): {
  label: string;
  value: string;
}[] {
  return Object.entries(labels ?? {}).map(([label, value]) => ({ label, value }));
}

/**
 * Checks the services of a deployment (names, ports, dependencies) and returns them dependencies
 * first; `more` adds the problems a renderer has with them. Throws every problem at once.
 */
export function validateAndOrder(
  id: string,
  services: readonly ServiceSpec[],
  more: (subject: string) => readonly string[] = () => [],
): ServiceSpec[] {
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
  problems.push(...more(subject));
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

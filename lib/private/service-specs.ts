/**
 * What the renderers of services share, whatever they render to (containers, Swarm services):
 * the checks of a service list and its start order, the default health check and its timing,
 * construct IDs from service names, and label lists.
 */
import type {
  HealthCheckTiming,
  ServiceDefinition,
  ServiceSecurity,
} from '../constructs/service-definition';
import type { ServiceSpec } from '../constructs/service-deployment';

import { DEFAULTS } from './defaults';
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
    healthCheckTiming: shape.optional(
      shape.object({
        intervalSeconds: shape.optional(shape.number),
        timeoutSeconds: shape.optional(shape.number),
        retries: shape.optional(shape.number),
        startPeriodSeconds: shape.optional(shape.number),
      }),
    ),
    security: shape.optional(
      shape.object({
        user: shape.optional(shape.string),
        readOnlyRootFilesystem: shape.optional(shape.boolean),
        writablePaths: shape.optional(shape.list(shape.string)),
        capabilities: shape.optional(shape.list(shape.string)),
        allowPrivilegeEscalation: shape.optional(shape.boolean),
      }),
    ),
  });

/** What a delivery's service definition is made of. */
export const SERVICE_DEFINITION = serviceShape({
  image: shape.optional(shape.string),
  published: shape.optional(shape.boolean),
  secrets: shape.optional(shape.list(shape.string)),
});

/** What a service spec is made of (numbers and maps may be Terraform variables). */
const SERVICE_SPEC = serviceShape({
  image: shape.optional(shape.string),
  publishedPort: shape.optional(shape.number),
  replicas: shape.optional(shape.number),
  secrets: shape.optional(shape.map(shape.string)),
  memoryMb: shape.optional(shape.number),
  cpus: shape.optional(shape.number),
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
      image: shape.optional(shape.string),
      namePrefix: shape.string,
      services: shape.list(SERVICE_SPEC),
      labels: shape.optional(shape.map(shape.string)),
      ...more,
    }),
    'Fix it in the props of the deployment.',
  );
}

/** The image a service runs: its own, else the deployment's (validateAndOrder checks one is set). */
export function imageOf(spec: ServiceSpec, props: { readonly image?: string }): string {
  return spec.image ?? props.image ?? '';
}

/** Label on every container (and Swarm service) with the name of its service. */
export const SERVICE_LABEL = 'cdktf-pipeline.service';

/** A service's health-check timing, defaults filled in, as the docker provider takes it. */
export function healthCheckTimingOf(spec: { readonly healthCheckTiming?: HealthCheckTiming }): {
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
} {
  const timing = { ...DEFAULTS.healthCheckTiming, ...spec.healthCheckTiming };
  return {
    interval: `${timing.intervalSeconds}s`,
    timeout: `${timing.timeoutSeconds}s`,
    retries: timing.retries,
    startPeriod: `${timing.startPeriodSeconds}s`,
  };
}

/** The limits of each field of a health check's timing: lowest, highest, and how to fix it. */
const TIMING_LIMITS: readonly [keyof HealthCheckTiming, number, number, string][] = [
  ['intervalSeconds', 1, 3600, 'Set the seconds between two checks, e.g. 5.'],
  ['timeoutSeconds', 1, 3600, 'Set the seconds a check may take, e.g. 3.'],
  ['retries', 1, 100, 'Set how many failed checks in a row make it unhealthy, e.g. 3.'],
  ['startPeriodSeconds', 0, 3600, 'Set the seconds after the start that do not count, e.g. 10.'],
];

/** What is wrong with a service's health-check timing: each field a whole number in its range. */
export function healthCheckTimingProblems(
  subject: string,
  spec: { readonly healthCheckTiming?: HealthCheckTiming },
  fix: string,
): string[] {
  const timing = spec.healthCheckTiming ?? {};
  return TIMING_LIMITS.flatMap(([field, low, high, how]) => {
    const value = timing[field];
    return value === undefined || (Number.isInteger(value) && value >= low && value <= high)
      ? []
      : [
          invalidValue(
            subject,
            `healthCheckTiming.${field}`,
            `must be a whole number from ${low} to ${high}`,
            value,
            `${fix} ${how}`,
          ),
        ];
  });
}

/** The health check command of a service: its own, else a GET of `/` on its port. */
export function healthCheckOf(spec: ServiceSpec): string[] {
  return [
    'CMD',
    ...(spec.healthCheck ?? ['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${spec.port}/`]),
  ];
}

/** Options of the in-memory filesystem of a writable path: no devices, no set-uid programs. */
export const TMPFS_OPTIONS = 'rw,nosuid,nodev,size=64m';

/** A service's security settings, defaults filled in. */
export function securityOf(spec: {
  readonly security?: ServiceSecurity;
}): Required<ServiceSecurity> {
  const given = spec.security ?? {};
  return {
    user: given.user ?? DEFAULTS.security.user,
    readOnlyRootFilesystem:
      given.readOnlyRootFilesystem ?? DEFAULTS.security.readOnlyRootFilesystem,
    writablePaths: given.writablePaths ?? [],
    capabilities: given.capabilities ?? [],
    allowPrivilegeEscalation:
      given.allowPrivilegeEscalation ?? DEFAULTS.security.allowPrivilegeEscalation,
  };
}

/** A secret's name: what the service reads (an environment variable or a file's name). */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,62}$/;

/**
 * The problems of a service's security settings and secret names, as `subject` (e.g. "service
 * 'web'") with `fix` the place to fix them.
 */
export function securityProblems(
  subject: string,
  spec: { readonly security?: ServiceSecurity },
  secretNames: readonly string[],
  fix: string,
): string[] {
  const problems: string[] = [];
  const security = securityOf(spec);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(security.user)) {
    problems.push(
      invalidValue(
        subject,
        'security.user',
        "must be a user and optional group, e.g. '65534:65534' or 'app'",
        security.user,
        fix,
      ),
    );
  } else if (/^0*(:|$)|^root(:|$)/.test(security.user)) {
    problems.push(
      invalidValue(
        subject,
        'security.user',
        'must not be root: a container runs as a user without privileges',
        security.user,
        `${fix} Use a user of the image other than root, e.g. '65534:65534'.`,
      ),
    );
  }
  for (const path of security.writablePaths) {
    if (!/^\/[^\s,:]*$/.test(path) || path === '/' || path.split('/').includes('..')) {
      problems.push(
        invalidValue(
          subject,
          'security.writablePaths',
          "must be absolute paths below / without spaces, commas, ':' or '..', e.g. '/tmp'",
          path,
          fix,
        ),
      );
    }
  }
  for (const cap of security.capabilities) {
    if (!/^[A-Z][A-Z_]+$/.test(cap) || cap.startsWith('CAP_') || cap === 'ALL') {
      problems.push(
        invalidValue(
          subject,
          'security.capabilities',
          "must be capability names without 'CAP_', e.g. 'NET_BIND_SERVICE' (all others are dropped)",
          cap,
          fix,
        ),
      );
    }
  }
  const seen = new Set<string>();
  for (const name of secretNames) {
    if (!SECRET_NAME.test(name)) {
      problems.push(
        invalidValue(
          subject,
          'secrets',
          'must be uppercase letters, digits and _, starting with a letter, at most 63 characters',
          name,
          `${fix} Name the secret e.g. API_TOKEN.`,
        ),
      );
    } else if (seen.has(name)) {
      problems.push(invalidValue(subject, 'secrets', 'must be unique', name, fix));
    }
    seen.add(name);
  }
  return problems;
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
  props: { readonly image?: string; readonly services: readonly ServiceSpec[] },
  more: (subject: string) => readonly string[] = () => [],
): ServiceSpec[] {
  const services = props.services;
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
    if (spec.image === undefined && props.image === undefined) {
      problems.push(
        invalidValue(
          `${subject}, service '${spec.name}'`,
          'image',
          'must be set when the deployment has no image of its own',
          undefined,
          "Set the service's image, or the deployment's image that every service runs.",
        ),
      );
    }
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
  for (const spec of services) {
    problems.push(
      ...securityProblems(
        `${subject}, service '${spec.name}'`,
        spec,
        Object.keys(spec.secrets ?? {}),
        'Fix it in the service spec.',
      ),
      ...healthCheckTimingProblems(
        `${subject}, service '${spec.name}'`,
        spec,
        'Fix it in the service spec.',
      ),
    );
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

/** Each service runs an image of the release; with several images, each says which. */
export function serviceImageProblems(
  services: readonly Pick<ServiceDefinition, 'name' | 'image'>[],
  images: readonly string[],
): string[] {
  const names = images.join(', ');
  return services.flatMap((service) => {
    if (service.image === undefined ? images.length === 1 : images.includes(service.image)) {
      return [];
    }
    return [
      invalidValue(
        `service '${service.name}'`,
        'image',
        images.length === 1
          ? `must name the delivery's image (${names}), or be left out`
          : `must name one of the delivery's images (${names})`,
        service.image,
        `Set image in the service's definition to the image it runs, e.g. '${images[0]}'.`,
      ),
    ];
  });
}

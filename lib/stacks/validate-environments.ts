import { ServiceDefinition } from '../constructs/service-definition';
import {
  DEFAULTS,
  engineVariable,
  secretVariable,
  SERVICE_NAME_VARIABLE,
} from '../private/defaults';
import { ENVIRONMENT_SHAPE } from '../private/environment-shape';
import { ConfigurationError, invalidValue } from '../private/errors';
import { namePrefixProblem } from '../private/name-prefix';
import { SINGLE_IMAGE } from '../private/release';
import {
  securityProblems,
  SERVICE_DEFINITION,
  serviceImageProblems,
} from '../private/service-specs';
import { settingValueProblems } from '../private/setting-problems';
import { shapeProblems } from '../private/shape';
import { toposort } from '../private/toposort';

import { DeploymentTarget } from './deployment-target';
import { EnvironmentConfig } from './environment-config';
import { Settings } from './setting';

const maxReplicas: number = DEFAULTS.maxReplicas;

/**
 * The shape problems of the services and the environments (as JavaScript may pass them, without
 * types), and the environments whose shape is sound, which the other checks then read.
 */
function shapeOf(
  environments: readonly unknown[],
  services: unknown,
): { problems: string[]; sound: EnvironmentConfig[]; soundServices: boolean } {
  const problems: string[] = [];
  const serviceList = Array.isArray(services) ? (services as unknown[]) : undefined;
  if (serviceList === undefined) {
    problems.push(
      invalidValue(
        'delivery',
        'services',
        'must be a list of service definitions',
        services,
        'Pass the services the delivery deploys.',
      ),
    );
  }
  (serviceList ?? []).forEach((service, i) => {
    const name = (service as { name?: unknown } | null)?.name;
    const subject = typeof name === 'string' ? `service '${name}'` : `service #${i + 1}`;
    problems.push(
      ...shapeProblems(
        subject,
        '',
        service,
        SERVICE_DEFINITION,
        'Fix the service definition.',
        'service',
      ),
    );
  });
  if (serviceList !== undefined && problems.length === 0) {
    for (const service of serviceList as ServiceDefinition[]) {
      problems.push(
        ...securityProblems(
          `service '${service.name}'`,
          service,
          service.secrets ?? [],
          'Fix the service definition.',
        ),
      );
    }
  }
  const soundServices = serviceList !== undefined && problems.length === 0;
  const sound: EnvironmentConfig[] = [];
  environments.forEach((environment, i) => {
    const { name, source } = (environment ?? {}) as { name?: unknown; source?: unknown };
    const subject = typeof name === 'string' ? `environment '${name}'` : `environment #${i + 1}`;
    const fix =
      typeof source === 'string'
        ? `Fix it in ${source}.`
        : "Fix the environment's configuration (and set its source, the file it comes from).";
    const found = shapeProblems(subject, '', environment, ENVIRONMENT_SHAPE, fix, 'environment');
    problems.push(...found);
    if (found.length === 0) sound.push(environment as EnvironmentConfig);
  });
  return { problems, sound, soundServices };
}

/** Options of {@link validateEnvironments}. */
export interface ValidateEnvironmentsOptions {
  /** Project root: approval records are read relative to it. */
  readonly projectRoot: string;
  /**
   * Name of the image stage, where promotion starts; no environment may take it.
   * @default 'image'
   */
  readonly imageStage?: string;
  /**
   * Host ports that something else holds on the deployment host, by what holds them.
   * @default - port 5000, the local registry
   */
  readonly reservedPorts?: { readonly [port: number]: string };
  /**
   * Where the services run: how many host ports a published service takes, and what else the
   * target refuses.
   * @default DeploymentTarget.containers()
   */
  readonly target?: DeploymentTarget;
  /**
   * The delivery's name prefix, checked with the environments.
   * @default ''
   */
  readonly namePrefix?: string;
  /**
   * The delivery's own settings: each environment's values are checked against them.
   * @default - none: an environment gives no settings
   */
  readonly settings?: Settings;
  /**
   * The names of the images of a release: what each service runs, and what approval records
   * name.
   * @default ['app'] (a delivery of one image)
   */
  readonly images?: readonly string[];
}

/**
 * Checks every environment against the delivery's services and against each other, collects
 * every problem, and throws them all at once. Returns the approved releases per environment, each
 * as its key (see `Approval.read`).
 */
export function validateEnvironments(
  environments: readonly EnvironmentConfig[],
  services: readonly ServiceDefinition[],
  options: ValidateEnvironmentsOptions,
): { readonly [environment: string]: string[] } {
  const root = options.projectRoot;
  const imageStage = options.imageStage ?? DEFAULTS.imageStage;
  const reservedNames = [imageStage];
  const reservedPorts = options.reservedPorts ?? { 5000: 'the local registry' };
  const reservedPortList = Object.keys(reservedPorts).map(Number);
  const target = options.target ?? DeploymentTarget.containers();
  // Containers publish each replica on its own port; Swarm publishes one port per service.
  const portRule =
    target.publishedPorts(2) > 1
      ? 'must leave ports 1024 to 65535 for all replicas (port + replicas - 1)'
      : 'must be a whole number from 1024 to 65535';
  if (!Array.isArray(environments)) {
    throw new ConfigurationError([
      invalidValue(
        'delivery',
        'environments',
        'must be a list of environments',
        environments,
        'Pass the environments the delivery deploys to.',
      ),
    ]);
  }
  const shapes = shapeOf(environments, services);
  const problems: string[] = [...shapes.problems];
  const prefixProblem = namePrefixProblem(
    'delivery',
    options.namePrefix ?? '',
    'Fix it in the props of the Delivery.',
  );
  if (prefixProblem !== undefined) problems.push(prefixProblem);
  if (!shapes.soundServices) {
    // Every other check reads the services: stop at what is there.
    throw new ConfigurationError(problems);
  }
  // Upstreams may name any environment with a name, even one whose shape is broken.
  const names = (environments as readonly unknown[])
    .map((e) => (e as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === 'string');
  environments = shapes.sound;
  const images = options.images ?? [SINGLE_IMAGE];
  problems.push(...serviceImageProblems(services, images));
  const approved: { [environment: string]: string[] } = {};
  const ports: { env: string; service: string; from: number; to: number }[] = [];

  // The environments on a cycle of upstreams, found in one walk of them all.
  const onCycle = new Set(promotionCycles(environments, imageStage).flat());
  for (const env of environments) {
    const subject = `environment '${env.name}'`;
    const fix = (what: string) => `Set ${what} in ${env.source}.`;
    const problem = (field: string, rule: string, value: unknown, hint: string) =>
      problems.push(invalidValue(subject, field, rule, value, hint));

    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(env.name) || env.name.length > 40) {
      problem(
        'name',
        'must be lowercase letters and digits in dash-separated words, at most 40 characters',
        env.name,
        'Use a name such as staging or review-42.',
      );
    }
    if (reservedNames.includes(env.name)) {
      problem(
        'name',
        `must not be a reserved stage name (${reservedNames.join(', ')})`,
        env.name,
        'Rename the environment.',
      );
    }
    if (environments.findIndex((e) => e.name === env.name) !== environments.indexOf(env)) {
      problem('name', 'must be unique among environments', env.name, 'Rename one of them.');
    }
    if (env.upstream === env.name) {
      problem(
        'upstream',
        'must name another stage, not the environment itself',
        env.upstream,
        fix('upstream'),
      );
    } else if (env.upstream !== imageStage && !names.includes(env.upstream)) {
      problem(
        'upstream',
        `must be '${imageStage}' or another environment${list(names.filter((n) => n !== env.name))}`,
        env.upstream,
        fix('upstream'),
      );
    } else if (onCycle.has(env.name)) {
      problem('upstream', 'must not lead back to this environment', env.upstream, fix('upstream'));
    }

    if (env.publishAddress !== undefined && !isIpv4(env.publishAddress)) {
      problem(
        'publishAddress',
        "must be an IPv4 address of the host, or '0.0.0.0' for every address",
        env.publishAddress,
        `${fix('publishAddress')} Leave it unset for 127.0.0.1.`,
      );
    }
    for (const def of services) {
      const settings = env.services[def.name];
      const field = `services.${def.name}`;
      if (settings === undefined) {
        problem(field, 'must be set for every service of the delivery', undefined, fix(field));
        continue;
      }
      if (
        settings.memoryMb !== undefined &&
        (!Number.isInteger(settings.memoryMb) ||
          settings.memoryMb < DEFAULTS.minMemoryMb ||
          settings.memoryMb > MAX_MEMORY_MB)
      ) {
        problem(
          `${field}.memoryMb`,
          `must be a whole number of MiB from ${DEFAULTS.minMemoryMb} to ${MAX_MEMORY_MB}`,
          settings.memoryMb,
          fix(`${field}.memoryMb`),
        );
      }
      if (
        settings.cpus !== undefined &&
        (!Number.isFinite(settings.cpus) || settings.cpus < MIN_CPUS || settings.cpus > MAX_CPUS)
      ) {
        problem(
          `${field}.cpus`,
          `must be a number of CPUs from ${MIN_CPUS} to ${MAX_CPUS}, e.g. 0.5`,
          settings.cpus,
          fix(`${field}.cpus`),
        );
      }
      if (
        !Number.isInteger(settings.replicas) ||
        settings.replicas < 1 ||
        settings.replicas > maxReplicas
      ) {
        problem(
          `${field}.replicas`,
          `must be a whole number from 1 to ${maxReplicas}`,
          settings.replicas,
          fix(`${field}.replicas`),
        );
      }
      if (def.published && settings.port === undefined) {
        problem(
          `${field}.port`,
          'must be set: the service is published',
          undefined,
          fix(`${field}.port`),
        );
      }
      if (!def.published && settings.port !== undefined) {
        problem(
          `${field}.port`,
          'must not be set: the service is not published',
          settings.port,
          `Remove port from ${field} in ${env.source}.`,
        );
      }
      const port = settings.port;
      if (port !== undefined) {
        const span = target.publishedPorts(
          Math.max(1, Number.isInteger(settings.replicas) ? settings.replicas : 1),
        );
        const last = port + span - 1;
        if (!Number.isInteger(port) || port < 1024 || last > 65535) {
          problem(`${field}.port`, portRule, port, fix(`${field}.port`));
        } else {
          const reserved = reservedPortList.find((p) => p >= port && p <= last);
          if (reserved !== undefined) {
            problem(
              `${field}.port`,
              `must not cover port ${reserved}, which ${reservedPorts[reserved]} uses`,
              settings.port,
              fix(`${field}.port`),
            );
          }
          ports.push({ env: env.name, service: def.name, from: port, to: last });
        }
      }
      for (const [name, value] of Object.entries(settings.env ?? {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          problem(
            `${field}.env`,
            'names must be letters, digits and _, not starting with a digit',
            name,
            `Rename that variable in ${env.source}.`,
          );
        }
        if (typeof value !== 'string' || /[\n\r\0]/.test(value)) {
          problem(
            `${field}.env.${name}`,
            'must be a one-line string',
            value,
            `Fix that value in ${env.source}.`,
          );
        }
        // What the delivery defines is the same in every environment: no environment overrides it.
        const secret = (def.secrets ?? []).find((s) => name === s || name === `${s}_FILE`);
        if (secret !== undefined) {
          problem(
            `${field}.env.${name}`,
            `must not be set: service '${def.name}' reads the secret ${secret} from it`,
            value,
            `Remove ${name} from ${field}.env in ${env.source}; give the secret's value in ${engineVariable(secretVariable(secret))} or the environment's secrets file.`,
          );
        } else if (name === SERVICE_NAME_VARIABLE || Object.hasOwn(def.env ?? {}, name)) {
          problem(
            `${field}.env.${name}`,
            `must not be set: the delivery defines it for service '${def.name}'`,
            value,
            `Remove ${name} from ${field}.env in ${env.source}, or change it in the service definition (for every environment).`,
          );
        }
      }
    }
    for (const key of Object.keys(env.services)) {
      if (!services.some((s) => s.name === key)) {
        problem(
          `services.${key}`,
          `must name a service of the delivery (${services.map((s) => s.name).join(', ')})`,
          key,
          `Remove it from ${env.source}, or add the service to the delivery.`,
        );
      }
    }
    problems.push(...settingValueProblems(env, options.settings ?? {}));
    problems.push(...target.environmentProblems(env, services));
    const record = env.approval.read(root, subject, images);
    problems.push(...record.problems);
    approved[env.name] = record.releases;
  }

  ports.forEach((a, i) =>
    ports.slice(i + 1).forEach((b) => {
      if (a.from <= b.to && b.from <= a.to) {
        problems.push(
          invalidValue(
            `environment '${b.env}'`,
            `services.${b.service}.port`,
            `must not overlap the ports of environment '${a.env}' service '${a.service}' (${a.from}-${a.to}) on the same host`,
            b.from,
            `Pick a free port range for '${b.env}'.`,
          ),
        );
      }
    }),
  );

  if (problems.length > 0) throw new ConfigurationError(problems);
  return approved;
}

const MAX_MEMORY_MB = 1024 * 1024;
const MIN_CPUS = 0.01;
const MAX_CPUS = 256;

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function list(names: readonly string[]): string {
  return names.length ? ` (${names.join(', ')})` : '';
}

/**
 * The cycles of upstreams among the environments: every other path ends at the image stage, where
 * promotions start.
 */
function promotionCycles(all: readonly EnvironmentConfig[], imageStage: string): string[][] {
  return toposort(
    all,
    (e) => e.name,
    (e) => (e.upstream === imageStage ? [] : [e.upstream]),
  ).cycles;
}

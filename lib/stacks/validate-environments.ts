import { ServiceDefinition } from '../constructs/service-definition';
import {
  DEFAULTS,
  engineVariable,
  secretVariable,
  SERVICE_NAME_VARIABLE,
} from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { SINGLE_IMAGE } from '../private/release';
import {
  healthCheckTimingProblems,
  securityProblems,
  SERVICE_DEFINITION,
  serviceImageProblems,
} from '../private/service-specs';
import { shapeProblems } from '../private/shape';
import { toposort } from '../private/toposort';

import { DeploymentTarget } from './deployment-target';
import { EnvironmentConfig, ServiceSettings } from './environment-config';
import { ENVIRONMENT_SHAPE } from './private/environment-shape';
import { namePrefixProblem } from './private/name-prefix';
import { settingValueProblems } from './private/setting-problems';
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
        ...healthCheckTimingProblems(
          `service '${service.name}'`,
          service,
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
  const rules = rulesOf(options);
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
  problems.push(...serviceImageProblems(services, rules.images));
  const checks: Checks = {
    ...rules,
    services,
    environments: shapes.sound,
    // Upstreams may name any environment with a name, even one whose shape is broken.
    names: (environments as readonly unknown[])
      .map((e) => (e as { name?: unknown } | null)?.name)
      .filter((name): name is string => typeof name === 'string'),
    // The environments on a cycle of upstreams, found in one walk of them all.
    onCycle: new Set(promotionCycles(shapes.sound, rules.imageStage).flat()),
  };
  const approved: { [environment: string]: string[] } = {};
  const ports: PortRange[] = [];
  for (const env of checks.environments) {
    const checked = checkEnvironment(env, checks);
    problems.push(...checked.problems);
    ports.push(...checked.ports);
    approved[env.name] = checked.releases;
  }
  problems.push(...overlapProblems(ports));

  if (problems.length > 0) throw new ConfigurationError(problems);
  return approved;
}

/** What the options hold every environment to: the reserved names and ports, and the target. */
interface Rules {
  readonly projectRoot: string;
  readonly imageStage: string;
  readonly reservedNames: readonly string[];
  readonly reservedPorts: { readonly [port: number]: string };
  readonly reservedPortList: readonly number[];
  readonly target: DeploymentTarget;
  /** What a published port must be, as the target publishes the replicas. */
  readonly portRule: string;
  readonly settings: Settings;
  readonly images: readonly string[];
}

/** The rules, the delivery's services, and the environments an environment is checked against. */
interface Checks extends Rules {
  readonly services: readonly ServiceDefinition[];
  /** The environments whose shape is sound. */
  readonly environments: readonly EnvironmentConfig[];
  /** The name of every environment that has one, sound or not. */
  readonly names: readonly string[];
  /** The environments on a cycle of upstreams. */
  readonly onCycle: ReadonlySet<string>;
}

/** The host ports one environment's service publishes. */
interface PortRange {
  readonly env: string;
  readonly service: string;
  readonly from: number;
  readonly to: number;
}

/** The rules of {@link validateEnvironments}' options, with their defaults. */
function rulesOf(options: ValidateEnvironmentsOptions): Rules {
  const reservedPorts = options.reservedPorts ?? { 5000: 'the local registry' };
  const target = options.target ?? DeploymentTarget.containers();
  return {
    projectRoot: options.projectRoot,
    imageStage: options.imageStage ?? DEFAULTS.imageStage,
    reservedNames: [options.imageStage ?? DEFAULTS.imageStage],
    reservedPorts,
    reservedPortList: Object.keys(reservedPorts).map(Number),
    target,
    // Containers publish each replica on its own port; Swarm publishes one port per service.
    portRule:
      target.publishedPorts(2) > 1
        ? 'must leave ports 1024 to 65535 for all replicas (port + replicas - 1)'
        : 'must be a whole number from 1024 to 65535',
    settings: options.settings ?? {},
    images: options.images ?? [SINGLE_IMAGE],
  };
}

/**
 * Checks one environment of sound shape; returns its problems, the host ports its services
 * publish, and its approved releases.
 */
function checkEnvironment(
  env: EnvironmentConfig,
  checks: Checks,
): { problems: string[]; ports: PortRange[]; releases: string[] } {
  const problems = [
    ...nameProblems(env, checks),
    ...upstreamProblems(env, checks),
    ...publishAddressProblems(env),
  ];
  const ports: PortRange[] = [];
  for (const def of checks.services) {
    const checked = checkServiceSettings(env, def, checks);
    problems.push(...checked.problems);
    ports.push(...checked.ports);
  }
  problems.push(...unknownServiceProblems(env, checks.services));
  problems.push(...settingValueProblems(env, checks.settings));
  problems.push(...checks.target.environmentProblems(env, checks.services));
  const record = env.approval.read(checks.projectRoot, `environment '${env.name}'`, checks.images);
  problems.push(...record.problems);
  return { problems, ports, releases: record.releases };
}

/** A problem with a field of an environment. */
function fieldProblem(
  env: EnvironmentConfig,
  field: string,
  rule: string,
  value: unknown,
  hint: string,
): string {
  return invalidValue(`environment '${env.name}'`, field, rule, value, hint);
}

/** The hint to set a field in the environment's source. */
function setIn(env: EnvironmentConfig, field: string): string {
  return `Set ${field} in ${env.source}.`;
}

/** The problems of an environment's name: its form, a reserved name, a name taken before. */
function nameProblems(env: EnvironmentConfig, checks: Checks): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(env.name) || env.name.length > 40) {
    problems.push(
      fieldProblem(
        env,
        'name',
        'must be lowercase letters and digits in dash-separated words, at most 40 characters',
        env.name,
        'Use a name such as staging or review-42.',
      ),
    );
  }
  if (checks.reservedNames.includes(env.name)) {
    problems.push(
      fieldProblem(
        env,
        'name',
        `must not be a reserved stage name (${checks.reservedNames.join(', ')})`,
        env.name,
        'Rename the environment.',
      ),
    );
  }
  const { environments } = checks;
  if (environments.findIndex((e) => e.name === env.name) !== environments.indexOf(env)) {
    problems.push(
      fieldProblem(
        env,
        'name',
        'must be unique among environments',
        env.name,
        'Rename one of them.',
      ),
    );
  }
  return problems;
}

/** The problem of an environment's upstream: itself, no stage, or a cycle back to it. */
function upstreamProblems(env: EnvironmentConfig, checks: Checks): string[] {
  const { imageStage, names } = checks;
  if (env.upstream === env.name) {
    return [
      fieldProblem(
        env,
        'upstream',
        'must name another stage, not the environment itself',
        env.upstream,
        setIn(env, 'upstream'),
      ),
    ];
  }
  if (env.upstream !== imageStage && !names.includes(env.upstream)) {
    return [
      fieldProblem(
        env,
        'upstream',
        `must be '${imageStage}' or another environment${list(names.filter((n) => n !== env.name))}`,
        env.upstream,
        setIn(env, 'upstream'),
      ),
    ];
  }
  if (checks.onCycle.has(env.name)) {
    return [
      fieldProblem(
        env,
        'upstream',
        'must not lead back to this environment',
        env.upstream,
        setIn(env, 'upstream'),
      ),
    ];
  }
  return [];
}

/** The problem of an environment's publish address, when it is not an IPv4 address. */
function publishAddressProblems(env: EnvironmentConfig): string[] {
  if (env.publishAddress === undefined || isIpv4(env.publishAddress)) return [];
  return [
    fieldProblem(
      env,
      'publishAddress',
      "must be an IPv4 address of the host, or '0.0.0.0' for every address",
      env.publishAddress,
      `${setIn(env, 'publishAddress')} Leave it unset for 127.0.0.1.`,
    ),
  ];
}

/**
 * Checks the settings an environment gives one service of the delivery; returns their problems
 * and the host ports the service publishes.
 */
function checkServiceSettings(
  env: EnvironmentConfig,
  def: ServiceDefinition,
  rules: Rules,
): { problems: string[]; ports: PortRange[] } {
  const settings = env.services[def.name];
  const field = `services.${def.name}`;
  if (settings === undefined) {
    return {
      problems: [
        fieldProblem(
          env,
          field,
          'must be set for every service of the delivery',
          undefined,
          setIn(env, field),
        ),
      ],
      ports: [],
    };
  }
  const port = portProblems(env, def, settings, rules);
  return {
    problems: [
      ...limitProblems(env, field, settings),
      ...port.problems,
      ...variableProblems(env, def, settings),
    ],
    ports: port.range === undefined ? [] : [port.range],
  };
}

/** The problems of a service's memory and CPU limits and of its replicas. */
function limitProblems(env: EnvironmentConfig, field: string, settings: ServiceSettings): string[] {
  const problems: string[] = [];
  if (
    settings.memoryMb !== undefined &&
    (!Number.isInteger(settings.memoryMb) ||
      settings.memoryMb < DEFAULTS.minMemoryMb ||
      settings.memoryMb > MAX_MEMORY_MB)
  ) {
    problems.push(
      fieldProblem(
        env,
        `${field}.memoryMb`,
        `must be a whole number of MiB from ${DEFAULTS.minMemoryMb} to ${MAX_MEMORY_MB}`,
        settings.memoryMb,
        setIn(env, `${field}.memoryMb`),
      ),
    );
  }
  if (
    settings.cpus !== undefined &&
    (!Number.isFinite(settings.cpus) || settings.cpus < MIN_CPUS || settings.cpus > MAX_CPUS)
  ) {
    problems.push(
      fieldProblem(
        env,
        `${field}.cpus`,
        `must be a number of CPUs from ${MIN_CPUS} to ${MAX_CPUS}, e.g. 0.5`,
        settings.cpus,
        setIn(env, `${field}.cpus`),
      ),
    );
  }
  if (
    !Number.isInteger(settings.replicas) ||
    settings.replicas < 1 ||
    settings.replicas > maxReplicas
  ) {
    problems.push(
      fieldProblem(
        env,
        `${field}.replicas`,
        `must be a whole number from 1 to ${maxReplicas}`,
        settings.replicas,
        setIn(env, `${field}.replicas`),
      ),
    );
  }
  return problems;
}

/**
 * The problems of a service's port: set exactly when the service is published, and its range of
 * host ports within bounds and clear of reserved ports. Returns the range when it is within
 * bounds.
 */
function portProblems(
  env: EnvironmentConfig,
  def: ServiceDefinition,
  settings: ServiceSettings,
  rules: Rules,
): { problems: string[]; range?: PortRange } {
  const field = `services.${def.name}.port`;
  const problems: string[] = [];
  if (def.published && settings.port === undefined) {
    problems.push(
      fieldProblem(
        env,
        field,
        'must be set: the service is published',
        undefined,
        setIn(env, field),
      ),
    );
  }
  if (!def.published && settings.port !== undefined) {
    problems.push(
      fieldProblem(
        env,
        field,
        'must not be set: the service is not published',
        settings.port,
        `Remove port from services.${def.name} in ${env.source}.`,
      ),
    );
  }
  const port = settings.port;
  if (port === undefined) return { problems };
  const span = rules.target.publishedPorts(
    Math.max(1, Number.isInteger(settings.replicas) ? settings.replicas : 1),
  );
  const last = port + span - 1;
  if (!Number.isInteger(port) || port < 1024 || last > 65535) {
    problems.push(fieldProblem(env, field, rules.portRule, port, setIn(env, field)));
    return { problems };
  }
  const reserved = rules.reservedPortList.find((p) => p >= port && p <= last);
  if (reserved !== undefined) {
    problems.push(
      fieldProblem(
        env,
        field,
        `must not cover port ${reserved}, which ${rules.reservedPorts[reserved]} uses`,
        settings.port,
        setIn(env, field),
      ),
    );
  }
  return { problems, range: { env: env.name, service: def.name, from: port, to: last } };
}

/**
 * The problems of the environment variables an environment gives a service: their names and
 * values, and any variable the delivery defines itself.
 */
function variableProblems(
  env: EnvironmentConfig,
  def: ServiceDefinition,
  settings: ServiceSettings,
): string[] {
  const field = `services.${def.name}`;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(settings.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push(
        fieldProblem(
          env,
          `${field}.env`,
          'names must be letters, digits and _, not starting with a digit',
          name,
          `Rename that variable in ${env.source}.`,
        ),
      );
    }
    if (typeof value !== 'string' || /[\n\r\0]/.test(value)) {
      problems.push(
        fieldProblem(
          env,
          `${field}.env.${name}`,
          'must be a one-line string',
          value,
          `Fix that value in ${env.source}.`,
        ),
      );
    }
    problems.push(...overriddenVariableProblems(env, def, name, value));
  }
  return problems;
}

/** The problem of an environment variable that the delivery defines for the service. */
function overriddenVariableProblems(
  env: EnvironmentConfig,
  def: ServiceDefinition,
  name: string,
  value: unknown,
): string[] {
  const field = `services.${def.name}`;
  // What the delivery defines is the same in every environment: no environment overrides it.
  const secret = (def.secrets ?? []).find((s) => name === s || name === `${s}_FILE`);
  if (secret !== undefined) {
    return [
      fieldProblem(
        env,
        `${field}.env.${name}`,
        `must not be set: service '${def.name}' reads the secret ${secret} from it`,
        value,
        `Remove ${name} from ${field}.env in ${env.source}; give the secret's value in ${engineVariable(secretVariable(secret))} or the environment's secrets file.`,
      ),
    ];
  }
  if (name === SERVICE_NAME_VARIABLE || Object.hasOwn(def.env ?? {}, name)) {
    return [
      fieldProblem(
        env,
        `${field}.env.${name}`,
        `must not be set: the delivery defines it for service '${def.name}'`,
        value,
        `Remove ${name} from ${field}.env in ${env.source}, or change it in the service definition (for every environment).`,
      ),
    ];
  }
  return [];
}

/** The problems of services an environment gives settings for that the delivery does not have. */
function unknownServiceProblems(
  env: EnvironmentConfig,
  services: readonly ServiceDefinition[],
): string[] {
  return Object.keys(env.services)
    .filter((key) => !services.some((s) => s.name === key))
    .map((key) =>
      fieldProblem(
        env,
        `services.${key}`,
        `must name a service of the delivery (${services.map((s) => s.name).join(', ')})`,
        key,
        `Remove it from ${env.source}, or add the service to the delivery.`,
      ),
    );
}

/** The problems of published port ranges that overlap on the one host, each for the later one. */
function overlapProblems(ports: readonly PortRange[]): string[] {
  const problems: string[] = [];
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
  return problems;
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

import { ServiceDefinition } from '../../constructs/service-definition';
import { DEFAULTS } from '../../private/defaults';
import { EnvironmentConfig } from '../environment-config';
import { Settings, SettingValue } from '../setting';
import { StateStore } from '../state-store';

/** One environment's settings of one service, as its variables receive them. */
export interface ServiceValues {
  readonly memoryMb: number;
  readonly cpus: number;
  readonly replicas: number;
  /** Only for a published service. */
  readonly port?: number;
  readonly env: { readonly [name: string]: string };
}

/**
 * Every value an environment gives its stack's variables: what makes one environment stack
 * differ from another. The one place these values are computed, for a stack built from the
 * definition and for an instance of it alike.
 */
export interface EnvironmentValues {
  readonly environment: string;
  readonly namePrefix: string;
  readonly upstreamStage: string;
  readonly upstreamState: string;
  readonly requireApproval: boolean;
  readonly approvedReleases: readonly string[];
  readonly publishAddress: string;
  readonly services: ReadonlyArray<{ readonly name: string; readonly values: ServiceValues }>;
  /** The delivery's own settings: each one's value here (its default when not given). */
  readonly settings: ReadonlyArray<{ readonly name: string; readonly value: SettingValue }>;
}

/** What the values are made from. */
export interface EnvironmentValuesSource {
  readonly environment: EnvironmentConfig;
  readonly services: readonly ServiceDefinition[];
  readonly approvedReleases?: readonly string[];
  readonly projectRoot: string;
  readonly state: StateStore;
  /** @default '' */
  readonly namePrefix?: string;
  /**
   * The delivery's own settings.
   * @default - none
   */
  readonly settings?: Settings;
}

/** The values of one environment's variables. */
export function environmentValues(source: EnvironmentValuesSource): EnvironmentValues {
  const env = source.environment;
  const upstreamAt = source.state.locationOf(source.projectRoot, env.upstream);
  return {
    environment: env.name,
    namePrefix: source.namePrefix ?? '',
    upstreamStage: env.upstream,
    upstreamState: upstreamAt.backend === 'local' ? upstreamAt.path : upstreamAt.schema,
    requireApproval: env.approval.isRequired,
    approvedReleases: source.approvedReleases ?? [],
    publishAddress: env.publishAddress ?? DEFAULTS.publishAddress,
    services: source.services.map((def) => {
      const settings = env.services[def.name];
      return {
        name: def.name,
        values: {
          memoryMb: settings.memoryMb ?? DEFAULTS.memoryMb,
          cpus: settings.cpus ?? DEFAULTS.cpus,
          replicas: settings.replicas,
          port: def.published ? (settings.port ?? 0) : undefined,
          env: settings.env ?? {},
        },
      };
    }),
    settings: Object.entries(source.settings ?? {}).map(([name, setting]) => ({
      name,
      // Validation has refused an environment that leaves out a setting without a default.
      value: (settingsOf(env)[name] ?? setting.defaultValue) as SettingValue,
    })),
  };
}

/** The values an environment gives the delivery's own settings, by setting name. */
export function settingsOf(environment: EnvironmentConfig): {
  readonly [name: string]: unknown;
} {
  return (environment as { settings?: { readonly [name: string]: unknown } }).settings ?? {};
}

/** The variable an environment stack declares for one of the delivery's own settings. */
export function settingVariable(setting: string): string {
  return `setting_${setting.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

/** The variable names the environment stack declares for a service's settings. */
export const serviceVariable = {
  memoryMb: (service: string) => `${service}_memory_mb`,
  cpus: (service: string) => `${service}_cpus`,
  replicas: (service: string) => `${service}_replicas`,
  port: (service: string) => `${service}_port`,
  env: (service: string) => `${service}_env`,
};

/**
 * The variables file's content: each variable's value by name, in the order the environment
 * stack declares them.
 */
export function variablesFileContent(values: EnvironmentValues): {
  readonly [name: string]: unknown;
} {
  const content: { [name: string]: unknown } = {
    environment: values.environment,
    name_prefix: values.namePrefix,
    upstream_stage: values.upstreamStage,
    upstream_state: values.upstreamState,
    require_approval: values.requireApproval,
    approved_releases: values.approvedReleases,
    publish_address: values.publishAddress,
  };
  for (const { name, values: s } of values.services) {
    content[serviceVariable.memoryMb(name)] = s.memoryMb;
    content[serviceVariable.cpus(name)] = s.cpus;
    content[serviceVariable.replicas(name)] = s.replicas;
    if (s.port !== undefined) content[serviceVariable.port(name)] = s.port;
    content[serviceVariable.env(name)] = s.env;
  }
  for (const { name, value } of values.settings) content[settingVariable(name)] = value;
  return content;
}

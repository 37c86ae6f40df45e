import { Image } from '@cdktf/provider-docker/lib/image';
import { Fn, Op, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';

import { ApprovalGate } from '../constructs/approval-gate';
import { LocalDockerProvider } from '../constructs/local-docker-provider';
import { Promotion } from '../constructs/promotion';
import { ServiceDefinition } from '../constructs/service-definition';
import { DeployedServices, ServiceSpec } from '../constructs/service-deployment';
import { SmokeTest } from '../constructs/smoke-test';
import { VARIABLES_FILE, VariablesFile } from '../constructs/variables-file';
import { EnvironmentParity } from '../parity/environment-parity';
import {
  ANY_ADDRESS,
  DEFAULTS,
  secretVariable,
  SERVICE_NAME_VARIABLE,
  URL_OUTPUT_SUFFIX,
} from '../private/defaults';
import { ConfigurationError } from '../private/errors';
import { releaseResource, SINGLE_IMAGE } from '../private/release';
import { SERVICE_DEFINITION, serviceImageProblems } from '../private/service-specs';
import { assertShape, shape } from '../private/shape';

import { DeliveryEnvironment } from './delivery-environment';
import { DeploymentTarget } from './deployment-target';
import { EnvironmentConfig } from './environment-config';
import { noteProduced, registerDefinition } from './private/environment-definition';
import { ENVIRONMENT_SHAPE } from './private/environment-shape';
import {
  EnvironmentValues,
  environmentValues,
  ServiceValues,
  serviceVariable,
  settingVariable,
} from './private/environment-values';
import { dockerName, namePrefixProblem } from './private/name-prefix';
import { settingsDeclarationProblems, settingValueProblems } from './private/setting-problems';
import {
  OPTIONAL_SMOKE_TESTS,
  OPTIONAL_STATE_ENCRYPTION,
  OPTIONAL_STATE_STORE,
  OPTIONAL_TARGET,
} from './private/stack-shapes';
import { SettingReference, SettingReferences, Settings, SettingValue } from './setting';
import { StateEncryption } from './state-encryption';
import { StateStore } from './state-store';

/** Props of {@link EnvironmentStack}. */
export interface EnvironmentStackProps<S extends Settings = Settings> {
  /** This environment's values; every one of them becomes a Terraform variable. */
  readonly environment: EnvironmentConfig;
  /** The delivery's services, the same in every environment. */
  readonly services: readonly ServiceDefinition[];
  /**
   * The names of the release's images (each service runs the one its definition names).
   * @default ['app'] (the image of a delivery that builds one)
   */
  readonly images?: readonly string[];
  /**
   * Post-deployment checks, the same in every environment.
   * @default - none
   */
  readonly smokeTests?: readonly SmokeTest[];
  /**
   * Releases approved for this environment, each as its key (`name=sha256:…` of every image, by
   * name, joined by commas), read from its approval record (`Approval.read`).
   * @default - none
   */
  readonly approvedReleases?: readonly string[];
  /** Project root: relative state locations resolve from it. */
  readonly projectRoot: string;
  /**
   * Prefix of every name the environment takes on the Docker host (containers, networks, Swarm
   * services and secrets) and of its environment label's value: deliveries with different
   * prefixes share one Docker host without touching each other's environments.
   * @default '' (names start with the environment's name)
   */
  readonly namePrefix?: string;
  /**
   * Where this stack and its upstream keep their state.
   * @default StateStore.local()
   */
  readonly state?: StateStore;
  /**
   * Whether its state and plans are encrypted.
   * @default StateEncryption.none()
   */
  readonly encryption?: StateEncryption;
  /**
   * Registry the released images are pulled from (host:port).
   * @default '127.0.0.1:5000'
   */
  readonly registry?: string;
  /**
   * Where the services run: plain containers, or Docker Swarm services.
   * @default DeploymentTarget.containers()
   */
  readonly target?: DeploymentTarget;
  /**
   * What to do when the upstream has verified nothing yet; `<stage>` is filled in.
   * @default 'Deploy it first: cdktf deploy <stage>.'
   */
  readonly howToDeployUpstream?: string;
  /**
   * How to approve a release, shown when it is not approved; `<environment>` and `<release>` (its
   * id) are filled in.
   * @default 'Approve it with: npx cdktf-pipeline approve <environment> <release> (commit the record), then deploy again.'
   */
  readonly howToApprove?: string;
  /**
   * The delivery's own settings: each becomes a Terraform variable, whose value is the
   * environment's (`environment.settings`) or the setting's default.
   * @default - none
   */
  readonly settings?: S;
  /**
   * Builds the delivery's own resources in this stack: called once, with the environment as its
   * settings' and services' references (see {@link DeliveryEnvironment}).
   * @default - no resources of the delivery's own
   */
  readonly resources?: (environment: DeliveryEnvironment<S>) => void;
}

/**
 * The one stack definition every environment is an instance of. It deploys the release (every
 * image, by digest) that its upstream stage verified (after the approval gate, where one is
 * required), runs the services, smoke-tests them, and only then publishes the release as verified
 * for the next stage.
 *
 * Nothing here depends on which environment this is: every environment-specific value enters as a
 * Terraform variable, whose values are written to the stack's `terraform.tfvars.json`.
 */
export class EnvironmentStack extends TerraformStack {
  /** The services on the environment's network, as the deployment target rendered them. */
  public readonly deployment: DeployedServices;
  /** Every environment-specific value, as a variable whose value is in the variables file. */
  public readonly variables: VariablesFile;
  /** Each published service's base URL (`http://<address>:<port>`), by service name. */
  public readonly urls: { readonly [service: string]: string };
  /** The delivery's own settings, each a reference to its variable, by setting name. */
  public readonly settings: SettingReferences<Settings>;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    assertPropsShape(id, props);
    const namePrefix = props.namePrefix ?? '';
    const settings = props.settings ?? {};
    const images = props.images ?? [SINGLE_IMAGE];
    const problems = propsProblems(id, props, namePrefix, settings, images);
    if (problems.length > 0) throw new ConfigurationError(problems);
    const state = props.state ?? StateStore.local();
    setUpStack(this, props, state, namePrefix, settings);

    const values = environmentValues({ ...props, state, namePrefix, settings });
    const vars = (this.variables = new VariablesFile(this, 'Variables'));
    const name = vars.string('environment', values.environment, 'Environment name.');
    // What the environment's containers, networks and services are named after and labelled with.
    const named = dockerName(
      vars.string(
        'name_prefix',
        values.namePrefix,
        'Prefix of the names and label of everything the environment runs.',
      ),
      name,
    );
    const promotion = definePromotion(this, vars, values, state, props, images);
    const approval = defineApproval(this, vars, values, props, promotion, name);
    const release = pullRelease(this, images, promotion, approval);
    const publishAddress = vars.string(
      'publish_address',
      values.publishAddress,
      'Host address that published ports bind to.',
    );
    const specs = serviceSpecs(vars, values, props.services);
    this.deployment = (props.target ?? DeploymentTarget.containers()).bind(this, 'Services', {
      images: Object.fromEntries(
        props.services.map((def) => [def.name, release[def.image ?? images[0]]]),
      ),
      namePrefix: named,
      publishAddress,
      services: specs,
      labels: { [DEFAULTS.environmentLabel]: named },
    });
    const baseUrls = (this.urls = publishUrls(this, publishAddress, specs));
    this.settings = declareSettings(vars, settings, values.settings);
    props.resources?.({
      stack: this,
      settings: this.settings,
      name,
      dockerName: named,
      labels: { [DEFAULTS.environmentLabel]: named },
      network: this.deployment.network.name,
      image: promotion.images[images[0]],
      images: promotion.images,
      urls: baseUrls,
      services: props.services,
    });

    const triggers = { release: promotion.releaseKey, ...this.deployment.revisions };
    const checks = (props.smokeTests ?? []).map((test, i) =>
      test.bind(this, `SmokeTest${i + 1}`, { baseUrls, triggers }),
    );
    promotion.publishVerified(checks);
  }

  /** The name of the output that holds a published service's URL. */
  public static urlOutput(service: string): string {
    return `${service}${URL_OUTPUT_SUFFIX}`;
  }

  /** Its configuration; instances of this stack ({@link EnvironmentInstance}) share it. */
  public override toTerraform(): { [key: string]: unknown } {
    const config = super.toTerraform() as { [key: string]: unknown };
    noteProduced(this, config);
    return config;
  }
}

/** Asserts the shape of the props, as JavaScript may pass them, without types. */
function assertPropsShape(id: string, props: EnvironmentStackProps): void {
  assertShape(
    `environment stack '${id}'`,
    props,
    shape.object({
      environment: ENVIRONMENT_SHAPE,
      services: shape.list(SERVICE_DEFINITION),
      images: shape.optional(shape.list(shape.string)),
      smokeTests: OPTIONAL_SMOKE_TESTS,
      approvedReleases: shape.optional(shape.list(shape.string)),
      projectRoot: shape.string,
      namePrefix: shape.optional(shape.string),
      state: OPTIONAL_STATE_STORE,
      encryption: OPTIONAL_STATE_ENCRYPTION,
      registry: shape.optional(shape.string),
      target: OPTIONAL_TARGET,
      howToDeployUpstream: shape.optional(shape.string),
      howToApprove: shape.optional(shape.string),
      settings: shape.optional(shape.any),
      resources: shape.optional(shape.function),
    }),
    'Fix it in the props of the EnvironmentStack.',
  );
}

/**
 * The problems of the props beyond their shape: the name prefix, the services' images, the
 * settings and the environment's values of them.
 */
function propsProblems(
  id: string,
  props: EnvironmentStackProps,
  namePrefix: string,
  settings: Settings,
  images: readonly string[],
): string[] {
  const prefixProblem = namePrefixProblem(
    `environment stack '${id}'`,
    namePrefix,
    'Fix it in the props of the EnvironmentStack.',
  );
  const settingProblems = settingsDeclarationProblems(
    props.settings,
    'Fix it in the props of the EnvironmentStack.',
  );
  return [
    ...(prefixProblem === undefined ? [] : [prefixProblem]),
    ...serviceImageProblems(props.services, images),
    ...settingProblems,
    ...(settingProblems.length === 0 ? settingValueProblems(props.environment, settings) : []),
  ];
}

/**
 * Sets up the stack's Docker provider, state and encryption, includes it in the parity check, and
 * registers the definition its instances share.
 */
function setUpStack(
  stack: EnvironmentStack,
  props: EnvironmentStackProps,
  state: StateStore,
  namePrefix: string,
  settings: Settings,
): void {
  new LocalDockerProvider(stack, 'Docker', { registry: props.registry });
  state.bind(stack, props.projectRoot);
  (props.encryption ?? StateEncryption.none()).bind(stack);
  const backendLocation = state.backendLocation(props.projectRoot);
  EnvironmentParity.include(stack, { backendLocation, variablesFile: VARIABLES_FILE });
  registerDefinition(stack, {
    services: props.services,
    projectRoot: props.projectRoot,
    state,
    namePrefix,
    settings,
  });
}

/** Declares the upstream's variables; returns the promotion of the release the upstream verified. */
function definePromotion(
  stack: EnvironmentStack,
  vars: VariablesFile,
  values: EnvironmentValues,
  state: StateStore,
  props: EnvironmentStackProps,
  images: readonly string[],
): Promotion {
  const upstream = vars.string(
    'upstream_stage',
    values.upstreamStage,
    'Stage whose verified release is deployed.',
  );
  const upstreamLocation = vars.string(
    'upstream_state',
    values.upstreamState,
    "Where the upstream stage's state is (file or schema), read for its verified release.",
  );
  return new Promotion(stack, 'Promotion', {
    upstreamStage: upstream,
    upstreamLocation,
    stateReader: state,
    howToDeployUpstream: props.howToDeployUpstream ?? DEFAULTS.howToDeployUpstream,
    images,
  });
}

/** Declares the approval's variables; returns the gate the promoted release must pass. */
function defineApproval(
  stack: EnvironmentStack,
  vars: VariablesFile,
  values: EnvironmentValues,
  props: EnvironmentStackProps,
  promotion: Promotion,
  name: string,
): ApprovalGate {
  return new ApprovalGate(stack, 'Approval', {
    images: promotion.images,
    environment: name,
    required: vars.bool(
      'require_approval',
      values.requireApproval,
      'Whether the release must be approved.',
    ),
    approvedReleases: vars.stringList(
      'approved_releases',
      values.approvedReleases,
      'Releases approved for this environment (name=digest of every image, joined by commas).',
    ),
    howToApprove: props.howToApprove ?? DEFAULTS.howToApprove,
  });
}

/**
 * Pulls every image of the release, only once the whole release may be deployed; returns them by
 * image name.
 */
function pullRelease(
  stack: EnvironmentStack,
  images: readonly string[],
  promotion: Promotion,
  approval: ApprovalGate,
): { readonly [image: string]: Image } {
  const release: { [image: string]: Image } = {};
  for (const image of [...images].sort()) {
    // Named so that a state tells which image each pulled release is (see releaseResource).
    const id = releaseResource(images, image);
    release[image] = new Image(stack, id, {
      name: promotion.images[image],
      keepLocally: true,
      dependsOn: [promotion.gate, approval.gate],
    });
    release[image].overrideLogicalId(id);
  }
  return release;
}

/** Each service's spec, with its environment's values as variables. */
function serviceSpecs(
  vars: VariablesFile,
  values: EnvironmentValues,
  services: readonly ServiceDefinition[],
): ServiceSpec[] {
  const secret = secretVariables(vars);
  return services.map((def, i) => serviceSpecOf(vars, def, values.services[i].values, secret));
}

/**
 * The value of each secret, as its variable: declared once, however many services read it. The
 * deploying process gives it; it is never recorded.
 */
function secretVariables(vars: VariablesFile): (name: string) => string {
  const secretValues = new Map<string, string>();
  return (name) => {
    const known = secretValues.get(name);
    if (known !== undefined) return known;
    const value = vars.secret(
      secretVariable(name),
      `Secret ${name}: given by the deploying process, never recorded.`,
    );
    secretValues.set(name, value);
    return value;
  };
}

/** One service's spec: its definition, and its environment's values as variables. */
function serviceSpecOf(
  vars: VariablesFile,
  def: ServiceDefinition,
  settings: ServiceValues,
  secret: (name: string) => string,
): ServiceSpec {
  return {
    name: def.name,
    port: def.port,
    dependsOn: def.dependsOn,
    healthCheck: def.healthCheck,
    healthCheckTiming: def.healthCheckTiming,
    security: def.security,
    secrets:
      def.secrets && def.secrets.length > 0
        ? Object.fromEntries(def.secrets.map((name) => [name, secret(name)]))
        : undefined,
    memoryMb: vars.number(
      serviceVariable.memoryMb(def.name),
      settings.memoryMb,
      `Memory limit of each container of ${def.name}, in MiB.`,
    ),
    cpus: vars.number(
      serviceVariable.cpus(def.name),
      settings.cpus,
      `CPU limit of each container of ${def.name}.`,
    ),
    replicas: vars.number(
      serviceVariable.replicas(def.name),
      settings.replicas,
      `Containers of ${def.name}.`,
    ),
    publishedPort:
      settings.port === undefined
        ? undefined
        : vars.number(serviceVariable.port(def.name), settings.port, `Host port of ${def.name}.`),
    // The delivery's own variables win over the environment's (validation already refuses
    // an environment that sets one; a hand-edited variables file cannot override them either).
    env: Token.asStringMap(
      Fn.merge([
        vars.stringMap(serviceVariable.env(def.name), settings.env, `Environment of ${def.name}.`),
        { ...def.env, [SERVICE_NAME_VARIABLE]: def.name },
      ]),
    ),
  };
}

/** Outputs each published service's URL; returns the base URLs by service name. */
function publishUrls(
  stack: EnvironmentStack,
  publishAddress: string,
  specs: readonly ServiceSpec[],
): { [service: string]: string } {
  // Ports bound to every address answer on loopback too.
  const host = Fn.conditional(
    Op.eq(publishAddress, ANY_ADDRESS),
    DEFAULTS.publishAddress,
    publishAddress,
  );
  const baseUrls: { [service: string]: string } = {};
  for (const spec of specs) {
    if (spec.publishedPort === undefined) continue;
    baseUrls[spec.name] = `http://${Token.asString(host)}:${Token.asString(spec.publishedPort)}`;
    new TerraformOutput(stack, EnvironmentStack.urlOutput(spec.name), {
      value: `${baseUrls[spec.name]}/`,
      staticId: true,
    });
  }
  return baseUrls;
}

/** Declares a variable for each of the delivery's own settings; returns their references. */
function declareSettings(
  vars: VariablesFile,
  settings: Settings,
  values: EnvironmentValues['settings'],
): SettingReferences<Settings> {
  const references: { [name: string]: SettingReference<SettingValue> } = {};
  for (const { name, value } of values) {
    const { kind, description } = settings[name];
    const variable = settingVariable(name);
    switch (kind) {
      case 'string':
        references[name] = vars.string(variable, value as string, description);
        break;
      case 'number':
        references[name] = vars.number(variable, value as number, description);
        break;
      case 'bool':
        references[name] = vars.bool(variable, value as boolean, description);
        break;
      case 'list':
        references[name] = vars.stringList(variable, value as readonly string[], description);
        break;
      case 'map':
        references[name] = vars.stringMap(
          variable,
          value as { readonly [key: string]: string },
          description,
        );
        break;
    }
  }
  return references;
}

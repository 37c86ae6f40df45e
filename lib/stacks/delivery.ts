import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { Construct } from 'constructs';

import { ServiceDefinition } from '../constructs/service-definition';
import { SmokeTest } from '../constructs/smoke-test';
import { DEFAULTS } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { SINGLE_IMAGE } from '../private/release';
import { parseReviewIds } from '../private/review-ids';
import { assertShape, shape } from '../private/shape';
import { afterSynthesis } from '../private/synthesis-hook';
import { toposort } from '../private/toposort';
import { DELIVERY_MANIFEST, DELIVERY_MANIFEST_VERSION } from '../schema/delivery-manifest';
import { DeliveryManifest, SecretManifest } from '../schema/delivery-manifest';

import { DeliveryEnvironment } from './delivery-environment';
import { DeploymentTarget } from './deployment-target';
import { EnvironmentConfig } from './environment-config';
import { EnvironmentInstance } from './environment-instance';
import { EnvironmentStack, EnvironmentStackProps } from './environment-stack';
import { ImageBuildProps, ImageStack } from './image-stack';
import { IMAGE_BUILD, imageBuilds } from './private/image-builds';
import { dockerName } from './private/name-prefix';
import { settingsDeclarationProblems } from './private/setting-problems';
import {
  OPTIONAL_SMOKE_TESTS,
  OPTIONAL_STATE_ENCRYPTION,
  OPTIONAL_STATE_STORE,
  OPTIONAL_TARGET,
} from './private/stack-shapes';
import { Settings, SettingValues } from './setting';
import { StateEncryption } from './state-encryption';
import { StateStore } from './state-store';
import { validateEnvironments } from './validate-environments';

/** How the delivery's one image is built (see {@link ImageBuildProps}). */
export type DeliveryImageProps = ImageBuildProps;

/**
 * Props of a {@link Delivery}. `S` is the delivery's own settings (`settings`), which types what
 * each environment gives them and what `resources` sees of them.
 */
export interface DeliveryProps<S extends Settings = Settings> {
  /**
   * The one image every service runs: a release of one image, named 'app'. Give `images` instead
   * for several.
   * @default - none: `images` names them
   */
  readonly image?: DeliveryImageProps;
  /**
   * The images of the release, by image name (lowercase letters, digits and -), each built once
   * from its own context: each service names the one it runs (`ServiceDefinition.image`), and the
   * release (every image, by digest) is verified, promoted and approved as one.
   * @default - the one image of `image`
   */
  readonly images?: { readonly [name: string]: DeliveryImageProps };
  /** The services, the same in every environment. */
  readonly services: readonly ServiceDefinition[];
  /**
   * Post-deployment checks every environment runs before it publishes its image as verified.
   * @default - none
   */
  readonly smokeTests?: readonly SmokeTest[];
  /**
   * Settings of the delivery's own, by name: each environment gives its values (`settings` of
   * the environment), each becomes a Terraform variable of every environment stack, and
   * `resources` builds with them, e.g. `{ dataSizeMb: Setting.number({ description: '...' }) }`.
   * @default - none
   */
  readonly settings?: S;
  /**
   * Builds the delivery's own resources (a volume, a database, a DNS record, ...) in every
   * environment stack, from the settings' and services' references it is given: the same code in
   * every environment, so what it builds is part of the one definition (parity, review
   * environments, destroy and the plans of the testing kit all include it).
   * @default - no resources of the delivery's own
   */
  readonly resources?: (environment: DeliveryEnvironment<S>) => void;
  /** The long-lived environments, e.g. dev, staging and prod. */
  readonly environments: readonly EnvironmentConfig<SettingValues<S>>[];
  /**
   * Makes the review environment of a merge request id; its name must be `review-<id>`.
   * @default - no review environments
   */
  readonly reviewEnvironment?: (id: string) => EnvironmentConfig<SettingValues<S>>;
  /**
   * The review environments to synthesize, by merge request id or branch slug.
   * @default - the ids in the PIPELINE_REVIEW_IDS environment variable (comma- or space-separated)
   */
  readonly reviewIds?: readonly string[];
  /**
   * Project root: relative paths (image context, approval records, state) resolve from it.
   * @default - the working directory, where the cdktf CLI runs the app
   */
  readonly projectRoot?: string;
  /**
   * Where every stage keeps its state.
   * @default StateStore.fromEnvironment(): local files, or PostgreSQL with PIPELINE_STATE=pg
   */
  readonly state?: StateStore;
  /**
   * Whether every stage's state and plans are encrypted (OpenTofu). `StateEncryption.none()`
   * with secrets is the explicit acceptance that the state holds them in plain text.
   * @default - StateEncryption.passphrase() when a service has secrets, else StateEncryption.none()
   */
  readonly stateEncryption?: StateEncryption;
  /**
   * Registry the image is pushed to and pulled from (host:port).
   * @default '127.0.0.1:5000'
   */
  readonly registry?: string;
  /**
   * Where every environment's services run: plain containers, or Docker Swarm services
   * (`DeploymentTarget.swarm()`). The same for every environment.
   * @default DeploymentTarget.containers()
   */
  readonly target?: DeploymentTarget;
  /**
   * Stack name of the image stage.
   * @default 'image'
   */
  readonly imageStage?: string;
  /**
   * Host ports that something else holds on the deployment host, by what holds them.
   * @default - port 5000, the local registry
   */
  readonly reservedPorts?: { readonly [port: number]: string };
  /**
   * What to do when an upstream has verified nothing yet; `<stage>` is filled in.
   * @default 'Deploy it first: cdktf deploy <stage>.'
   */
  readonly howToDeployUpstream?: string;
  /**
   * Whether review environments are {@link EnvironmentInstance}s of the first environment stack,
   * which costs each little more than writing its files, rather than stacks built from the
   * definition one by one. Their synthesized files are the same either way; build them one by one
   * to change one of them after the Delivery made it (the parity check then says where it
   * diverges).
   * @default true
   */
  readonly reviewsAsInstances?: boolean;
  /**
   * Prefix of every name the environments take on the Docker host (containers, networks, Swarm
   * services and secrets) and of their environment label's value: two deliveries, or two clones
   * of one (a developer's and a CI runner's), share one Docker host without touching each
   * other's environments. Their published ports must still differ (port or publish address).
   * @default '' (names start with the environment's name)
   */
  readonly namePrefix?: string;
  /**
   * How to approve a release; `<environment>` and `<release>` (its id) are filled in.
   * @default 'Approve it with: npx cdktf-pipeline approve <environment> <release> (commit the record), then deploy again.'
   */
  readonly howToApprove?: string;
}

/** What the props are made of; the services and environments are checked in detail later. */
const DELIVERY_PROPS = shape.object({
  image: shape.optional(IMAGE_BUILD),
  images: shape.optional(shape.map(IMAGE_BUILD)),
  services: shape.list(shape.any),
  smokeTests: OPTIONAL_SMOKE_TESTS,
  environments: shape.list(shape.any),
  reviewEnvironment: shape.optional(shape.function),
  reviewIds: shape.optional(shape.list(shape.string)),
  projectRoot: shape.optional(shape.string),
  state: OPTIONAL_STATE_STORE,
  stateEncryption: OPTIONAL_STATE_ENCRYPTION,
  registry: shape.optional(shape.string),
  target: OPTIONAL_TARGET,
  imageStage: shape.optional(shape.string),
  reservedPorts: shape.optional(shape.map(shape.string)),
  howToDeployUpstream: shape.optional(shape.string),
  howToApprove: shape.optional(shape.string),
  reviewsAsInstances: shape.optional(shape.boolean),
  namePrefix: shape.optional(shape.string),
  settings: shape.optional(shape.any),
  resources: shape.optional(shape.function),
});

/**
 * A whole delivery: the image stack and one {@link EnvironmentStack} per environment, each
 * deploying what its upstream verified. Every environment is validated first, all together: bad
 * input throws one ConfigurationError listing every problem, before any stack exists.
 *
 * At synthesis it also writes `delivery.json` beside cdktf's manifest: the stages in promotion
 * order, their state and approval records, and the smoke tests, which the CLI reads.
 */
export class Delivery<S extends Settings = Settings> extends Construct {
  /** The image stage. */
  public readonly image: ImageStack;
  /**
   * The environment stacks, long-lived ones first, then the review environments. The review
   * environments are instances of the first environment stack unless `reviewsAsInstances` is
   * false.
   */
  public readonly environments: readonly (EnvironmentStack | EnvironmentInstance)[];

  constructor(scope: Construct, id: string, props: DeliveryProps<S>) {
    super(scope, id);
    assertShape('delivery', props, DELIVERY_PROPS, 'Fix it in the props of the Delivery.');
    const declared = settingsDeclarationProblems(
      props.settings,
      'Fix it in the props of the Delivery.',
    );
    if (declared.length > 0) throw new ConfigurationError(declared);
    const settings: Settings = props.settings ?? {};
    const root = resolve(props.projectRoot ?? process.cwd());
    const builds = imageBuilds(
      'delivery',
      { ...props.image, images: props.images },
      'Fix it in the props of the Delivery.',
    );
    const imageNames = Object.keys(builds).sort();
    const imageStage = props.imageStage ?? DEFAULTS.imageStage;
    const state = props.state ?? StateStore.fromEnvironment();
    const reviewIds = props.reviewIds ?? parseReviewIds(process.env[DEFAULTS.reviewIdsVariable]);
    const reviews: readonly EnvironmentConfig[] = reviewEnvironments(props, reviewIds);
    const environments: EnvironmentConfig[] = [...props.environments, ...reviews];
    const approved = validateEnvironments(environments, props.services, {
      settings,
      projectRoot: root,
      imageStage,
      reservedPorts: props.reservedPorts,
      target: props.target,
      namePrefix: props.namePrefix,
      images: imageNames,
    });

    const secrets = secretsOf(props.services);
    const encryption =
      props.stateEncryption ??
      (secrets.length > 0 ? StateEncryption.passphrase() : StateEncryption.none());

    const fromRoot = (build: ImageBuildProps): ImageBuildProps => ({
      ...build,
      context: isAbsolute(build.context) ? build.context : resolve(root, build.context),
    });
    this.image = new ImageStack(this, imageStage, {
      ...(props.images === undefined
        ? fromRoot(builds[SINGLE_IMAGE])
        : { images: Object.fromEntries(imageNames.map((n) => [n, fromRoot(builds[n])])) }),
      registry: props.registry,
      projectRoot: root,
      state,
      encryption,
    });
    // One stack is built from the definition; review environments are instances of it.
    const asInstances = props.reviewsAsInstances ?? true;
    const reviewSet = new Set<EnvironmentConfig>(reviews);
    let definition: EnvironmentStack | undefined;
    this.environments = environments.map((environment) => {
      const approvedReleases = approved[environment.name];
      if (asInstances && definition !== undefined && reviewSet.has(environment)) {
        return new EnvironmentInstance(this, environment.name, {
          definition,
          environment,
          approvedReleases,
        });
      }
      const stack = new EnvironmentStack(this, environment.name, {
        environment,
        services: props.services,
        images: imageNames,
        smokeTests: props.smokeTests,
        approvedReleases,
        projectRoot: root,
        namePrefix: props.namePrefix,
        state,
        encryption,
        registry: props.registry,
        target: props.target,
        howToDeployUpstream: props.howToDeployUpstream,
        howToApprove: props.howToApprove,
        settings,
        resources: props.resources as EnvironmentStackProps['resources'],
      });
      definition = definition ?? stack;
      return stack;
    });

    const order = toposort(
      environments,
      (e) => e.name,
      (e) => [e.upstream],
    ).order;
    const manifest: DeliveryManifest = {
      version: DELIVERY_MANIFEST_VERSION,
      projectRoot: root,
      imageStage,
      reviewPrefix: DEFAULTS.reviewPrefix,
      state: state.manifest(root),
      stateEncrypted: encryption.encrypted,
      stateEncryptionIterations: encryption.settings.iterations,
      stateEncryptionHashFunction: encryption.settings.hashFunction,
      secrets,
      target: (props.target ?? DeploymentTarget.containers()).kind,
      images: imageNames.map((name) => ({ name, repository: builds[name].repository })),
      registry: props.registry ?? DEFAULTS.registry,
      stages: [
        {
          name: imageStage,
          kind: 'image',
          review: false,
          state: state.locationOf(root, imageStage),
        },
        ...order.map((e) => ({
          name: e.name,
          kind: 'environment' as const,
          upstream: e.upstream,
          review: reviews.includes(e),
          state: state.locationOf(root, e.name),
          approvalRecord:
            e.approval.record === undefined ? undefined : join(root, e.approval.record),
          dockerName: dockerName(props.namePrefix ?? '', e.name),
        })),
      ],
      smokeTests: (props.smokeTests ?? []).map((t) => ({
        name: t.name,
        service: t.service,
        path: t.path,
        expectStatus: t.expectStatus,
        bodyContains: t.bodyContains,
      })),
    };
    afterSynthesis(this.image, (session) => {
      mkdirSync(session.outdir, { recursive: true });
      writeFileSync(
        join(session.outdir, DELIVERY_MANIFEST),
        `${JSON.stringify(manifest, null, 2)}\n`,
      );
    });
  }

  /**
   * The environment stack named `name` (a long-lived environment, or a review environment this
   * app synthesizes); a ConfigurationError naming the environments there are otherwise.
   */
  public environment(name: string): EnvironmentStack | EnvironmentInstance {
    const found = this.environments.find((e) => e.node.id === name);
    if (found === undefined) {
      throw new ConfigurationError([
        invalidValue(
          `delivery '${this.node.id}'`,
          'environment(name)',
          `must name one of its environments (${this.environments.map((e) => e.node.id).join(', ')})`,
          name,
          'Use one of those names; a review environment is there only when its id is given (reviewIds, or PIPELINE_REVIEW_IDS).',
        ),
      ]);
    }
    return found;
  }
}

/** Every secret of the delivery's services, and the services that read it. */
function secretsOf(services: readonly ServiceDefinition[]): SecretManifest[] {
  const found = new Map<string, string[]>();
  for (const service of services) {
    for (const name of service.secrets ?? []) {
      found.set(name, [...(found.get(name) ?? []), service.name]);
    }
  }
  return [...found].map(([name, readers]) => ({ name, services: readers }));
}

function reviewEnvironments<S extends Settings>(
  props: DeliveryProps<S>,
  ids: readonly string[],
): EnvironmentConfig<SettingValues<S>>[] {
  if (ids.length === 0) return [];
  const make = props.reviewEnvironment;
  if (make === undefined) {
    throw new ConfigurationError([
      invalidValue(
        'delivery',
        'reviewIds',
        'needs a reviewEnvironment factory to make review environments',
        ids.join(','),
        `Give the delivery a reviewEnvironment (id => EnvironmentConfig), or unset ${DEFAULTS.reviewIdsVariable}.`,
      ),
    ]);
  }
  const made = ids.map((id) => ({ id, config: make(id) }));
  const misnamed = made.filter(({ id, config }) => config.name !== `${DEFAULTS.reviewPrefix}${id}`);
  if (misnamed.length > 0) {
    throw new ConfigurationError(
      misnamed.map(({ id, config }) =>
        invalidValue(
          `review environment '${id}'`,
          'name',
          `must be '${DEFAULTS.reviewPrefix}${id}'`,
          config.name,
          `Name it \`${DEFAULTS.reviewPrefix}\${id}\` in the reviewEnvironment factory.`,
        ),
      ),
    );
  }
  return made.map(({ config }) => config);
}

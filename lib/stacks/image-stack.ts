import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { ImageArtifact } from '../constructs/image-artifact';
import { LocalDockerProvider } from '../constructs/local-docker-provider';
import { VERIFIED_RELEASE_OUTPUT } from '../private/release';
import { pascal } from '../private/service-specs';
import { assertShape, shape } from '../private/shape';

import { IMAGE_BUILD, imageBuilds } from './private/image-builds';
import { OPTIONAL_STATE_ENCRYPTION, OPTIONAL_STATE_STORE } from './private/stack-shapes';
import { StateEncryption } from './state-encryption';
import { StateStore } from './state-store';

/** How one image of a release is built. */
export interface ImageBuildProps {
  /** Build context: a folder with a Dockerfile. */
  readonly context: string;
  /** Repository name in the registry, e.g. 'hello-service'. */
  readonly repository: string;
  /**
   * Dockerfile, relative to the context.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Command run inside the built image, with no network, before it is pushed.
   * @default - no in-image smoke test
   */
  readonly smokeTest?: readonly string[];
}

/** Props of {@link ImageStack}. */
export interface ImageStackProps {
  /**
   * The one image's build context (a folder with a Dockerfile): a release of one image, named
   * 'app'. Give `images` instead for several.
   * @default - none: `images` names them
   */
  readonly context?: string;
  /**
   * The one image's repository name in the registry.
   * @default - none: `images` names them
   */
  readonly repository?: string;
  /**
   * The one image's Dockerfile, relative to the context.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Command run inside the one image before it is pushed.
   * @default - no in-image smoke test
   */
  readonly smokeTest?: readonly string[];
  /**
   * The images of the release, by image name (lowercase letters, digits and -), each built from
   * its own context: instead of `context` and `repository`.
   * @default - the one image of `context` and `repository`
   */
  readonly images?: { readonly [name: string]: ImageBuildProps };
  /**
   * Registry the images are pushed to (host:port).
   * @default '127.0.0.1:5000'
   */
  readonly registry?: string;
  /** Project root: relative state locations resolve from it. */
  readonly projectRoot: string;
  /**
   * Where the stack keeps its state.
   * @default StateStore.local()
   */
  readonly state?: StateStore;
  /**
   * Whether its state and plans are encrypted.
   * @default StateEncryption.none()
   */
  readonly encryption?: StateEncryption;
}

/**
 * The image stage, and the only place images are built: builds each image of the release once
 * (an image whose context did not change keeps its digest), tests it inside the image, pushes it,
 * and publishes the release (every image's digest reference, by name) as verified.
 */
export class ImageStack extends TerraformStack {
  /** The build of each image (image, in-image smoke test, push), by image name. */
  public readonly artifacts: { readonly [name: string]: ImageArtifact };
  /** The build of the release's first image by name: the only one of a one-image release. */
  public readonly artifact: ImageArtifact;

  constructor(scope: Construct, id: string, props: ImageStackProps) {
    super(scope, id);
    assertShape(
      `image stack '${id}'`,
      props,
      shape.object({
        context: shape.optional(shape.string),
        repository: shape.optional(shape.string),
        dockerfile: shape.optional(shape.string),
        smokeTest: shape.optional(shape.list(shape.string)),
        images: shape.optional(shape.map(IMAGE_BUILD)),
        registry: shape.optional(shape.string),
        projectRoot: shape.string,
        state: OPTIONAL_STATE_STORE,
        encryption: OPTIONAL_STATE_ENCRYPTION,
      }),
      'Fix it in the props of the ImageStack.',
    );
    const builds = imageBuilds(
      `image stack '${id}'`,
      props,
      'Fix it in the props of the ImageStack.',
    );
    new LocalDockerProvider(this, 'Docker', { registry: props.registry });
    (props.state ?? StateStore.local()).bind(this, props.projectRoot);
    (props.encryption ?? StateEncryption.none()).bind(this);
    const names = Object.keys(builds).sort();
    const artifacts: { [name: string]: ImageArtifact } = {};
    for (const name of names) {
      // A one-image release keeps the construct id it always had: its resources keep their addresses.
      artifacts[name] = new ImageArtifact(this, props.images ? `Image${pascal(name)}` : 'Service', {
        ...builds[name],
        registry: props.registry,
      });
    }
    this.artifacts = artifacts;
    this.artifact = artifacts[names[0]];
    new TerraformOutput(this, VERIFIED_RELEASE_OUTPUT, {
      value: Object.fromEntries(names.map((name) => [name, artifacts[name].reference])),
      description:
        'The pushed images, each tested inside the image; downstream stages deploy them.',
      staticId: true,
    });
    new TerraformOutput(this, 'tags', {
      value: Object.fromEntries(names.map((name) => [name, artifacts[name].tag])),
      staticId: true,
    });
  }
}

import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { ImageArtifact } from '../constructs/image-artifact';
import { LocalDockerProvider } from '../constructs/local-docker-provider';
import { VERIFIED_IMAGE_OUTPUT } from '../constructs/promotion';
import { assertShape, shape } from '../private/shape';
import { OPTIONAL_STATE_ENCRYPTION, OPTIONAL_STATE_STORE } from '../private/stack-shapes';

import { StateEncryption } from './state-encryption';
import { StateStore } from './state-store';

/** Props of {@link ImageStack}. */
export interface ImageStackProps {
  /** The service's build context (a folder with a Dockerfile). */
  readonly context: string;
  /** Repository name in the registry. */
  readonly repository: string;
  /**
   * Dockerfile, relative to the context.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Command run inside the built image before it is pushed.
   * @default - no in-image smoke test
   */
  readonly smokeTest?: readonly string[];
  /**
   * Registry the image is pushed to (host:port).
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
 * The image stage, and the only place an image is built: builds the service image once, tests
 * it inside the image, pushes it, and publishes its digest reference as the verified image.
 */
export class ImageStack extends TerraformStack {
  /** The one build: image, in-image smoke test, push. */
  public readonly artifact: ImageArtifact;

  constructor(scope: Construct, id: string, props: ImageStackProps) {
    super(scope, id);
    assertShape(
      `image stack '${id}'`,
      props,
      shape.object({
        context: shape.string,
        repository: shape.string,
        dockerfile: shape.optional(shape.string),
        smokeTest: shape.optional(shape.list(shape.string)),
        registry: shape.optional(shape.string),
        projectRoot: shape.string,
        state: OPTIONAL_STATE_STORE,
        encryption: OPTIONAL_STATE_ENCRYPTION,
      }),
      'Fix it in the props of the ImageStack.',
    );
    new LocalDockerProvider(this, 'Docker', { registry: props.registry });
    (props.state ?? StateStore.local()).bind(this, props.projectRoot);
    (props.encryption ?? StateEncryption.none()).bind(this);
    this.artifact = new ImageArtifact(this, 'Service', {
      context: props.context,
      repository: props.repository,
      dockerfile: props.dockerfile,
      smokeTest: props.smokeTest,
      registry: props.registry,
    });
    new TerraformOutput(this, VERIFIED_IMAGE_OUTPUT, {
      value: this.artifact.reference,
      description: 'The pushed image, tested inside the image; downstream stages deploy it.',
      staticId: true,
    });
    new TerraformOutput(this, 'tag', { value: this.artifact.tag, staticId: true });
  }
}

import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { ImageArtifact, LocalDockerProvider, VERIFIED_IMAGE_OUTPUT } from '../lib';
import { stateFile } from '../lib/private/paths';

export interface ImageStackProps {
  /** The service's build context (a folder with a Dockerfile). */
  readonly context: string;
  /** Repository name in the registry. */
  readonly repository: string;
  /**
   * Command run inside the built image before it is pushed.
   * @default - no in-image smoke test
   */
  readonly smokeTest?: readonly string[];
  /** Project root: the state file goes under `.pipeline/state/`. */
  readonly projectRoot: string;
}

/**
 * The image stage, and the only place an image is built: builds the service image once, tests
 * it inside the image, pushes it, and publishes its digest reference as the verified image.
 */
export class ImageStack extends TerraformStack {
  public readonly artifact: ImageArtifact;

  constructor(scope: Construct, id: string, props: ImageStackProps) {
    super(scope, id);
    new LocalDockerProvider(this, 'Docker');
    new LocalBackend(this, { path: stateFile(props.projectRoot, id) });
    this.artifact = new ImageArtifact(this, 'Service', {
      context: props.context,
      repository: props.repository,
      smokeTest: props.smokeTest,
    });
    new TerraformOutput(this, VERIFIED_IMAGE_OUTPUT, {
      value: this.artifact.reference,
      description:
        'The pushed image, tested inside the image; dev and review environments deploy it.',
      staticId: true,
    });
    new TerraformOutput(this, 'tag', { value: this.artifact.tag, staticId: true });
  }
}

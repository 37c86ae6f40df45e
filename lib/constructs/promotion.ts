import {
  DataTerraformRemoteStateLocal,
  Fn,
  ITerraformDependable,
  Op,
  TerraformOutput,
  TerraformResource,
} from 'cdktf';
import { Construct } from 'constructs';

import { TerraformData } from '../private/terraform-data';

/** Name of the output through which every stage publishes the image it verified. */
export const VERIFIED_IMAGE_OUTPUT = 'verified_image';

/** Props of {@link Promotion}. */
export interface PromotionProps {
  /** Name of the upstream stage, for messages. May be a Terraform variable. */
  readonly upstreamStage: string;
  /** Path of the upstream stage's local state file. May be a Terraform variable. */
  readonly upstreamStatePath: string;
  /** How to deploy the upstream stage, shown when it has verified nothing yet. */
  readonly howToDeployUpstream: string;
}

/**
 * Takes the image that the upstream stage verified, read from the upstream's state through an
 * explicit remote-state read (so this stage deploys on its own, with no stack dependency), and
 * publishes it as this stage's verified image once this stage's checks have passed.
 */
export class Promotion extends Construct {
  /** The digest reference to deploy: what the upstream stage verified. */
  public readonly image: string;
  /** Passes only when the upstream has verified an image; deployments depend on it. */
  public readonly gate: TerraformResource;

  constructor(scope: Construct, id: string, props: PromotionProps) {
    super(scope, id);
    const upstream = new DataTerraformRemoteStateLocal(this, 'Upstream', {
      path: props.upstreamStatePath,
      defaults: { [VERIFIED_IMAGE_OUTPUT]: '' },
    });
    const hint = props.howToDeployUpstream.replace('<stage>', props.upstreamStage);
    // Checked before the state is read: a stage that was never deployed has no state file.
    upstream.addOverride('lifecycle', {
      precondition: [
        {
          condition: Fn.fileexists(props.upstreamStatePath),
          error_message: `The upstream stage ${props.upstreamStage} has not been deployed yet (no state at ${props.upstreamStatePath}), so it has verified no image. ${hint}`,
        },
      ],
    });
    this.image = upstream.getString(VERIFIED_IMAGE_OUTPUT);
    this.gate = new TerraformData(this, 'UpstreamVerified', {
      input: { image: this.image },
      lifecycle: {
        precondition: [
          {
            condition: Op.gte(Fn.lengthOf(this.image), 1),
            errorMessage: `The upstream stage ${props.upstreamStage} has not verified an image yet (no ${VERIFIED_IMAGE_OUTPUT} in ${props.upstreamStatePath}). ${hint}`,
          },
        ],
      },
    });
  }

  /**
   * Publishes the image as this stage's verified image, only after every check in `after` has
   * passed: a failed check leaves the previously verified image in place.
   */
  public publishVerified(after: ITerraformDependable[]): TerraformOutput {
    const verified = new TerraformData(this, 'Verified', {
      input: { image: this.image },
      dependsOn: after,
    });
    return new TerraformOutput(this, VERIFIED_IMAGE_OUTPUT, {
      value: verified.outputValue('image'),
      description: 'The image this stage deployed and verified; downstream stages deploy it.',
      staticId: true,
    });
  }
}

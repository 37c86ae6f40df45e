import {
  Fn,
  ITerraformDependable,
  Op,
  TerraformOutput,
  TerraformRemoteState,
  TerraformResource,
} from 'cdktf';
import { Construct } from 'constructs';

import { assertShape, shape } from '../private/shape';
import { TerraformData } from '../private/terraform-data';

/** Name of the output through which every stage publishes the image it verified. */
export const VERIFIED_IMAGE_OUTPUT = 'verified_image';

/** Reads another stack's outputs from its state (`StateStore` is one). */
export interface IRemoteStateReader {
  /**
   * A `terraform_remote_state` of the state at `location` (a file or a schema), with `defaults`
   * for outputs it does not have; `missing` is the message when a state file does not exist.
   */
  remoteState(
    scope: Construct,
    id: string,
    location: string,
    defaults: { readonly [output: string]: unknown },
    missing: string,
  ): TerraformRemoteState;
}

/** Props of {@link Promotion}. */
export interface PromotionProps {
  /** Name of the upstream stage, for messages. May be a Terraform variable. */
  readonly upstreamStage: string;
  /** Where the upstream's state is (a file or a schema). May be a Terraform variable. */
  readonly upstreamLocation: string;
  /** Reads the upstream's outputs from where its state is: the delivery's `StateStore`. */
  readonly stateReader: IRemoteStateReader;
  /** How to deploy the upstream stage, shown when it has verified nothing yet. */
  readonly howToDeployUpstream: string;
}

/**
 * Takes the image that the upstream stage verified, read from the upstream's state through an
 * explicit remote-state read of the delivery's state store (so this stage deploys on its own, with no stack dependency), and
 * publishes it as this stage's verified image once this stage's checks have passed.
 */
export class Promotion extends Construct {
  /** The digest reference to deploy: what the upstream stage verified. */
  public readonly image: string;
  /** Passes only when the upstream has verified an image; deployments depend on it. */
  public readonly gate: TerraformResource;

  constructor(scope: Construct, id: string, props: PromotionProps) {
    super(scope, id);
    assertShape(
      `promotion '${id}'`,
      props,
      shape.object({
        upstreamStage: shape.string,
        upstreamLocation: shape.string,
        stateReader: shape.instance(
          (value) => typeof (value as IRemoteStateReader | null)?.remoteState === 'function',
          'an IRemoteStateReader, e.g. StateStore.local()',
        ),
        howToDeployUpstream: shape.string,
      }),
      'Fix it in the props of the Promotion.',
    );
    const hint = props.howToDeployUpstream.replace('<stage>', props.upstreamStage);
    const upstream = props.stateReader.remoteState(
      this,
      'Upstream',
      props.upstreamLocation,
      { [VERIFIED_IMAGE_OUTPUT]: '' },
      `The upstream stage ${props.upstreamStage} has not been deployed yet (no state at ${props.upstreamLocation}), so it has verified no image. ${hint}`,
    );
    this.image = upstream.getString(VERIFIED_IMAGE_OUTPUT);
    this.gate = new TerraformData(this, 'UpstreamVerified', {
      input: { image: this.image },
      lifecycle: {
        precondition: [
          {
            condition: Op.gte(Fn.lengthOf(this.image), 1),
            errorMessage: `The upstream stage ${props.upstreamStage} has not verified an image yet (no ${VERIFIED_IMAGE_OUTPUT} in ${props.upstreamLocation}). ${hint}`,
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

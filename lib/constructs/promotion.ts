import {
  Fn,
  IResolvable,
  ITerraformDependable,
  Op,
  TerraformOutput,
  TerraformRemoteState,
  TerraformResource,
  Token,
} from 'cdktf';
import { Construct } from 'constructs';

export { VERIFIED_RELEASE_OUTPUT } from '../private/release';

import { ConfigurationError, invalidValue } from '../private/errors';
import { IMAGE_NAME_PATTERN, SINGLE_IMAGE, VERIFIED_RELEASE_OUTPUT } from '../private/release';
import { releaseExpressions } from '../private/release-expressions';
import { assertShape, shape } from '../private/shape';

import { TerraformData } from './private/terraform-data';

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
  /**
   * The names of the release's images, each of which the upstream's verified release must hold.
   * @default ['app'] (the image of a delivery that builds one)
   */
  readonly images?: readonly string[];
}

/**
 * Takes the release (every image, by digest) that the upstream stage verified, read from the
 * upstream's state through an explicit remote-state read of the delivery's state store (so this
 * stage deploys on its own, with no stack dependency), and publishes it as this stage's verified
 * release once this stage's checks have passed: the images are promoted together, never one of
 * them alone.
 */
export class Promotion extends Construct {
  /** The release to deploy, as the upstream published it (a map of digest references). */
  public readonly release: IResolvable;
  /** Each image's digest reference in that release, by image name. */
  public readonly images: { readonly [name: string]: string };
  /**
   * What identifies the release: `name=sha256:…` of each image, by name, joined by commas (what
   * approval records hold).
   */
  public readonly releaseKey: string;
  /** The release id: the first 12 hex digits of the SHA-256 of `releaseKey`. */
  public readonly releaseId: string;
  /** Passes only when the upstream has verified a release of every image; deployments depend on it. */
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
        images: shape.optional(shape.list(shape.string)),
      }),
      'Fix it in the props of the Promotion.',
    );
    const names = [...(props.images ?? [SINGLE_IMAGE])].sort();
    const wrong = names.filter((name) => !IMAGE_NAME_PATTERN.test(name));
    if (names.length === 0 || wrong.length > 0) {
      throw new ConfigurationError([
        invalidValue(
          `promotion '${id}'`,
          'images',
          'must name at least one image, each a lowercase letter, then lowercase letters, digits and -',
          props.images,
          "Name the release's images, e.g. ['web', 'api'].",
        ),
      ]);
    }
    const hint = props.howToDeployUpstream.replace('<stage>', props.upstreamStage);
    const upstream = props.stateReader.remoteState(
      this,
      'Upstream',
      props.upstreamLocation,
      { [VERIFIED_RELEASE_OUTPUT]: {} },
      `The upstream stage ${props.upstreamStage} has not been deployed yet (no state at ${props.upstreamLocation}), so it has verified no release. ${hint}`,
    );
    this.release = upstream.get(VERIFIED_RELEASE_OUTPUT);
    this.images = Object.fromEntries(
      // An upstream whose state has no release (destroyed, or never verified) reads as ''. (The
      // default is a raw string: cdktf drops a falsy default, and the engine then fails on the
      // missing attribute instead of the gate saying what to deploy.)
      names.map((name) => [name, Token.asString(Fn.lookup(this.release, name, Fn.rawString('')))]),
    );
    ({ key: this.releaseKey, id: this.releaseId } = releaseExpressions(this, this.images));
    const present = names.map((name) => Op.gte(Fn.lengthOf(this.images[name]), 1));
    this.gate = new TerraformData(this, 'UpstreamVerified', {
      input: { release: this.release },
      lifecycle: {
        precondition: [
          {
            condition: present.reduce((all, one) => Op.and(all, one)),
            errorMessage: `The upstream stage ${props.upstreamStage} has not verified a release with ${names.join(', ')} yet (no ${VERIFIED_RELEASE_OUTPUT} with ${names.length === 1 ? 'that image' : 'each of them'} in ${props.upstreamLocation}). ${hint}`,
          },
        ],
      },
    });
  }

  /**
   * Publishes the release as this stage's verified release, only after every check in `after`
   * has passed: a failed check leaves the previously verified release in place, every image of it.
   */
  public publishVerified(after: ITerraformDependable[]): TerraformOutput {
    const verified = new TerraformData(this, 'Verified', {
      input: { release: this.release },
      dependsOn: after,
    });
    return new TerraformOutput(this, VERIFIED_RELEASE_OUTPUT, {
      value: verified.outputReference('release'),
      description: 'The release this stage deployed and verified; downstream stages deploy it.',
      staticId: true,
    });
  }
}

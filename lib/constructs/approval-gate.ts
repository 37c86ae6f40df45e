import { Fn, IResolvable, Op, TerraformLocal, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';

import { releaseExpressions } from '../private/release-expressions';
import { assertShape, shape } from '../private/shape';

import { TerraformData } from './private/terraform-data';

/** Props of {@link ApprovalGate}. */
export interface ApprovalGateProps {
  /**
   * The release about to be deployed: each image's digest reference
   * (`registry/repository@sha256:...`), by image name. May be Terraform expressions.
   */
  readonly images: { readonly [name: string]: string };
  /** Whether an approval is required. May be a Terraform variable. */
  readonly required: boolean | IResolvable;
  /**
   * The approved releases, each as its key: `name=sha256:…` of every image, by name, joined by
   * commas (what `Approval.read` returns). May be a Terraform variable.
   */
  readonly approvedReleases: string[];
  /** Environment name shown in the message. May be a Terraform variable. */
  readonly environment: string;
  /**
   * How to approve, shown in the message; `<environment>` and `<release>` (the release id) are
   * filled in, and `<digest>` as `<release>`.
   */
  readonly howToApprove: string;
}

/**
 * Fails the plan, before anything changes, when approval is required and the release about to be
 * deployed is not approved as a whole: the message names the release and each image whose digest
 * no approved release holds. Resources that must wait for the approval depend on `gate`.
 */
export class ApprovalGate extends Construct {
  /** Passes only when the release may be deployed; resources that must wait depend on it. */
  public readonly gate: TerraformResource;

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    assertShape(
      `approval gate '${id}'`,
      props,
      shape.object({
        images: shape.map(shape.string),
        // true or false, or a Terraform variable
        required: shape.instance(
          (value) => typeof value === 'boolean' || Token.isUnresolved(value),
          'true, false or a Terraform bool variable',
        ),
        approvedReleases: shape.list(shape.string),
        environment: shape.string,
        howToApprove: shape.string,
      }),
      'Fix it in the props of the ApprovalGate.',
    );
    const release = releaseExpressions(this, props.images);
    const hint = props.howToApprove
      .replace('<environment>', props.environment)
      .replace('<release>', release.id)
      .replace('<digest>', release.id);
    // Every image of every approved release, as `name=sha256:…`.
    const approvedImages = Fn.split(',', Fn.join(',', props.approvedReleases));
    const unapproved = new TerraformLocal(
      this,
      'Unapproved',
      Fn.join(
        ', ',
        Fn.compact(
          Object.entries(release.entries).map(([name, entry]) =>
            Fn.conditional(
              Fn.contains(approvedImages, entry),
              '',
              Fn.join(' ', [name, Fn.element(Fn.split('@', props.images[name]), 1)]),
            ),
          ),
        ),
      ),
    ).asString;
    this.gate = new TerraformData(this, 'Check', {
      input: { release: release.key },
      lifecycle: {
        precondition: [
          {
            condition: Op.or(
              Op.not(props.required),
              Fn.contains(props.approvedReleases, release.key),
            ),
            errorMessage: `Release ${release.id} is not approved for ${props.environment}: ${Token.asString(
              Fn.conditional(
                // (cdktf renders a falsy right operand of an operator as undefined: no `== 0`.)
                Op.lt(Fn.lengthOf(unapproved), 1),
                'its images were approved, but in other releases, never together',
                Fn.join('', ['not approved: ', unapproved]),
              ),
            )}. ${hint}`,
          },
        ],
      },
    });
  }
}

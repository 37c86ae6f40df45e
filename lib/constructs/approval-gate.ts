import { Fn, IResolvable, Op, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';

import { assertShape, shape } from '../private/shape';
import { TerraformData } from '../private/terraform-data';

/** Props of {@link ApprovalGate}. */
export interface ApprovalGateProps {
  /** Digest reference about to be deployed (`registry/repository@sha256:...`). */
  readonly image: string;
  /** Whether an approval is required. May be a Terraform variable. */
  readonly required: boolean | IResolvable;
  /** Approved digests (`sha256:...`). May be a Terraform variable. */
  readonly approvedDigests: string[];
  /** Environment name shown in the message. May be a Terraform variable. */
  readonly environment: string;
  /** How to approve, shown in the message; `<environment>` and `<digest>` are filled in. */
  readonly howToApprove: string;
}

/**
 * Fails the plan, before anything changes, when approval is required and the digest about to be
 * deployed is not approved. Resources that must wait for the approval depend on `gate`.
 */
export class ApprovalGate extends Construct {
  /** Passes only when the digest may be deployed; resources that must wait depend on it. */
  public readonly gate: TerraformResource;

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    assertShape(
      `approval gate '${id}'`,
      props,
      shape.object({
        image: shape.string,
        // true or false, or a Terraform variable
        required: shape.instance(
          (value) => typeof value === 'boolean' || Token.isUnresolved(value),
          'true, false or a Terraform bool variable',
        ),
        approvedDigests: shape.list(shape.string),
        environment: shape.string,
        howToApprove: shape.string,
      }),
      'Fix it in the props of the ApprovalGate.',
    );
    const digest = Fn.element(Fn.split('@', props.image), 1);
    const hint = props.howToApprove
      .replace('<environment>', props.environment)
      .replace('<digest>', digest);
    this.gate = new TerraformData(this, 'Check', {
      input: { image: props.image },
      lifecycle: {
        precondition: [
          {
            condition: Op.or(Op.not(props.required), Fn.contains(props.approvedDigests, digest)),
            errorMessage: `${digest} is not approved for ${props.environment}. ${hint}`,
          },
        ],
      },
    });
  }
}

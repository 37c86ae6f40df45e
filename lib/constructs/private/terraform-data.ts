import { IResolvable, TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

export interface TerraformDataConfig extends TerraformMetaArguments {
  /** Stored in state and reflected in `output` after apply. */
  readonly input?: { readonly [key: string]: unknown };
  /** Replaces the resource (and re-runs its provisioners) when it changes. */
  readonly triggersReplace?: { readonly [key: string]: unknown };
}

/**
 * The engine's built-in `terraform_data` resource (Terraform 1.4+, every OpenTofu).
 *
 * cdktf's `DataResource` renders the same resource, but registers a validation on every instance
 * that runs `<engine> version` in a child process at synthesis: about 0.1 s per resource, which
 * dominated synthesis with many environments. `cdktf-pipeline doctor` checks the engine's version
 * instead, once.
 */
export class TerraformData extends TerraformResource {
  private readonly input?: { readonly [key: string]: unknown };
  private readonly triggersReplace?: { readonly [key: string]: unknown };

  constructor(scope: Construct, id: string, config: TerraformDataConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'terraform_data',
      terraformGeneratorMetadata: { providerName: 'terraform' },
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      forEach: config.forEach,
    });
    this.input = config.input;
    this.triggersReplace = config.triggersReplace;
  }

  /** One key of `output` (the applied `input`). */
  public outputValue(key: string): string {
    return this.getStringAttribute(`output.${key}`);
  }

  /** One key of `output` (the applied `input`), of any type (a map, a list). */
  public outputReference(key: string): IResolvable {
    return this.interpolationForAttribute(`output.${key}`);
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return { input: this.input, triggers_replace: this.triggersReplace };
  }
}

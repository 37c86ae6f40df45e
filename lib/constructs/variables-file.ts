import { IResolvable, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';

import { writeVariablesFile } from '../private/variables-file-writer';

/** Name of the variables file Terraform and OpenTofu load automatically. */
export const VARIABLES_FILE = 'terraform.tfvars.json';

/** A value a variables file holds: what a Terraform variable of the stack takes. */
export type VariableValue =
  string | number | boolean | readonly string[] | { readonly [k: string]: string };

/**
 * Declares Terraform variables and records this stack's values for them. At synthesis, the
 * values are written as `terraform.tfvars.json` next to the stack's `cdk.tf.json`, where the
 * engine loads them with no extra flags. The declarations carry no defaults, so the synthesized
 * configuration is the same whatever the values are.
 */
export class VariablesFile extends Construct {
  private readonly values: { [name: string]: VariableValue } = {};

  constructor(scope: Construct, id: string) {
    super(scope, id);
    writeVariablesFile(TerraformStack.of(this), VARIABLES_FILE, () => this.values);
  }

  /** The values recorded so far, by variable name. */
  public get recorded(): { readonly [name: string]: VariableValue } {
    return { ...this.values };
  }

  /** Declares a `string` variable with this stack's value; returns its reference. */
  public string(name: string, value: string, description: string): string {
    return this.declare(name, 'string', value, description).stringValue;
  }

  /** Declares a `number` variable with this stack's value; returns its reference. */
  public number(name: string, value: number, description: string): number {
    return this.declare(name, 'number', value, description).numberValue;
  }

  /** Declares a `bool` variable with this stack's value; returns its reference. */
  public bool(name: string, value: boolean, description: string): IResolvable {
    return this.declare(name, 'bool', value, description).booleanValue;
  }

  /** Declares a `list(string)` variable with this stack's value; returns its reference. */
  public stringList(name: string, value: readonly string[], description: string): string[] {
    return this.declare(name, 'list(string)', value, description).listValue;
  }

  /** Declares a `map(string)` variable with this stack's value; returns its reference. */
  public stringMap(
    name: string,
    value: { readonly [k: string]: string },
    description: string,
  ): { [k: string]: string } {
    return Token.asStringMap(this.declare(name, 'map(string)', value, description).value);
  }

  /**
   * Declares a sensitive `string` variable whose value is not recorded: the deploying process
   * gives it (`TF_VAR_<name>`). Returns its reference.
   */
  public secret(name: string, description: string): string {
    return this.variable(name, 'string', description, true).stringValue;
  }

  private declare(name: string, type: string, value: VariableValue, description: string) {
    this.values[name] = value;
    return this.variable(name, type, description);
  }

  private variable(name: string, type: string, description: string, sensitive?: boolean) {
    return new TerraformVariable(TerraformStack.of(this), name, {
      type,
      description,
      nullable: false,
      sensitive,
    });
  }
}

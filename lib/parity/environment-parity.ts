import { basename } from 'node:path';

import { App, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';

import { STACK_PLACEHOLDER } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { afterSynthesis } from '../private/synthesis-hook';

import { recordParityStack } from './private/parity-manifest';
import {
  checkSynthesized,
  compareEnvironments,
  formatParityReport,
} from './private/synthesized-parity';

/**
 * The backend attribute that holds a stack's state location, and the one pattern that location
 * follows: the only part of the backend that may differ between environment stacks.
 */
export interface BackendLocation {
  /**
   * The attribute of the backend's settings, e.g. `path` for the local backend, `schema_name`
   * for the pg backend.
   */
  readonly attribute: string;
  /**
   * Its value, with `{stack}` where the stack's name goes, e.g. `/srv/state/{stack}.tfstate`.
   * Every environment keeps its own state: the pattern must contain `{stack}`.
   */
  readonly pattern: string;
}

/** Options of {@link EnvironmentParity.include}. */
export interface EnvironmentParityOptions {
  /**
   * Where the stack's backend keeps its state. Its backend must then be the same as the other
   * stacks' in type and every setting, this attribute apart, which must be the pattern with this
   * stack's name.
   * @default - no location rule: the backend must be identical in every environment stack
   */
  readonly backendLocation?: BackendLocation;
  /**
   * The file that holds the stack's variable values, beside its `cdk.tf.json` (e.g.
   * `terraform.tfvars.json`). Its values are checked against the variables the stack declares.
   * @default - no variables file is checked
   */
  readonly variablesFile?: string;
}

/** Options of {@link EnvironmentParity.checkSynthesized}. */
export interface CheckSynthesizedOptions {
  /**
   * Names of the stacks to compare, among the environment stacks the output folder lists.
   * @default - every environment stack the output folder lists
   */
  readonly stacks?: readonly string[];
}

/** One environment stack as synthesis wrote it: what {@link EnvironmentParity.compare} compares.
 * @internal
 */
export interface SynthesizedEnvironment {
  /** Stack name. */
  readonly name: string;
  /** Its synthesized configuration (`cdk.tf.json`, parsed). */
  readonly config: unknown;
  /**
   * Where its backend keeps its state.
   * @default - no location rule: the backend must be identical in every environment stack
   */
  readonly backendLocation?: BackendLocation;
  /**
   * Its variables file: the file's name (the first part of the paths of its problems) and its
   * parsed content.
   * @default - no variables file is checked
   */
  readonly variablesFile?: {
    /** The file's name. */
    readonly name: string;
    /** Its parsed content. */
    readonly values: unknown;
  };
}

/**
 * What the expected value of a difference is: `reference`, the reference stack's value at the
 * same path; `declaration`, the type the stack declares for the variable (a variables file
 * problem; `undefined` when the stack declares no such variable or attribute).
 */
export type ParityExpectation = 'reference' | 'declaration';

/** One place where an environment stack differs from the reference stack or its own declarations. */
export interface ParityDifference {
  /**
   * The reference stack and the stack that differs. A problem of the reference stack's own
   * variables file names it twice.
   */
  readonly stacks: readonly [string, string];
  /**
   * JSON path of the difference, e.g. `resource.docker_container.Web.image`, or
   * `terraform.tfvars.json.web_replicas` for a variables file.
   */
  readonly path: string;
  /** The reference stack's value, or the declared type (see `expectation`); `undefined` when absent. */
  readonly expected: unknown;
  /** The differing stack's value (`undefined` when absent there). */
  readonly actual: unknown;
  /** Whether `expected` is the reference stack's value or the variable's declared type. */
  readonly expectation: ParityExpectation;
}

/** The result of a parity check. */
export interface ParityReport {
  /** Names of the stacks compared; the first is the reference. */
  readonly stacks: readonly string[];
  /** Every difference, stack by stack (empty when the stacks have parity). */
  readonly differences: readonly ParityDifference[];
}

const included = new WeakMap<TerraformStack, EnvironmentParityOptions>();

/**
 * Proof that every environment is deployed the same way, on what the engine receives: the files
 * synthesis writes for each environment stack (`stacks/<name>/cdk.tf.json`, after Aspects and
 * synthesizer hooks) must be identical once cdktf metadata (`//`) is set aside, the backend
 * included, whose state location alone may differ, following the stack's declared pattern.
 * Environment-specific values belong in Terraform variables; each stack's variables file must
 * give every declared variable without a default a value of its declared type, and nothing
 * undeclared.
 *
 * Synthesis writes `parity.json` into the output folder, listing the stacks marked with
 * {@link EnvironmentParity.include} with their location rule and variables file, so that the
 * check works on an output folder alone ({@link EnvironmentParity.checkSynthesized}).
 */
export class EnvironmentParity {
  /**
   * Marks a stack as an environment stack, to be compared with the others; at synthesis, it is
   * recorded in the output folder's `parity.json`. Calling it again replaces the options.
   */
  public static include(stack: TerraformStack, options: EnvironmentParityOptions = {}): void {
    validateOptions(stack, options);
    const first = !included.has(stack);
    included.set(stack, options);
    if (!first) return;
    afterSynthesis(stack, (session) => {
      const current = included.get(stack) ?? {};
      recordParityStack(
        session,
        stack,
        {
          backendLocation: current.backendLocation && {
            attribute: current.backendLocation.attribute,
            pattern: current.backendLocation.pattern,
          },
          variablesFile: current.variablesFile,
        },
        () => EnvironmentParity.stacksIn(App.of(stack)).length,
      );
    });
  }

  /**
   * The environment stacks under `scope` (an App or any construct), in tree order.
   * @internal
   */
  public static stacksIn(scope: IConstruct): TerraformStack[] {
    return scope.node
      .findAll()
      .filter((c): c is TerraformStack => c instanceof TerraformStack && included.has(c));
  }

  /**
   * Synthesizes the App of `scope` into its output folder (every call synthesizes again) and
   * compares the environment stacks under `scope` there, the first one being the reference.
   */
  public static check(scope: IConstruct): ParityReport {
    const app = App.of(scope);
    app.synth();
    return EnvironmentParity.checkSynthesized(app.outdir, {
      stacks: EnvironmentParity.stacksIn(scope).map((s) => s.node.id),
    });
  }

  /**
   * Compares the environment stacks of a synthesized app's output folder (e.g. `cdktf.out`), the
   * first one its `parity.json` lists being the reference; reads files only. An output folder
   * without `parity.json` has no environment stacks.
   */
  public static checkSynthesized(
    outdir: string,
    options: CheckSynthesizedOptions = {},
  ): ParityReport {
    return checkSynthesized(outdir, options);
  }

  /**
   * Compares synthesized environment stacks with the first one, and checks each one's variables
   * file against its declarations. Throws a ConfigurationError when a declared type is not a
   * Terraform type constraint, or a variables file is not a JSON object.
   * @internal
   */
  public static compare(environments: readonly SynthesizedEnvironment[]): ParityReport {
    return compareEnvironments(environments);
  }

  /** A readable report: one line per difference, or one OK line. */
  public static format(report: ParityReport): string {
    return formatParityReport(report);
  }
}

function validateOptions(stack: TerraformStack, options: EnvironmentParityOptions): void {
  const subject = `environment stack '${stack.node.id}'`;
  const problems: string[] = [];
  const location = options.backendLocation;
  if (location !== undefined && !Token.isUnresolved(location.attribute)) {
    if (location.attribute.trim() === '') {
      problems.push(
        invalidValue(
          subject,
          'backendLocation.attribute',
          'must name the backend setting that holds the state location',
          location.attribute,
          "Name it, e.g. 'path' for the local backend.",
        ),
      );
    }
  }
  if (location !== undefined && !Token.isUnresolved(location.pattern)) {
    if (!location.pattern.includes(STACK_PLACEHOLDER)) {
      problems.push(
        invalidValue(
          subject,
          'backendLocation.pattern',
          `must contain '${STACK_PLACEHOLDER}', where the stack's name goes`,
          location.pattern,
          `Give every environment its own state, e.g. '/srv/state/${STACK_PLACEHOLDER}.tfstate'.`,
        ),
      );
    }
  }
  const file = options.variablesFile;
  if (file !== undefined && !Token.isUnresolved(file)) {
    if (file === '' || basename(file) !== file || file === '.' || file === '..') {
      problems.push(
        invalidValue(
          subject,
          'variablesFile',
          "must be a file name, the file being beside the stack's cdk.tf.json",
          file,
          "Name the file alone, e.g. 'terraform.tfvars.json'.",
        ),
      );
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}

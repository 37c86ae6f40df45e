import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { App, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';

import { STACK_PLACEHOLDER } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { isPlainObject } from '../private/shape';
import { afterSynthesis } from '../private/synthesis-hook';

import { readParityManifest, recordParityStack } from './private/parity-manifest';
import {
  checkValue,
  parseType,
  TerraformType,
  typeToString,
  TypeSyntaxError,
} from './private/terraform-type';

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
    const cdktfManifest = join(outdir, 'manifest.json');
    if (!existsSync(cdktfManifest)) {
      throw new ConfigurationError([
        invalidValue(
          'parity',
          'outdir',
          "must be the output folder of a synthesized app (with cdktf's manifest.json)",
          outdir,
          'Synthesize the app first (cdktf synth), and name the folder it wrote (cdktf.out by default).',
        ),
      ]);
    }
    // Only the stacks of the last synthesis: a folder can hold those of an earlier one too.
    const synthesized = Object.keys(
      (readJson('parity', cdktfManifest) as { stacks?: object }).stacks ?? {},
    );
    const stacks = (readParityManifest(outdir)?.stacks ?? []).filter(
      (s) =>
        synthesized.includes(s.name) &&
        (options.stacks === undefined || options.stacks.includes(s.name)),
    );
    return EnvironmentParity.compare(
      stacks.map((s) => {
        const subject = `environment stack '${s.name}'`;
        const variables = (file: string) => {
          const path = join(outdir, s.directory, file);
          // No file: every variable without a default is reported missing.
          return { name: file, values: existsSync(path) ? readJson(subject, path) : {} };
        };
        return {
          name: s.name,
          config: readJson(subject, join(outdir, s.config)),
          backendLocation: s.backendLocation,
          variablesFile: s.variablesFile === undefined ? undefined : variables(s.variablesFile),
        };
      }),
    );
  }

  /**
   * Compares synthesized environment stacks with the first one, and checks each one's variables
   * file against its declarations. Throws a ConfigurationError when a declared type is not a
   * Terraform type constraint, or a variables file is not a JSON object.
   * @internal
   */
  public static compare(environments: readonly SynthesizedEnvironment[]): ParityReport {
    const differences: ParityDifference[] = [];
    const problems: string[] = [];
    const [reference, ...others] = environments;
    if (reference === undefined) return { stacks: [], differences };
    const referenceConfig = comparableConfig(reference);
    const referenceVariables = variablesOf(reference, problems);
    for (const p of referenceVariables.problems) {
      differences.push({ stacks: [reference.name, reference.name], ...p });
    }
    for (const other of others) {
      diff(referenceConfig, comparableConfig(other), '', (path, expected, actual) =>
        differences.push({
          stacks: [reference.name, other.name],
          path,
          expected,
          actual,
          expectation: 'reference',
        }),
      );
      const variables = variablesOf(other, problems);
      for (const p of variables.problems) {
        differences.push({ stacks: [reference.name, other.name], ...p });
      }
      // Variables with a default may be left out, but by every environment or by none.
      if (reference.variablesFile && other.variablesFile) {
        for (const name of variables.optional) {
          if (!referenceVariables.declared.has(name)) continue;
          const expected = referenceVariables.values[name];
          const actual = variables.values[name];
          if ((expected === undefined) !== (actual === undefined)) {
            differences.push({
              stacks: [reference.name, other.name],
              path: `${other.variablesFile.name}.${name}`,
              expected,
              actual,
              expectation: 'reference',
            });
          }
        }
      }
    }
    if (problems.length > 0) throw new ConfigurationError(problems);
    return { stacks: environments.map((e) => e.name), differences };
  }

  /** A readable report: one line per difference, or one OK line. */
  public static format(report: ParityReport): string {
    if (report.differences.length === 0) {
      return `parity OK: ${report.stacks.length} environment stacks synthesize identical Terraform (${report.stacks.join(', ')})`;
    }
    const lines = report.differences.map((d) => {
      const expected =
        d.expectation === 'declaration'
          ? `declared: ${d.expected === undefined ? '(not declared)' : String(d.expected)}`
          : `${d.stacks[0]}: ${show(d.expected)}`;
      return `  ${d.path || '(root)'}\n    ${expected}\n    ${d.stacks[1]}: ${show(d.actual)}`;
    });
    return [
      `parity FAILED: ${report.differences.length} difference(s) between environment stacks. Move environment-specific values into Terraform variables (environment config), or make the stacks build the same resources.`,
      ...lines,
    ].join('\n');
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

/** The configuration without cdktf metadata, its state location replaced by its pattern. */
function comparableConfig(environment: SynthesizedEnvironment): unknown {
  const config = stripMetadata(environment.config);
  const rule = environment.backendLocation;
  const terraform = isPlainObject(config) ? config.terraform : undefined;
  if (!rule || !isPlainObject(terraform) || !isPlainObject(terraform.backend)) return config;
  const location = rule.pattern.split(STACK_PLACEHOLDER).join(environment.name);
  // `backend` has one entry, by type: `{ local: { path: ... } }`.
  for (const settings of Object.values(terraform.backend)) {
    if (isPlainObject(settings) && settings[rule.attribute] === location) {
      settings[rule.attribute] = rule.pattern;
    }
  }
  return config;
}

interface VariableProblem {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly expectation: ParityExpectation;
}

/**
 * The variables file of a stack checked against the stack's declarations: its problems, the
 * variables it declares, those with a default the file leaves out or sets correctly, and its
 * values. Declarations whose type is no type constraint go to `errors`.
 */
function variablesOf(
  environment: SynthesizedEnvironment,
  errors: string[],
): {
  problems: VariableProblem[];
  declared: Set<string>;
  optional: string[];
  values: Record<string, unknown>;
} {
  const file = environment.variablesFile;
  const config = stripMetadata(environment.config);
  const declarations =
    isPlainObject(config) && isPlainObject(config.variable) ? config.variable : {};
  const declared = new Set(Object.keys(declarations));
  const result = { problems: [] as VariableProblem[], declared, optional: [] as string[] };
  if (file === undefined) return { ...result, values: {} };
  const subject = `environment stack '${environment.name}'`;
  if (!isPlainObject(file.values)) {
    errors.push(
      invalidValue(
        subject,
        file.name,
        'must be a JSON object of variable values',
        file.values,
        'Write the values as { "name": value, ... }.',
      ),
    );
    return { ...result, values: {} };
  }
  const values = file.values;
  const problem = (path: readonly string[], expected: unknown, actual: unknown) =>
    result.problems.push({
      path: [file.name, ...path].join('.'),
      expected,
      actual,
      expectation: 'declaration',
    });
  for (const name of [...new Set([...declared, ...Object.keys(values)])].sort()) {
    const value = values[name];
    if (!declared.has(name)) {
      problem([name], undefined, value);
      continue;
    }
    const declaration = isPlainObject(declarations[name]) ? declarations[name] : {};
    const type = typeOf(subject, name, declaration.type, errors);
    if (type === undefined) continue;
    const hasDefault = Object.prototype.hasOwnProperty.call(declaration, 'default');
    // A sensitive value (a secret, the state passphrase) comes from the deploying process: in
    // the file it would be written down.
    if (declaration.sensitive === true) {
      if (value !== undefined) problem([name], SENSITIVE_EXPECTATION, '(a value)');
      continue;
    }
    if (value === undefined || value === null) {
      const allowed = hasDefault || (value === null && declaration.nullable !== false);
      if (!allowed) problem([name], typeToString(type), value);
      else if (hasDefault) result.optional.push(name);
      continue;
    }
    const mismatches = checkValue(type, value);
    for (const m of mismatches) problem([name, ...m.path], m.expected, m.actual);
    if (mismatches.length === 0 && hasDefault) result.optional.push(name);
  }
  return { ...result, values };
}

/** What the file should hold of a sensitive variable: nothing. */
const SENSITIVE_EXPECTATION = 'sensitive: no value (the deploying process gives it)';

/** The declared type, parsed; `any` when none is declared; undefined (and an error) when invalid. */
function typeOf(
  subject: string,
  name: string,
  type: unknown,
  errors: string[],
): TerraformType | undefined {
  if (type === undefined) return { kind: 'any' };
  try {
    if (typeof type !== 'string') throw new TypeSyntaxError('not a string');
    return parseType(type);
  } catch (error) {
    if (!(error instanceof TypeSyntaxError)) throw error;
    errors.push(
      invalidValue(
        subject,
        `variable.${name}.type`,
        `must be a Terraform type constraint (string, number, bool, any, list(T), set(T), map(T), object({...}), tuple([...])); ${error.message}`,
        type,
        "Fix the variable's type where the stack declares it.",
      ),
    );
    return undefined;
  }
}

function readJson(subject: string, file: string): unknown {
  if (!existsSync(file)) {
    throw new ConfigurationError([
      invalidValue(
        subject,
        file,
        'must exist: the output folder lists it',
        undefined,
        'Synthesize the app again into an empty folder.',
      ),
    ]);
  }
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigurationError([
      invalidValue(
        subject,
        file,
        'must be JSON',
        text.length > 40 ? `${text.slice(0, 40)}...` : text,
        'Synthesize the app again, and fix whatever writes the file after synthesis.',
      ),
    ]);
  }
}

function stripMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripMetadata);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '//')
        .map(([key, v]) => [key, stripMetadata(v)]),
    );
  }
  return value;
}

function diff(
  a: unknown,
  b: unknown,
  path: string,
  report: (path: string, expected: unknown, actual: unknown) => void,
): void {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object';
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) diff(a[key], b[key], path ? `${path}.${key}` : key, report);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) report(path, a, b);
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

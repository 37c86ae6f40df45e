import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { STACK_PLACEHOLDER } from '../../private/defaults';
import { ConfigurationError, invalidValue } from '../../private/errors';
import { isPlainObject } from '../../private/shape';
import type {
  CheckSynthesizedOptions,
  ParityDifference,
  ParityExpectation,
  ParityReport,
  SynthesizedEnvironment,
} from '../environment-parity';

import { readParityManifest } from './parity-manifest';
import {
  checkValue,
  parseType,
  TerraformType,
  typeToString,
  TypeSyntaxError,
} from './terraform-type';

// The parity check on what synthesis wrote reads files only and needs no cdktf: the CLI runs it
// without loading the framework. EnvironmentParity's static methods are its public face.

/** Compares the environment stacks of an output folder: EnvironmentParity.checkSynthesized. */
export function checkSynthesized(
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
  return compareEnvironments(
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

/** Compares synthesized environment stacks with the first one: EnvironmentParity.compare. */
export function compareEnvironments(environments: readonly SynthesizedEnvironment[]): ParityReport {
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

/** A parity report as text, one line per difference: EnvironmentParity.format. */
export function formatParityReport(report: ParityReport): string {
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

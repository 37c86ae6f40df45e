import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { TerraformStack, Testing } from 'cdktf';

import { engineBinary } from '../private/engine';
import {
  EnginePlanJson,
  PlannedChange,
  normalisedChanges,
  normalisedOutputs,
} from '../private/planned-changes';

/** Options of {@link planOf}. */
export interface PlanOfOptions {
  /**
   * Outputs of the upstream stage's state, for an environment stack: the plan reads them (its
   * `verified_release`) as a deploy would, from a state file written for the plan.
   * @default - the upstream location the stack was synthesized with
   */
  readonly upstreamOutputs?: { readonly [output: string]: unknown };
  /**
   * Values of Terraform variables, over those of the stack's variables file.
   * @default - the stack's own values
   */
  readonly variables?: { readonly [name: string]: unknown };
  /**
   * The state to plan against (a state file's JSON).
   * @default - empty state: everything is to be created
   */
  readonly state?: object;
  /**
   * Paths replaced by `<root>` in the result, so that it is the same in every clone.
   * @default - the working directory
   */
  readonly root?: string;
  /**
   * The engine binary.
   * @default - $TERRAFORM_BINARY_NAME, else `tofu` when on the PATH, else `terraform`
   */
  readonly engine?: string;
  /**
   * Which attributes each change lists: those the configuration sets (what the stack decides),
   * or every attribute, with the provider's defaults and computed values.
   * @default 'configured'
   */
  readonly attributes?: 'configured' | 'all';
}

export { KNOWN_AFTER_APPLY, SENSITIVE } from '../private/planned-changes';
export type { PlannedChange } from '../private/planned-changes';

/** A stack's plan, normalised for snapshots: no absolute paths, no IDs, no timestamps, no secrets. */
export interface Plan {
  /** Every resource the plan touches, by address. */
  readonly changes: readonly PlannedChange[];
  /** The stack's outputs, with the values they will have. */
  readonly outputs: { readonly [name: string]: unknown };
}

/**
 * Runs the real engine's `plan` for a stack against empty (or given) state and returns the
 * planned changes, normalised for `expect(planOf(stack)).toMatchSnapshot()`: what the engine
 * would do, not only the JSON it receives. Needs the engine and its providers (init runs with
 * the environment's CLI configuration, e.g. an offline mirror).
 */
export function planOf(stack: TerraformStack, options: PlanOfOptions = {}): Plan {
  const outdir = Testing.fullSynth(stack);
  try {
    const dir = join(outdir, 'stacks', stack.node.id);
    const configFile = join(dir, 'cdk.tf.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      terraform?: { backend?: unknown };
    };
    const statePath = join(dir, 'plan.tfstate');
    config.terraform = { ...config.terraform, backend: { local: { path: statePath } } };
    writeFileSync(configFile, JSON.stringify(config));
    if (options.state) writeFileSync(statePath, JSON.stringify(options.state));

    const variables: { [name: string]: unknown } = { ...options.variables };
    if (options.upstreamOutputs) {
      const upstream = join(dir, 'upstream.tfstate');
      writeFileSync(upstream, JSON.stringify(stateWithOutputs(options.upstreamOutputs)));
      variables.upstream_state = upstream;
    }
    if (Object.keys(variables).length > 0) {
      writeFileSync(join(dir, 'plan.auto.tfvars.json'), JSON.stringify(variables));
    }

    const engine = options.engine ?? engineBinary();
    const run = (...args: string[]) =>
      execFileSync(engine, args, {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    try {
      run('init', '-input=false', '-no-color');
      run('plan', '-input=false', '-lock=false', '-no-color', '-out=plan.bin');
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(
        `planOf(${stack.node.id}): ${engine} failed: ${engineError(e.stderr || e.stdout || e.message)}`,
      );
    }
    const plan = JSON.parse(run('show', '-json', 'plan.bin')) as EnginePlanJson;
    const paths = [
      [dir, '<plan>'],
      [outdir, '<synth>'],
      [options.root ?? process.cwd(), '<root>'],
    ] as const;
    return {
      changes: normalisedChanges(plan, { attributes: options.attributes ?? 'configured', paths }),
      outputs: normalisedOutputs(plan, paths),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The engine's error on one line: without the excerpt of the one-line JSON configuration (which
 * repeats the whole stack) and without the box drawing.
 */
function engineError(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*\d+: [{[]/.test(line) && !/^\s*on cdk\.tf\.json line/.test(line))
    .map((line) => line.replace(/^[\s│├─╷╵]+/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A minimal state file whose only content is these root outputs. */
function stateWithOutputs(outputs: { readonly [name: string]: unknown }): object {
  return {
    version: 4,
    terraform_version: '1.0.0',
    serial: 1,
    lineage: 'planof-upstream',
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([name, value]) => [name, { value, type: stateType(value) }]),
    ),
    resources: [],
  };
}

/** The type the engine writes beside a value in a state's outputs (JSON type syntax). */
function stateType(value: unknown): unknown {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(stateType)];
  if (typeof value === 'object' && value !== null) {
    return [
      'object',
      Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stateType(item)])),
    ];
  }
  return 'string';
}

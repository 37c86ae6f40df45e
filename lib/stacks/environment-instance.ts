import { ISynthesisSession, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { VARIABLES_FILE } from '../constructs/variables-file';
import { EnvironmentParity } from '../parity/environment-parity';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';
import { beforeSynthesis } from '../private/synthesis-hook';
import { writeVariablesFile } from '../private/variables-file-writer';

import { EnvironmentConfig } from './environment-config';
import { EnvironmentStack } from './environment-stack';
import { configurationOf, definitionOf } from './private/environment-definition';
import { ENVIRONMENT_SHAPE } from './private/environment-shape';
import { environmentValues, variablesFileContent } from './private/environment-values';
import { settingValueProblems } from './private/setting-problems';

/** Props of {@link EnvironmentInstance}. */
export interface EnvironmentInstanceProps {
  /**
   * The environment stack this one is another instance of: built from the one stack definition,
   * with the same services, smoke tests, state store and target this environment needs.
   */
  readonly definition: EnvironmentStack;
  /** This environment's values; each becomes the value of one of the definition's variables. */
  readonly environment: EnvironmentConfig;
  /**
   * Releases approved for this environment, each as its key (`name=sha256:…` of every image, by
   * name, joined by commas), read from its approval record (`Approval.read`).
   * @default - none
   */
  readonly approvedReleases?: readonly string[];
}

/**
 * Another environment of an {@link EnvironmentStack}'s definition, made without building the
 * definition again: its `cdk.tf.json` is the definition stack's configuration with its own stack
 * name, construct paths and backend location, and its `terraform.tfvars.json` holds its own
 * values. Since every environment-specific value of an environment stack is a variable, this is
 * what building the stack again would give, at the cost of writing its files. The Delivery makes
 * its review environments this way: there can be hundreds.
 *
 * It takes part in the parity check like any environment stack: the check compares the files.
 */
export class EnvironmentInstance extends TerraformStack {
  /** The environment stack whose configuration this one shares. */
  public readonly definition: EnvironmentStack;
  /** Its variables' values, by name, as its variables file holds them. */
  public readonly values: { readonly [name: string]: unknown };
  private session: ISynthesisSession | undefined;

  constructor(scope: Construct, id: string, props: EnvironmentInstanceProps) {
    super(scope, id);
    assertShape(
      `environment instance '${id}'`,
      props,
      shape.object({
        definition: shape.any,
        environment: ENVIRONMENT_SHAPE,
        approvedReleases: shape.optional(shape.list(shape.string)),
      }),
      'Fix it in the props of the EnvironmentInstance.',
    );
    const definition = definitionOf(props.definition);
    if (definition === undefined) {
      throw new ConfigurationError([
        invalidValue(
          `environment instance '${id}'`,
          'definition',
          'must be an EnvironmentStack',
          String(props.definition),
          'Give the EnvironmentStack of another environment of the same delivery.',
        ),
      ]);
    }
    const settingProblems = settingValueProblems(props.environment, definition.settings);
    if (settingProblems.length > 0) throw new ConfigurationError(settingProblems);
    this.definition = props.definition;
    definition.state.bind(this, definition.projectRoot);
    EnvironmentParity.include(this, {
      backendLocation: definition.state.backendLocation(definition.projectRoot),
      variablesFile: VARIABLES_FILE,
    });
    this.values = variablesFileContent(environmentValues({ ...definition, ...props }));
    writeVariablesFile(this, VARIABLES_FILE, () => this.values);
    beforeSynthesis(this, (session) => (this.session = session));
  }

  /** The definition stack's configuration, with this stack's name, paths and backend. */
  public override toTerraform(): { [key: string]: unknown } {
    const own = super.toTerraform() as Configuration;
    const config = structuredClone(configurationOf(this.definition, this.session)) as Configuration;
    const from = this.definition.node.path;
    const to = this.node.path;
    const meta = (config['//'] ?? {}) as Configuration;
    const ownMeta = (own['//'] ?? {}) as Configuration;
    config['//'] = {
      ...meta,
      metadata: { ...(meta.metadata as Configuration), ...(ownMeta.metadata as Configuration) },
      outputs: movePath(meta.outputs, from.split('/'), to.split('/')),
    };
    renamePaths(config, `${from}/`, `${to}/`);
    config.terraform = {
      ...(config.terraform as Configuration),
      backend: (own.terraform as Configuration).backend,
    };
    return config;
  }
}

type Configuration = { [key: string]: unknown };

/** Moves the subtree at path `from` of a tree of objects to path `to`. */
function movePath(tree: unknown, from: readonly string[], to: readonly string[]): unknown {
  if (tree === undefined) return undefined;
  let node = tree as Configuration;
  for (const key of from.slice(0, -1)) {
    node = (node[key] ?? {}) as Configuration;
  }
  const subtree = node[from[from.length - 1]];
  if (subtree === undefined) return tree;
  const result: Configuration = {};
  let target = result;
  for (const key of to.slice(0, -1)) target = target[key] = {} as Configuration;
  target[to[to.length - 1]] = subtree;
  return result;
}

/** Replaces the construct path prefix `from` with `to` in every metadata block (`//`). */
function renamePaths(value: unknown, from: string, to: string): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v) => renamePaths(v, from, to));
    return;
  }
  const object = value as Configuration;
  for (const [key, child] of Object.entries(object)) {
    if (key === '//' && child !== null && typeof child === 'object') {
      const metadata = (child as Configuration).metadata as Configuration | undefined;
      if (metadata && typeof metadata.path === 'string' && metadata.path.startsWith(from)) {
        metadata.path = to + metadata.path.slice(from.length);
      }
    } else {
      renamePaths(child, from, to);
    }
  }
}

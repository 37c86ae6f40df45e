import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/** One place where two environment stacks synthesize differently. */
export interface ParityDifference {
  /** The reference stack and the stack that differs from it. */
  readonly stacks: readonly [string, string];
  /** JSON path of the difference, e.g. `resource.docker_container.Web.image`. */
  readonly path: string;
  /** Value in the reference stack (`undefined` when absent there). */
  readonly expected: unknown;
  /** Value in the differing stack (`undefined` when absent there). */
  readonly actual: unknown;
}

/** The result of a parity check. */
export interface ParityReport {
  /** Names of the stacks compared. */
  readonly stacks: readonly string[];
  readonly differences: readonly ParityDifference[];
}

const included = new WeakSet<TerraformStack>();

/**
 * Proof that every environment is deployed the same way: the synthesized Terraform of every
 * environment stack must be identical once cdktf metadata (`//`) and the backend are set aside.
 * Environment-specific values belong in Terraform variables, whose values are not part of it.
 */
export class EnvironmentParity {
  /** Marks a stack as an environment stack, to be compared with the others. */
  public static include(stack: TerraformStack): void {
    included.add(stack);
  }

  /** The environment stacks under `scope` (an App or any construct), in tree order. */
  public static stacksIn(scope: IConstruct): TerraformStack[] {
    return scope.node
      .findAll()
      .filter((c): c is TerraformStack => c instanceof TerraformStack && included.has(c));
  }

  /** The comparable configuration of a stack: its Terraform JSON without metadata and backend. */
  public static comparable(stack: TerraformStack): unknown {
    return EnvironmentParity.comparableJson(stack.toTerraform());
  }

  /** A synthesized configuration (`cdk.tf.json`) without cdktf metadata (`//`) and backend. */
  public static comparableJson(config: unknown): unknown {
    const json = stripMetadata(config) as { terraform?: { backend?: unknown } };
    if (json.terraform) delete json.terraform.backend;
    return json;
  }

  /** Compares every environment stack under `scope` with the first one. */
  public static check(scope: IConstruct): ParityReport {
    return EnvironmentParity.compare(
      EnvironmentParity.stacksIn(scope).map((s) => ({
        name: s.node.id,
        config: EnvironmentParity.comparable(s),
      })),
    );
  }

  /** Compares comparable configurations (see `comparableJson`) with the first one. */
  public static compare(
    configs: readonly { readonly name: string; readonly config: unknown }[],
  ): ParityReport {
    const differences: ParityDifference[] = [];
    const [first, ...rest] = configs;
    for (const other of rest) {
      diff(first.config, other.config, '', (path, expected, actual) =>
        differences.push({ stacks: [first.name, other.name], path, expected, actual }),
      );
    }
    return { stacks: configs.map((c) => c.name), differences };
  }

  /** A readable report: one line per difference, or one OK line. */
  public static format(report: ParityReport): string {
    if (report.differences.length === 0) {
      return `parity OK: ${report.stacks.length} environment stacks synthesize identical Terraform (${report.stacks.join(', ')})`;
    }
    const lines = report.differences.map(
      (d) =>
        `  ${d.path || '(root)'}\n    ${d.stacks[0]}: ${show(d.expected)}\n    ${d.stacks[1]}: ${show(d.actual)}`,
    );
    return [
      `parity FAILED: ${report.differences.length} difference(s) between environment stacks. Move environment-specific values into Terraform variables (environment config), or make the stacks build the same resources.`,
      ...lines,
    ].join('\n');
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

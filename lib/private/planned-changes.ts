/**
 * The engine's plan (`show -json`) in one normalised form, shared by the testing kit's `planOf`
 * and the `plan` command: each change with its address, its actions and the values it will have,
 * keys sorted, empty values dropped, machine-specific paths replaced, values the engine learns
 * only when it applies marked, and sensitive values hidden.
 */

/** Marks a value the engine learns only when it applies. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** Marks a value the configuration declares sensitive (a secret): never shown. */
export const SENSITIVE = '(sensitive)';

/** One planned change: the resource, what happens to it, and the values it will have. */
export interface PlannedChange {
  /** The resource's address, e.g. `docker_container.Services_Web_00C5A910[0]`. */
  readonly address: string;
  /** What the engine would do: `create`, `update`, `delete` (both, in order, for a replacement), `no-op` or `read`. */
  readonly actions: readonly string[];
  /** Attribute values after the change; `(known after apply)` where the engine cannot tell yet. */
  readonly values: { readonly [attribute: string]: unknown };
}

/** The part of the engine's `show -json` of a plan that is normalised. */
export interface EnginePlanJson {
  readonly configuration?: {
    readonly root_module?: {
      readonly resources?: readonly { readonly address: string; readonly expressions?: object }[];
    };
  };
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before?: unknown;
      readonly after?: unknown;
      readonly after_unknown?: unknown;
      readonly after_sensitive?: unknown;
      readonly replace_paths?: readonly (readonly (string | number)[])[];
    };
  }[];
  readonly output_changes?: {
    readonly [name: string]: {
      readonly after?: unknown;
      readonly after_unknown?: unknown;
      readonly after_sensitive?: unknown;
    };
  };
}

/** How {@link normalisedChanges} reads a plan. */
export interface NormaliseOptions {
  /**
   * Which attributes each change lists: those the configuration sets, or every attribute.
   */
  readonly attributes: 'configured' | 'all';
  /** Paths replaced by names (e.g. the project root by `<root>`), in this order. */
  readonly paths: readonly (readonly [string, string])[];
}

/** Every change of a plan, normalised, sorted by address. */
export function normalisedChanges(
  plan: EnginePlanJson,
  options: NormaliseOptions,
): PlannedChange[] {
  const configured = new Map(
    (plan.configuration?.root_module?.resources ?? []).map((r) => [
      r.address,
      new Set(Object.keys(r.expressions ?? {})),
    ]),
  );
  const keep = (address: string, values: unknown) => {
    const names = configured.get(address.replace(/\[[^\]]*\]$/, ''));
    if (options.attributes === 'all' || names === undefined) return values;
    return Object.fromEntries(
      Object.entries(values as Record<string, unknown>).filter(([name]) => names.has(name)),
    );
  };
  return (plan.resource_changes ?? [])
    .map(({ address, change }) => ({
      address,
      actions: change.actions,
      values: (normalise(
        keep(address, valueAfter(change.after, change.after_unknown, change.after_sensitive)),
        options.paths,
      ) ?? {}) as PlannedChange['values'],
    }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** The plan's outputs with the values they will have, normalised. */
export function normalisedOutputs(
  plan: EnginePlanJson,
  paths: NormaliseOptions['paths'],
): { [name: string]: unknown } {
  return normalise(
    Object.fromEntries(
      Object.entries(plan.output_changes ?? {}).map(([name, c]) => [
        name,
        valueAfter(c.after, c.after_unknown, c.after_sensitive),
      ]),
    ),
    paths,
  ) as { [name: string]: unknown };
}

/**
 * The value after the change, with what the engine learns only when it applies marked, and what
 * is sensitive hidden.
 */
function valueAfter(after: unknown, unknown: unknown, sensitive: unknown): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return KNOWN_AFTER_APPLY;
  if (Array.isArray(after)) {
    const u = Array.isArray(unknown) ? unknown : [];
    const s = Array.isArray(sensitive) ? sensitive : [];
    return after.map((v, i) => valueAfter(v, u[i], s[i]));
  }
  if (after !== null && typeof after === 'object') {
    const u = asRecord(unknown);
    const s = asRecord(sensitive);
    const a = after as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(u).filter((k) => u[k] === true)]);
    return Object.fromEntries([...keys].map((k) => [k, valueAfter(a[k], u[k], s[k])]));
  }
  if (after === undefined && unknown !== undefined && unknown !== false) {
    return valueAfter(Array.isArray(unknown) ? [] : {}, unknown, sensitive);
  }
  return after;
}

function asRecord(value: unknown): Record<string, unknown> {
  return (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
}

/** Drops nulls and empty collections, sorts keys, and replaces machine-specific paths. */
function normalise(value: unknown, paths: NormaliseOptions['paths']): unknown {
  if (typeof value === 'string') {
    return paths.reduce((text, [path, name]) => text.split(path).join(name), value);
  }
  if (Array.isArray(value)) {
    return value.map((v) => normalise(v, paths)).filter((v) => !isEmpty(v));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normalise((value as Record<string, unknown>)[k], paths)] as const)
        .filter(([, v]) => !isEmpty(v)),
    );
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

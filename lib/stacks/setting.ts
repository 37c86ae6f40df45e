import { IResolvable } from 'cdktf';

import { ConfigurationError, invalidValue, show } from '../private/errors';
import { isPlainObject } from '../private/shape';

/** A value an environment gives one of the delivery's settings. */
export type SettingValue =
  string | number | boolean | readonly string[] | { readonly [key: string]: string };

/** What a setting holds, and the Terraform type of its variable. */
export type SettingKind = 'string' | 'number' | 'bool' | 'list' | 'map';

/** What every setting declares. */
export interface SettingOptions<T extends SettingValue> {
  /** What the setting is for: the description of its Terraform variable. */
  readonly description: string;
  /**
   * The value of environments that give none.
   * @default - required: every environment gives a value
   */
  readonly default?: T;
}

/** A string setting. */
export interface StringSettingOptions extends SettingOptions<string> {
  /**
   * The values allowed.
   * @default - any one-line string
   */
  readonly oneOf?: readonly string[];
  /**
   * A pattern the whole value matches.
   * @default - any one-line string
   */
  readonly pattern?: RegExp;
}

/** A number setting. */
export interface NumberSettingOptions extends SettingOptions<number> {
  /**
   * The least value allowed.
   * @default - no lower bound
   */
  readonly min?: number;
  /**
   * The greatest value allowed.
   * @default - no upper bound
   */
  readonly max?: number;
  /**
   * Whether only whole numbers are allowed.
   * @default false
   */
  readonly integer?: boolean;
}

/** A true-or-false setting. */
export type BoolSettingOptions = SettingOptions<boolean>;

/** A list of strings. */
export interface ListSettingOptions extends SettingOptions<readonly string[]> {
  /**
   * The fewest items allowed.
   * @default 0
   */
  readonly minItems?: number;
  /**
   * The most items allowed.
   * @default - no limit
   */
  readonly maxItems?: number;
  /**
   * A pattern every item matches.
   * @default - any one-line string
   */
  readonly itemPattern?: RegExp;
}

/** A map of strings by key. */
export interface MapSettingOptions extends SettingOptions<{ readonly [key: string]: string }> {
  /**
   * A pattern every key matches.
   * @default - any key
   */
  readonly keyPattern?: RegExp;
}

/** Options that give a setting a default. */
export interface WithDefault {
  /** The value of environments that give none. */
  readonly default: unknown;
}

/** Whether options of a setting give a default: then environments may leave it out. */
export type HasDefault<O> = O extends WithDefault ? true : false;

/** What a setting's rules check, besides its kind. */
interface Rules {
  readonly oneOf?: readonly string[];
  readonly pattern?: RegExp;
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly itemPattern?: RegExp;
  readonly keyPattern?: RegExp;
}

/**
 * One setting of the delivery's own: declared once, in the delivery's `settings`, given a value by
 * each environment (its `settings`), and a Terraform variable of every environment stack, so the
 * synthesized Terraform stays the same in every environment. Made with the static factories,
 * e.g. `Setting.number({ description: 'Size of the data volume, in MiB', min: 1, max: 1024 })`.
 *
 * `T` is the value's type; `Optional` says whether environments may leave it out (it has a
 * default): an environment that gives a value of another type, or leaves out a required one,
 * does not compile.
 */
export class Setting<T extends SettingValue = SettingValue, Optional extends boolean = boolean> {
  /** A one-line string, optionally one of a list or matching a pattern. */
  public static string<O extends StringSettingOptions>(options: O): Setting<string, HasDefault<O>> {
    return new Setting('string', options);
  }

  /** A number, optionally whole and within bounds. */
  public static number<O extends NumberSettingOptions>(options: O): Setting<number, HasDefault<O>> {
    return new Setting('number', options);
  }

  /** True or false. */
  public static bool<O extends BoolSettingOptions>(options: O): Setting<boolean, HasDefault<O>> {
    return new Setting('bool', options);
  }

  /** A list of one-line strings, optionally of a length and with items matching a pattern. */
  public static list<O extends ListSettingOptions>(
    options: O,
  ): Setting<readonly string[], HasDefault<O>> {
    return new Setting('list', options);
  }

  /** A map of one-line strings, optionally with keys matching a pattern. */
  public static map<O extends MapSettingOptions>(
    options: O,
  ): Setting<{ readonly [key: string]: string }, HasDefault<O>> {
    return new Setting('map', options);
  }

  /** What the setting holds. */
  public readonly kind: SettingKind;
  /** What it is for. */
  public readonly description: string;
  /** The value of environments that give none; undefined when every environment must. */
  public readonly defaultValue?: T;
  /** Whether environments may leave it out (it has a default). */
  public readonly optional: Optional;
  private readonly rules: Rules;

  private constructor(kind: SettingKind, options: SettingOptions<T> & Rules) {
    this.kind = kind;
    const problems = optionsProblems(kind, options);
    if (problems.length > 0) throw new ConfigurationError(problems);
    // Only the rules of this kind.
    this.rules = Object.fromEntries(
      RULES[kind].map((rule) => [rule, options[rule]]).filter(([, v]) => v !== undefined),
    ) as Rules;
    this.description = options.description;
    this.defaultValue = options.default;
    this.optional = (options.default !== undefined) as Optional;
    if (options.default !== undefined) {
      const rule = this.ruleBrokenBy(options.default);
      if (rule !== undefined) {
        throw new ConfigurationError([
          invalidValue(
            `Setting.${kind}()`,
            'default',
            rule,
            options.default,
            'Give a default that the setting allows.',
          ),
        ]);
      }
    }
  }

  /** The Terraform type of the setting's variable. */
  public get terraformType(): string {
    return TERRAFORM_TYPES[this.kind];
  }

  /**
   * The rule `value` breaks (e.g. `must be from 1 to 1024`), for a message naming the
   * environment and the setting; undefined when the setting allows it.
   */
  public ruleBrokenBy(value: unknown): string | undefined {
    const r = this.rules;
    switch (this.kind) {
      case 'string':
        if (!isLine(value)) return 'must be a one-line string';
        if (r.oneOf !== undefined && !r.oneOf.includes(value))
          return `must be one of ${r.oneOf.map((v) => show(v)).join(', ')}`;
        if (!allMatch(r.pattern, [value])) return `must match ${String(r.pattern)}`;
        return undefined;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
        if (r.integer && !Number.isInteger(value)) return 'must be a whole number';
        if ((r.min !== undefined && value < r.min) || (r.max !== undefined && value > r.max))
          return `must be ${range(r.min, r.max)}`;
        return undefined;
      case 'bool':
        return typeof value === 'boolean' ? undefined : 'must be true or false';
      case 'list':
        if (!Array.isArray(value) || !value.every(isLine))
          return 'must be a list of one-line strings';
        if (
          (r.minItems !== undefined && value.length < r.minItems) ||
          (r.maxItems !== undefined && value.length > r.maxItems)
        )
          return `must have ${range(r.minItems, r.maxItems)} item${(r.maxItems ?? r.minItems) === 1 ? '' : 's'}`;
        if (!allMatch(r.itemPattern, value))
          return `must hold only items that match ${String(r.itemPattern)}`;
        return undefined;
      case 'map':
        if (!isPlainObject(value) || !Object.values(value).every(isLine))
          return 'must be an object of one-line strings';
        if (!allMatch(r.keyPattern, Object.keys(value)))
          return `must have only keys that match ${String(r.keyPattern)}`;
        return undefined;
    }
  }
}

/** The rules each kind of setting takes. */
const RULES: { readonly [kind in SettingKind]: readonly (keyof Rules)[] } = {
  string: ['oneOf', 'pattern'],
  number: ['min', 'max', 'integer'],
  bool: [],
  list: ['minItems', 'maxItems', 'itemPattern'],
  map: ['keyPattern'],
};

const TERRAFORM_TYPES: { readonly [kind in SettingKind]: string } = {
  string: 'string',
  number: 'number',
  bool: 'bool',
  list: 'list(string)',
  map: 'map(string)',
};

/** The settings a delivery declares, by name (e.g. `{ dataSizeMb: Setting.number({...}) }`). */
export type Settings = { readonly [name: string]: Setting };

/** The type of the values a setting takes. */
export type SettingValueOf<S> = S extends Setting<infer T, boolean> ? T : never;

/** The names of the settings that have no default: every environment gives them. */
export type RequiredSettingNames<S extends Settings> = {
  [K in keyof S]: S[K] extends Setting<SettingValue, false> ? K : never;
}[keyof S];

/**
 * The values an environment gives the settings `S`: the required ones (no default) must be there,
 * the others may be, each of its setting's type. E.g. `SettingValues<typeof settings>`.
 */
export type SettingValues<S extends Settings> = {
  readonly [K in RequiredSettingNames<S>]: SettingValueOf<S[K]>;
} & {
  readonly [K in Exclude<keyof S, RequiredSettingNames<S>>]?: SettingValueOf<S[K]>;
};

/** What a setting of type `T` is inside an environment stack: a reference to its variable. */
export type SettingReference<T> = T extends boolean
  ? IResolvable
  : T extends readonly string[]
    ? string[]
    : T extends string
      ? string
      : T extends number
        ? number
        : { [key: string]: string };

/** Every setting of `S` as a reference to its variable, by setting name. */
export type SettingReferences<S extends Settings> = {
  readonly [K in keyof S]: SettingReference<SettingValueOf<S[K]>>;
};

/** The problems of a setting's own options, as JavaScript may pass them. */
function optionsProblems(kind: SettingKind, options: unknown): string[] {
  const subject = `Setting.${kind}()`;
  const fix = `Fix the options of Setting.${kind}.`;
  if (!isPlainObject(options)) {
    return [invalidValue(subject, 'options', 'must be an object', options, fix)];
  }
  const rules = options as Rules;
  const problems: string[] = [];
  const problem = (field: string, rule: string) =>
    problems.push(invalidValue(subject, field, rule, options[field], fix));
  if (typeof options.description !== 'string' || options.description.trim() === '') {
    problem('description', 'must be a non-empty string');
  }
  for (const field of ['pattern', 'itemPattern', 'keyPattern'] as const) {
    if (rules[field] !== undefined && !(rules[field] instanceof RegExp)) {
      problem(field, 'must be a regular expression');
    }
  }
  for (const field of ['min', 'max', 'minItems', 'maxItems'] as const) {
    const value = rules[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      problem(field, 'must be a number');
    }
  }
  for (const [low, high] of [
    ['min', 'max'],
    ['minItems', 'maxItems'],
  ] as const) {
    const a = rules[low];
    const b = rules[high];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      problem(high, `must be at least ${low} (${a})`);
    }
  }
  if (
    rules.oneOf !== undefined &&
    (!Array.isArray(rules.oneOf) || rules.oneOf.length === 0 || !rules.oneOf.every(isLine))
  ) {
    problem('oneOf', 'must be a non-empty list of one-line strings');
  }
  if (rules.integer !== undefined && typeof rules.integer !== 'boolean') {
    problem('integer', 'must be true or false');
  }
  return problems;
}

function isLine(value: unknown): value is string {
  return typeof value === 'string' && !/[\n\r\0]/.test(value);
}

/** Whether the pattern, if any, matches each value whole (a pattern without ^ and $ too). */
function allMatch(pattern: RegExp | undefined, values: readonly string[]): boolean {
  if (pattern === undefined) return true;
  const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
  return values.every((value) => whole.test(value));
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

/**
 * Checks of the shape of configuration that may come from JavaScript without types: every value
 * a construct dereferences is checked for its kind first, so a missing field, a `null`, a wrong
 * type or `NaN` becomes a configuration problem naming the field, never a `TypeError`.
 */
import { ConfigurationError, invalidValue } from './errors';

/** What a value must be. Every kind but `optional` rejects `undefined` and `null`. */
export type Shape =
  | { readonly kind: 'any' }
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'function' }
  | { readonly kind: 'list'; readonly of: Shape }
  | { readonly kind: 'map'; readonly of: Shape }
  | { readonly kind: 'object'; readonly fields: { readonly [field: string]: Shape } }
  | { readonly kind: 'instance'; readonly is: (value: unknown) => boolean; readonly made: string }
  | { readonly kind: 'optional'; readonly shape: Shape };

export const shape = {
  /** Anything: checked elsewhere. */
  any: { kind: 'any' } as Shape,
  string: { kind: 'string' } as Shape,
  number: { kind: 'number' } as Shape,
  boolean: { kind: 'boolean' } as Shape,
  function: { kind: 'function' } as Shape,
  list: (of: Shape): Shape => ({ kind: 'list', of }),
  map: (of: Shape): Shape => ({ kind: 'map', of }),
  object: (fields: { readonly [field: string]: Shape }): Shape => ({ kind: 'object', fields }),
  /**
   * An object made by the library (`is` tells, e.g. `instanceof`), made with `made` (e.g.
   * 'Approval.none() or Approval.required(record)').
   */
  instance: (is: (value: unknown) => boolean, made: string): Shape => ({
    kind: 'instance',
    is,
    made,
  }),
  optional: (inner: Shape): Shape => ({ kind: 'optional', shape: inner }),
};

function expected(s: Shape): string {
  switch (s.kind) {
    case 'any':
      return 'anything';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'function':
      return 'a function';
    case 'list':
      return 'a list';
    case 'map':
    case 'object':
      return 'an object';
    case 'instance':
      return `made with ${s.made}`;
    case 'optional':
      return expected(s.shape);
  }
}

/**
 * The shape problems of `value` at `field` (a path such as 'services[1].port'), each a complete
 * message naming `subject`, the field, what it must be, the value and `fix`. Checks the fields of
 * objects and the entries of lists and maps, as far as their containers have the right kind.
 */
export function shapeProblems(
  subject: string,
  field: string,
  value: unknown,
  s: Shape,
  fix: string,
  whole = 'props',
  optional = false,
): string[] {
  const wrong = (rule = `must be ${expected(s)}`) => [
    invalidValue(subject, field || whole, `${rule}${optional ? ' or left out' : ''}`, value, fix),
  ];
  switch (s.kind) {
    case 'optional':
      return value === undefined
        ? []
        : shapeProblems(subject, field, value, s.shape, fix, whole, true);
    case 'any':
      return [];
    case 'string':
    case 'boolean':
    case 'function':
      return typeof value === s.kind ? [] : wrong();
    case 'number':
      if (typeof value !== 'number') return wrong();
      return Number.isFinite(value) ? [] : wrong('must be a finite number');
    case 'instance':
      return s.is(value) ? [] : wrong();
    case 'list':
      if (!Array.isArray(value)) return wrong();
      return value.flatMap((item, i) => shapeProblems(subject, `${field}[${i}]`, item, s.of, fix));
    case 'map':
      if (!isPlainObject(value)) return wrong();
      return Object.entries(value).flatMap(([key, item]) =>
        shapeProblems(subject, `${field}.${key}`, item, s.of, fix),
      );
    case 'object':
      if (!isPlainObject(value)) return wrong();
      return Object.entries(s.fields).flatMap(([name, fieldShape]) =>
        shapeProblems(subject, field ? `${field}.${name}` : name, value[name], fieldShape, fix),
      );
  }
}

/** Whether a value is an object with fields (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws a ConfigurationError listing the shape problems of `value`, if it has any. */
export function assertShape(
  subject: string,
  value: unknown,
  s: Shape,
  fix: string,
  whole = 'props',
): void {
  const problems = shapeProblems(subject, '', value, s, fix, whole);
  if (problems.length > 0) throw new ConfigurationError(problems);
}

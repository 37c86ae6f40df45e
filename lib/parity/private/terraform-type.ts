/**
 * Terraform type constraints (`string`, `list(string)`, `object({ port = number })`, ...): parsed
 * from a variable's `type`, and checked against a value from a JSON variables file.
 */
import { isPlainObject } from '../../private/shape';

/** A parsed type constraint. */
export type TerraformType =
  | { readonly kind: 'string' | 'number' | 'bool' | 'any' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: TerraformType }
  | {
      readonly kind: 'object';
      readonly attributes: { readonly [name: string]: ObjectAttribute };
    }
  | { readonly kind: 'tuple'; readonly elements: readonly TerraformType[] };

/** One attribute of an object type: `name = type`, or `name = optional(type[, default])`. */
export interface ObjectAttribute {
  readonly type: TerraformType;
  readonly optional: boolean;
  /** The default's source text, for `optional(type, default)`. */
  readonly default?: string;
}

/** A value that does not match its type, at `path` below the value checked. */
export interface TypeMismatch {
  readonly path: readonly string[];
  /** The type required there (as `typeToString` writes it); undefined where nothing is declared. */
  readonly expected: string | undefined;
  /** The value found there; undefined when it is missing. */
  readonly actual: unknown;
}

/** Thrown by `parseType` for text that is not a type constraint. */
export class TypeSyntaxError extends Error {}

const PRIMITIVES = new Set(['string', 'number', 'bool', 'any']);
const COLLECTIONS = new Set(['list', 'set', 'map']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Parses a type constraint; throws TypeSyntaxError when `text` is not one. */
export function parseType(text: string): TerraformType {
  const parser = new Parser(text);
  const type = parser.type();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the type');
  return type;
}

/** The canonical text of a type: `list(string)`, `object({a = number, b = optional(bool)})`. */
export function typeToString(type: TerraformType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${typeToString(type.element)})`;
    case 'object': {
      const attributes = Object.entries(type.attributes).map(([key, a]) => {
        const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
        const inner = typeToString(a.type);
        if (!a.optional) return `${name} = ${inner}`;
        return `${name} = optional(${inner}${a.default === undefined ? '' : `, ${a.default}`})`;
      });
      return `object({${attributes.join(', ')}})`;
    }
    case 'tuple':
      return `tuple([${type.elements.map(typeToString).join(', ')}])`;
    default:
      return type.kind;
  }
}

/**
 * Where `value`, as JSON gives it, does not match `type`. Strict about JSON types: a number must
 * be a JSON number, a bool a JSON boolean, and so on, although the engine would convert `"3"` to
 * a number or `3` to a string. Null is accepted only where `any` is, or for an optional object
 * attribute (where it means "absent"); whether a whole variable may be null is the caller's
 * question (its `nullable` and `default`). Object values must have every required attribute and
 * no undeclared one.
 */
export function checkValue(type: TerraformType, value: unknown): TypeMismatch[] {
  const mismatches: TypeMismatch[] = [];
  check(type, value, [], mismatches);
  return mismatches;
}

function check(type: TerraformType, value: unknown, path: string[], out: TypeMismatch[]): void {
  const mismatch = () => out.push({ path, expected: typeToString(type), actual: value });
  switch (type.kind) {
    case 'any':
      if (value === undefined) mismatch();
      return;
    case 'string':
    case 'number':
    case 'bool': {
      const jsonType = type.kind === 'bool' ? 'boolean' : type.kind;
      if (typeof value !== jsonType || (typeof value === 'number' && !Number.isFinite(value))) {
        mismatch();
      }
      return;
    }
    case 'list':
    case 'set':
      if (!Array.isArray(value)) return void mismatch();
      value.forEach((v, i) => check(type.element, v, [...path, String(i)], out));
      return;
    case 'tuple':
      if (!Array.isArray(value) || value.length !== type.elements.length) return void mismatch();
      value.forEach((v, i) => check(type.elements[i], v, [...path, String(i)], out));
      return;
    case 'map':
      if (!isPlainObject(value)) return void mismatch();
      for (const [k, v] of Object.entries(value)) check(type.element, v, [...path, k], out);
      return;
    case 'object': {
      if (!isPlainObject(value)) return void mismatch();
      const names = [...new Set([...Object.keys(type.attributes), ...Object.keys(value)])].sort();
      for (const name of names) {
        const attribute = Object.prototype.hasOwnProperty.call(type.attributes, name)
          ? type.attributes[name]
          : undefined;
        const v = value[name];
        if (attribute === undefined) {
          out.push({ path: [...path, name], expected: undefined, actual: v });
        } else if (!(attribute.optional && (v === undefined || v === null))) {
          check(attribute.type, v, [...path, name], out);
        }
      }
      return;
    }
  }
}

/** Recursive descent over the type constraint syntax. */
class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  public atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  public fail(problem: string): never {
    throw new TypeSyntaxError(`${problem} at character ${this.pos + 1}`);
  }

  /** Skips spaces and newlines. */
  public skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos])) this.pos++;
  }

  public type(): TerraformType {
    this.skipSpace();
    const start = this.pos;
    const name = this.identifier();
    if (PRIMITIVES.has(name)) return { kind: name as 'string' | 'number' | 'bool' | 'any' };
    const call = this.peek('(');
    if (COLLECTIONS.has(name)) {
      const kind = name as 'list' | 'set' | 'map';
      // A bare `list` or `map` is the legacy spelling of list(any), map(any).
      if (!call) return { kind, element: { kind: 'any' } };
      this.expect('(');
      const element = this.type();
      this.expect(')');
      return { kind, element };
    }
    if (name === 'object' && call) {
      this.expect('(');
      this.expect('{');
      const attributes: { [name: string]: ObjectAttribute } = {};
      this.skipSeparators();
      while (!this.peek('}')) {
        const key = this.attributeName();
        if (Object.prototype.hasOwnProperty.call(attributes, key)) {
          this.fail(`attribute '${key}' declared twice`);
        }
        // `name = type`; HCL's object syntax also allows `name: type`.
        if (this.peek(':')) this.expect(':');
        else this.expect('=');
        attributes[key] = this.attribute();
        this.skipSeparators();
      }
      this.expect('}');
      this.expect(')');
      return { kind: 'object', attributes };
    }
    if (name === 'tuple' && call) {
      this.expect('(');
      this.expect('[');
      const elements: TerraformType[] = [];
      this.skipSpace();
      while (!this.peek(']')) {
        elements.push(this.type());
        this.skipSpace();
        if (!this.peek(']')) this.expect(',');
        this.skipSpace();
      }
      this.expect(']');
      this.expect(')');
      return { kind: 'tuple', elements };
    }
    this.pos = start;
    return this.fail(`'${name}' is not a type`);
  }

  private attribute(): ObjectAttribute {
    this.skipSpace();
    const start = this.pos;
    if (this.identifier() === 'optional' && this.peek('(')) {
      this.expect('(');
      const type = this.type();
      this.skipSpace();
      let defaultText: string | undefined;
      if (this.peek(',')) {
        this.expect(',');
        defaultText = this.expression();
      }
      this.expect(')');
      return { type, optional: true, default: defaultText };
    }
    this.pos = start;
    return { type: this.type(), optional: false };
  }

  /** The source text of a default value: up to the `)` or `,` that closes it. */
  private expression(): string {
    this.skipSpace();
    const start = this.pos;
    const closing: string[] = [];
    while (!this.atEnd()) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.quoted();
        continue;
      }
      if (closing.length === 0 && (c === ')' || c === ',')) break;
      if (c === '(' || c === '[' || c === '{') closing.push({ '(': ')', '[': ']', '{': '}' }[c]);
      else if (c === ')' || c === ']' || c === '}') {
        if (closing.pop() !== c) this.fail(`unbalanced '${c}'`);
      }
      this.pos++;
    }
    const text = this.text.slice(start, this.pos).trim();
    if (text === '') this.fail('expected a default value');
    return text;
  }

  private attributeName(): string {
    this.skipSpace();
    if (this.peek('"')) return JSON.parse(this.quoted()) as string;
    return this.identifier();
  }

  /** A double-quoted string, escapes included; returns its source text. */
  private quoted(): string {
    const start = this.pos;
    this.pos++;
    while (!this.atEnd() && this.text[this.pos] !== '"') {
      this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    }
    if (this.atEnd()) this.fail('unterminated string');
    this.pos++;
    return this.text.slice(start, this.pos);
  }

  private identifier(): string {
    const name = /[A-Za-z_][A-Za-z0-9_-]*/y;
    name.lastIndex = this.pos;
    const match = name.exec(this.text);
    if (!match) return this.fail('expected a type name');
    this.pos += match[0].length;
    return match[0];
  }

  private skipSeparators(): void {
    this.skipSpace();
    while (this.peek(',')) {
      this.pos++;
      this.skipSpace();
    }
  }

  private peek(c: string): boolean {
    this.skipSpace();
    return this.text[this.pos] === c;
  }

  private expect(c: string): void {
    if (!this.peek(c)) this.fail(`expected '${c}'`);
    this.pos++;
  }
}

import {
  checkValue,
  parseType,
  TypeSyntaxError,
  typeToString,
} from '../../../../lib/parity/private/terraform-type';

const check = (type: string, value: unknown) => checkValue(parseType(type), value);

function syntaxErrorOf(text: string): string {
  try {
    parseType(text);
  } catch (error) {
    if (error instanceof TypeSyntaxError) return error.message;
    throw error;
  }
  throw new Error(`'${text}' parsed, but a TypeSyntaxError was expected`);
}

describe('parseType and typeToString', () => {
  test.each([
    ['string', 'string'],
    ['number', 'number'],
    ['bool', 'bool'],
    ['any', 'any'],
    ['list(string)', 'list(string)'],
    [' set( number ) ', 'set(number)'],
    ['map(list(bool))', 'map(list(bool))'],
    ['list', 'list(any)'],
    ['map', 'map(any)'],
    ['tuple([string, number, bool])', 'tuple([string, number, bool])'],
    ['tuple([])', 'tuple([])'],
    ['object({})', 'object({})'],
    ['object({ name = string, port = number })', 'object({name = string, port = number})'],
    [
      'object({\n  name = string\n  ports = list(number)\n})',
      'object({name = string, ports = list(number)})',
    ],
    ['object({ "quoted name": string })', 'object({"quoted name" = string})'],
    [
      'object({ a = optional(string), b = optional(number, 3), c = optional(list(string), ["x", ")"]) })',
      'object({a = optional(string), b = optional(number, 3), c = optional(list(string), ["x", ")"])})',
    ],
  ])('%j is %s', (text, canonical) => {
    expect(typeToString(parseType(text))).toBe(canonical);
  });

  test.each([
    ['strng', "'strng' is not a type at character 1"],
    ['list(', 'expected a type name at character 6'],
    ['list(string', "expected ')' at character 12"],
    ['map(string) extra', 'unexpected text after the type at character 13'],
    ['object({ a = string, a = number })', "attribute 'a' declared twice at character 23"],
    ['object({ a string })', "expected '=' at character 12"],
    ['optional(string)', "'optional' is not a type at character 1"],
    ['tuple(string)', "expected '[' at character 7"],
    ['', 'expected a type name at character 1'],
  ])('%j is refused: %s', (text, message) => {
    expect(syntaxErrorOf(text)).toBe(message);
  });
});

describe('checkValue', () => {
  test('accepts values of the declared type', () => {
    expect(check('string', 'a')).toEqual([]);
    expect(check('number', 1.5)).toEqual([]);
    expect(check('bool', false)).toEqual([]);
    expect(check('any', { anything: [1, 'a', null] })).toEqual([]);
    expect(check('list(string)', ['a', 'b'])).toEqual([]);
    expect(check('set(number)', [])).toEqual([]);
    expect(check('map(string)', { A: '1' })).toEqual([]);
    expect(check('tuple([string, number])', ['a', 1])).toEqual([]);
    expect(check('object({ a = string, b = optional(number) })', { a: 'x' })).toEqual([]);
    expect(check('object({ a = string, b = optional(number) })', { a: 'x', b: null })).toEqual([]);
  });

  test('is strict about JSON types: no conversion the engine would make', () => {
    expect(check('number', '3')).toEqual([{ path: [], expected: 'number', actual: '3' }]);
    expect(check('string', 3)).toEqual([{ path: [], expected: 'string', actual: 3 }]);
    expect(check('bool', 'true')).toEqual([{ path: [], expected: 'bool', actual: 'true' }]);
  });

  test('refuses values of another shape', () => {
    expect(check('number', { replicas: 2 })).toEqual([
      { path: [], expected: 'number', actual: { replicas: 2 } },
    ]);
    expect(check('list(string)', 'a')).toEqual([
      { path: [], expected: 'list(string)', actual: 'a' },
    ]);
    expect(check('map(string)', ['a'])).toEqual([
      { path: [], expected: 'map(string)', actual: ['a'] },
    ]);
    expect(check('string', null)).toEqual([{ path: [], expected: 'string', actual: null }]);
    expect(check('tuple([string, number])', ['a'])).toEqual([
      { path: [], expected: 'tuple([string, number])', actual: ['a'] },
    ]);
    expect(check('object({ a = string })', 'a')).toEqual([
      { path: [], expected: 'object({a = string})', actual: 'a' },
    ]);
  });

  test('names the element, entry or attribute that is wrong', () => {
    expect(check('list(number)', [1, 'two', 3])).toEqual([
      { path: ['1'], expected: 'number', actual: 'two' },
    ]);
    expect(check('map(string)', { A: '1', B: 2 })).toEqual([
      { path: ['B'], expected: 'string', actual: 2 },
    ]);
    expect(check('tuple([string, number])', ['a', 'b'])).toEqual([
      { path: ['1'], expected: 'number', actual: 'b' },
    ]);
    expect(
      check('object({ name = string, port = number, tags = map(string) })', {
        name: 'web',
        tags: { a: 1 },
        extra: true,
      }),
    ).toEqual([
      { path: ['extra'], expected: undefined, actual: true },
      { path: ['port'], expected: 'number', actual: undefined },
      { path: ['tags', 'a'], expected: 'string', actual: 1 },
    ]);
  });
});

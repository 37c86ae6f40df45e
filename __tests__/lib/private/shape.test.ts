import { show } from '../../../lib/private/errors';
import { shape, shapeProblems } from '../../../lib/private/shape';

describe('shapeProblems', () => {
  const s = shape.object({
    name: shape.string,
    ports: shape.optional(shape.list(shape.number)),
    env: shape.optional(shape.map(shape.string)),
    any: shape.any,
  });
  const check = (value: unknown) => shapeProblems('thing', '', value, s, 'Fix it.', 'thing');

  test('a sound value has no problems; unknown fields and anything in an any field are allowed', () => {
    expect(check({ name: 'a', ports: [1, 2], env: { A: 'x' }, any: null, extra: 1 })).toEqual([]);
  });

  test('paths name list entries and map keys, every problem at once', () => {
    expect(check({ name: 1, ports: [1, 'two', Infinity], env: { A: 'x', B: false } })).toEqual([
      "thing: 'name' must be a string, got 1. Fix it.",
      "thing: 'ports[1]' must be a number, got 'two'. Fix it.",
      "thing: 'ports[2]' must be a finite number, got Infinity. Fix it.",
      "thing: 'env.B' must be a string, got false. Fix it.",
    ]);
  });

  test('the whole value, when it is not an object, is named by the given word', () => {
    expect(check([])).toEqual(["thing: 'thing' must be an object, got []. Fix it."]);
  });
});

describe('show', () => {
  test('numbers as written, NaN included; instances by their class; functions; cycles', () => {
    class Widget {
      public readonly size = 1;
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect([NaN, -Infinity, 7, new Widget(), () => 1, cycle, null].map(show)).toEqual([
      'NaN',
      '-Infinity',
      '7',
      'a Widget',
      'a function',
      '[object Object]',
      'null',
    ]);
  });
});

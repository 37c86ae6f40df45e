/**
 * The one graph walk: orders items so that every item comes after the items it depends on.
 * Dependencies that name no item are ignored (callers report them). Returns the order, and every
 * cycle found as a path of keys that starts and ends with the same key.
 */
export function toposort<T>(
  items: readonly T[],
  key: (item: T) => string,
  dependencies: (item: T) => readonly string[],
): { readonly order: T[]; readonly cycles: string[][] } {
  const byKey = new Map(items.map((item) => [key(item), item]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: T[] = [];
  const cycles: string[][] = [];
  const visit = (item: T, path: string[]): void => {
    const k = key(item);
    if (state.get(k) === 'done') return;
    if (state.get(k) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(k)), k]);
      return;
    }
    state.set(k, 'visiting');
    for (const dep of dependencies(item)) {
      const target = byKey.get(dep);
      if (target !== undefined) visit(target, [...path, k]);
    }
    state.set(k, 'done');
    order.push(item);
  };
  items.forEach((item) => visit(item, []));
  return { order, cycles };
}

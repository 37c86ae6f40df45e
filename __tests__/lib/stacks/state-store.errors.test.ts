import { StateStore } from '../../../lib';
import { problemsOf } from '../../helpers/test-app';

describe('StateStore errors', () => {
  test('props from JavaScript without types', () => {
    const local = (props: unknown) => () =>
      StateStore.local(props as Parameters<typeof StateStore.local>[0]);
    const postgres = (props: unknown) => () =>
      StateStore.postgres(props as Parameters<typeof StateStore.postgres>[0]);
    expect(problemsOf(local(null))).toEqual([
      "state store: 'props' must be an object, got null. Fix it in StateStore.local().",
    ]);
    expect(problemsOf(local({ directory: ['state'] }))).toEqual([
      `state store: 'directory' must be a string or left out, got ["state"]. Fix it in StateStore.local().`,
    ]);
    expect(problemsOf(postgres({ schemaPrefix: 5 }))).toEqual([
      "state store: 'schemaPrefix' must be a string or left out, got 5. Fix it in StateStore.postgres().",
    ]);
  });
});

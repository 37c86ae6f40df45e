import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { sh } from '../../helpers/cli';
import { PROJECT_ROOT } from '../../helpers/test-app';

const FIXTURE = '__tests__/fixtures/setting-types.ts';

/**
 * Settings are typed end to end: the compiler refuses an environment that gives a value of the
 * wrong type or leaves out a required setting, and code that takes a setting's reference for
 * another type. The fixture marks each line that must not compile.
 */
describe('settings, as the compiler sees them', () => {
  test('every marked line of the fixture is a type error, and no other line is', async () => {
    const marked = readFileSync(join(PROJECT_ROOT, FIXTURE), 'utf8')
      .split('\n')
      .map((line, i) => ({ line: i + 1, text: line }))
      .filter(({ text }) => /\/\/ error: /.test(text))
      .map(({ line, text }) => `${line}: ${text.replace(/.*\/\/ error: /, '')}`);
    const result = await sh(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), [
      '--noEmit',
      '--pretty',
      'false',
      '--strict',
      '--skipLibCheck',
      '--module',
      'node16',
      '--moduleResolution',
      'node16',
      '--target',
      'es2022',
      FIXTURE,
    ]);
    expect(result.code).toBe(2);
    const errors = [
      ...result.output.matchAll(
        /^__tests__\/fixtures\/setting-types\.ts\((\d+),\d+\): error TS2322/gm,
      ),
    ].map((m) => Number(m[1]));
    const comment = (line: number) =>
      marked.find((m) => m.startsWith(`${line}: `)) ?? `${line}: unmarked`;
    expect(errors.map(comment)).toEqual(marked);
    // Nothing but those: every error line of the output is one of them.
    expect(result.output.split('\n').filter((l) => / error TS/.test(l))).toHaveLength(
      marked.length,
    );
  });
});

import { execFileSync } from 'node:child_process';

import { PROJECT_ROOT } from './helpers/test-app';

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

describe('the repository', () => {
  test('tracks no file that .gitignore excludes (build output, state, caches, generated pages)', () => {
    expect(git('ls-files', '--cached', '--ignored', '--exclude-standard')).toEqual([]);
  });
});

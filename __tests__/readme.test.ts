import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from './helpers/test-app';

/**
 * The README shows files of the consumer project that the end-to-end consumer suite installs,
 * synthesizes and deploys: each block marked `<!-- the file PATH -->` is that file, whole.
 */
describe('README.md', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- the file (\S+) -->\n\n```\w*\n([\s\S]*?)```\n/g)].map(
    ([, path, content]) => ({ path, content }),
  );

  test('shows the delivery, the app and the test of the consumer project', () => {
    expect(blocks.map((b) => b.path)).toEqual([
      '__tests__/fixtures/consumer/delivery.ts',
      '__tests__/fixtures/consumer/main.ts',
      '__tests__/fixtures/consumer/delivery.test.ts',
    ]);
  });

  test.each(blocks.map((b) => [b.path, b.content]))(
    'the block marked %s is that file, whole',
    (path, content) => {
      expect(content).toBe(readFileSync(join(PROJECT_ROOT, path), 'utf8'));
    },
  );
});

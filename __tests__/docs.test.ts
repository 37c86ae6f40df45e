import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { PROJECT_ROOT } from './helpers/test-app';

/** The README and the guides in docs/, by path from the project root. */
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

/** A heading's anchor as GitHub makes it. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/** The text of a page outside its code blocks. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```$/gm, '');

describe('the README and the guides', () => {
  /**
   * "Use it in your project" shows files of the consumer project that the end-to-end consumer
   * suite installs, synthesizes and deploys: each block marked `<!-- the file PATH -->` is that
   * file, whole.
   */
  const blocks = [
    ...read('docs/your-project.md').matchAll(/<!-- the file (\S+) -->\n\n```\w*\n([\s\S]*?)```\n/g),
  ].map(([, path, content]) => ({ path, content }));

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
      expect(content).toBe(read(path));
    },
  );

  test('every link between them, and to files of the repository, leads somewhere', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, fragment] = target.split('#');
        const file =
          path === '' ? page : relative(PROJECT_ROOT, join(PROJECT_ROOT, dirname(page), path));
        if (!existsSync(join(PROJECT_ROOT, file))) {
          broken.push(`${page}: ${target} (no ${file})`);
        } else if (fragment !== undefined && file.endsWith('.md')) {
          const headings = [...prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)].map(([, h]) =>
            anchor(h),
          );
          if (!headings.includes(fragment)) broken.push(`${page}: ${target} (no heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test('the README is short: what it is, requirements, quick starts, concepts and links', () => {
    const readme = read('README.md');
    expect([...readme.matchAll(/^## (.+)$/gm)].map(([, h]) => h)).toEqual([
      'Requirements',
      'Quick start: the sample, here',
      'Quick start: your own project',
      'Concepts',
      'Documentation',
    ]);
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10 * 1024);
  });
});

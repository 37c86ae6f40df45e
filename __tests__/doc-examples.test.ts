import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { sh } from './helpers/cli';
import { PROJECT_ROOT } from './helpers/test-app';

/**
 * Every TypeScript block of the README and the guides compiles against the package as a project
 * imports it (`cdktf-deployment-pipeline`, `/testing`, `/operations`, mapped to lib/): a renamed
 * prop or a removed export fails here, not in a reader's project.
 *
 * A block marked `<!-- the file PATH -->` is written as that file's name, so that the blocks of a
 * page import each other as the files do. Short blocks may use these names without declaring them:
 * `app` (a cdktf App), `definition` (a delivery's props), `dev` and `prod` (environment configs),
 * `devStack` (an environment's stack), `RELEASE` (a release) and `operations` (an `Operations`).
 */
const CONTEXT = `
declare const app: import('cdktf').App;
declare const definition: import('cdktf-deployment-pipeline').DeliveryProps;
declare const dev: import('cdktf-deployment-pipeline').EnvironmentConfig;
declare const prod: import('cdktf-deployment-pipeline').EnvironmentConfig;
declare const devStack: import('cdktf').TerraformStack;
declare const RELEASE: import('cdktf-deployment-pipeline').Release;
declare const operations: import('cdktf-deployment-pipeline/operations').Operations;
`;

const PAGES = [
  'README.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The TypeScript blocks of a page, each with the file name it is compiled as. */
function blocksOf(page: string): { file: string; code: string }[] {
  const text = readFileSync(join(PROJECT_ROOT, page), 'utf8');
  return [...text.matchAll(/(?:<!-- the file (\S+) -->\n\n)?```ts\n([\s\S]*?)```\n/g)].map(
    ([, marked, code], i) =>
      marked
        ? { file: basename(marked), code }
        : { file: `example-${i + 1}.ts`, code: `${code}\nexport {};\n` },
  );
}

describe('the examples of the README and the guides', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'doc-examples-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every page has its TypeScript blocks found', () => {
    expect(blocksOf('README.md').length).toBeGreaterThan(0);
    expect(PAGES.flatMap(blocksOf).length).toBeGreaterThan(10);
  });

  test('every TypeScript block compiles against the package', async () => {
    const modules = join(PROJECT_ROOT, 'node_modules');
    for (const page of PAGES) {
      const folder = join(dir, page.replace(/[/.]/g, '-'));
      mkdirSync(folder, { recursive: true });
      for (const { file, code } of blocksOf(page)) writeFileSync(join(folder, file), code);
    }
    writeFileSync(join(dir, 'context.d.ts'), CONTEXT);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noEmit: true,
          experimentalDecorators: true,
          skipLibCheck: true,
          esModuleInterop: true,
          baseUrl: '.',
          paths: {
            'cdktf-deployment-pipeline': [join(PROJECT_ROOT, 'lib', 'index.ts')],
            'cdktf-deployment-pipeline/testing': [join(PROJECT_ROOT, 'lib', 'testing', 'index.ts')],
            'cdktf-deployment-pipeline/operations': [
              join(PROJECT_ROOT, 'lib', 'operations', 'index.ts'),
            ],
            '*': [join(modules, '@types', '*'), join(modules, '*')],
          },
          typeRoots: [join(modules, '@types')],
          types: ['node', 'jest'],
        },
        include: ['**/*.ts'],
      }),
    );
    const tsc = join(modules, '.bin', 'tsc');
    const result = await sh(tsc, ['-p', join(dir, 'tsconfig.json')], {}, dir);
    // Paths as the pages name them: docs-pipeline-md/example-2.ts is docs/pipeline.md's second block.
    expect({ code: result.code, output: result.output.split(`${dir}/`).join('') }).toEqual({
      code: 0,
      output: '',
    });
  });
});

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

import { sh } from './helpers/cli';
import { PROJECT_ROOT } from './helpers/test-app';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<
  string,
  unknown
>;

function filesUnder(path: string): string[] {
  const full = join(PROJECT_ROOT, path);
  if (statSync(full).isFile()) return [path];
  return readdirSync(full).flatMap((name) => filesUnder(join(path, name)));
}

describe('the package', () => {
  test('points main, types, exports and bin at the build, and takes the framework as peers', () => {
    expect(pkg).toMatchObject({
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './testing': { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' },
        './operations': {
          types: './dist/operations/index.d.ts',
          default: './dist/operations/index.js',
        },
      },
      bin: { 'cdktf-pipeline': 'dist/cli/bin.js' },
      peerDependencies: {
        cdktf: expect.any(String),
        constructs: expect.any(String),
        '@cdktf/provider-docker': expect.any(String),
      },
    });
    expect(pkg.private).toBeUndefined();
    // No null provider: the engine's built-in terraform_data replaced it.
    expect(JSON.stringify(pkg)).not.toContain('provider-null');
    // The CLI's argument parser, PostgreSQL's client (state and history) and the CI files' YAML
    // writer; nothing else. Each a caret range, so that a project's own copy of it can serve.
    expect(pkg.dependencies).toEqual({
      commander: expect.stringMatching(/^\^\d+\.\d+\.\d+$/),
      pg: expect.stringMatching(/^\^\d+\.\d+\.\d+$/),
      yaml: expect.stringMatching(/^\^\d+\.\d+\.\d+$/),
    });
  });

  test("npm pack ships the build output, init's templates and the documentation; every relative link in it leads to a shipped file", async () => {
    // npm pack runs the build first (prepack); its JSON report is what follows the build's output.
    const stdout = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    const [packed] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as {
      files: { path: string }[];
    }[];
    const paths = packed.files.map((f) => f.path);
    expect(
      paths.filter(
        (p) =>
          !/^(bin\/cdktf-pipeline-app\.js|dist\/.+\.(js|d\.ts)|templates\/init\/.+|docs\/[a-z-]+\.md|docs\/images\/[a-z-]+\.png|(README|CHANGELOG|CONTRIBUTING|BENCHMARKS)\.md|LICENSE|package\.json)$/.test(
            p,
          ),
      ),
    ).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/testing/index.js',
        'dist/cli/bin.js',
        'dist/cli/register.js',
        'bin/cdktf-pipeline-app.js',
        'templates/init/delivery.ts',
        'README.md',
        'CHANGELOG.md',
        'docs/cli.md',
        'LICENSE',
      ]),
    );
    // A reader of the package (on a registry, or in node_modules) follows the pages' links.
    const links = paths
      .filter((p) => p.endsWith('.md') && !p.startsWith('templates/'))
      .flatMap((page) =>
        [...readFileSync(join(PROJECT_ROOT, page), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
          .map(([, target]) => target.replace(/#.*$/, ''))
          .filter((target) => target !== '' && !/^[a-z]+:/.test(target))
          .map((target) => ({ page, target: posix.join(posix.dirname(page), target) })),
      );
    expect(links.length).toBeGreaterThan(30);
    expect(
      links.filter((l) => !paths.includes(l.target)).map((l) => `${l.page} -> ${l.target}`),
    ).toEqual([]);
  });

  test('the sample delivery, scripts and benchmarks import nothing of lib/private', () => {
    const outside = ['stacks', 'environments', 'scripts', 'bench', 'main.ts'].flatMap(filesUnder);
    expect(outside.length).toBeGreaterThan(10);
    expect(
      outside.filter((f) => readFileSync(join(PROJECT_ROOT, f), 'utf8').includes('lib/private')),
    ).toEqual([]);
  });

  test('the lint rules keep the rooms of lib/ in order: imports go down, only the CLI prints', async () => {
    const cases = [
      [
        'lib/model/probe.ts',
        "import { Operations } from '../operations';\n\nexport const o = Operations;",
      ],
      [
        'lib/stacks/probe.ts',
        "import { LocalRunner } from '../runner';\n\nexport const r = LocalRunner;",
      ],
      ['lib/operations/probe.ts', "import { main } from '../cli/main';\n\nexport const m = main;"],
      ['lib/runner/probe.ts', "export function say(): void {\n  process.stdout.write('hi\\n');\n}"],
      [
        'lib/private/probe.ts',
        "import { Approval } from '../constructs/approval';\n\nexport const a = Approval;",
      ],
      [
        'lib/private/probe.ts',
        "import type { Approval } from '../constructs/approval';\n\nexport type A = Approval;",
      ],
      [
        'lib/runner/probe.ts',
        "import { Operations } from '../operations';\n\nexport const o = Operations;",
      ],
    ];
    // One ESLint for every case: loading the configuration is most of its time.
    const script = `
      const { ESLint } = require('eslint');
      (async () => {
        const eslint = new ESLint();
        const out = [];
        for (const [filePath, text] of JSON.parse(process.env.CASES)) {
          const [result] = await eslint.lintText(text, { filePath });
          out.push(result.messages.map((m) => m.message));
        }
        console.log(JSON.stringify(out));
      })();`;
    const result = await sh('node', ['-e', script], { CASES: JSON.stringify(cases) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.output)).toEqual([
      [
        'Unexpected path "../operations" imported in restricted zone. lib/model may import only lib/private besides itself.',
      ],
      [
        'Unexpected path "../runner" imported in restricted zone. lib/stacks may import only lib/private, lib/schema, lib/constructs, lib/parity besides itself.',
      ],
      [
        'Unexpected path "../cli/main" imported in restricted zone. lib/operations may import only lib/private, lib/schema, lib/model, lib/constructs, lib/stacks, lib/parity, lib/renderers besides itself.',
      ],
      [
        "'process.stdout' is restricted from being used. Only lib/cli prints: report through a result, an error or a progress listener.",
      ],
      [
        "'../constructs/approval' import is restricted from being used by a pattern. lib/private sits below every room but lib/schema: import only types from above.",
      ],
      [],
      [],
    ]);
  });

  test('the lint rule refuses an import of private/ from outside the library', async () => {
    const lint = (file: string, source: string) =>
      sh('sh', ['-c', `printf '%s\\n' "$SOURCE" | npx eslint --stdin --stdin-filename ${file}`], {
        SOURCE: source,
      });
    const bad = await lint(
      'stacks/probe.ts',
      "import { invalidValue } from '../lib/private/errors';\n\nexport const f = invalidValue;",
    );
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(
      "'../lib/private/errors' import is restricted from being used by a pattern. private/ is not public API: import from the package (lib/) instead",
    );
    const good = await lint(
      'stacks/probe.ts',
      "import { ConfigurationError } from '../lib';\n\nexport const e = ConfigurationError;",
    );
    expect(good).toEqual({ code: 0, output: '' });
  });
});

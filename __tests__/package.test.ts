import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
    // writer; nothing else.
    expect(Object.keys(pkg.dependencies as object)).toEqual(['commander', 'pg', 'yaml']);
  });

  test('npm pack ships only the build output, README, LICENSE and package.json', async () => {
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
      paths.filter((p) => !/^(dist\/.+\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(p)),
    ).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/testing/index.js',
        'dist/cli/bin.js',
        'LICENSE',
      ]),
    );
  });

  test('the sample delivery, scripts and benchmarks import nothing of lib/private', () => {
    const outside = ['stacks', 'environments', 'scripts', 'bench', 'main.ts'].flatMap(filesUnder);
    expect(outside.length).toBeGreaterThan(10);
    expect(
      outside.filter((f) => readFileSync(join(PROJECT_ROOT, f), 'utf8').includes('lib/private')),
    ).toEqual([]);
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

/**
 * The app runner as cdktf runs it: `node bin/cdktf-pipeline-app.js ENTRY ARGS` in a project's
 * folder, the project here a temporary one with its own typescript (linked from this repository's).
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sh } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/test-app';

const RUNNER = join(PROJECT_ROOT, 'bin', 'cdktf-pipeline-app.js');
let project: string;

const run = (cwd: string, ...args: string[]) => sh('node', [RUNNER, ...args], {}, cwd);
const cacheOf = (dir: string) =>
  join(dir, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'app-runner-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(
    join(PROJECT_ROOT, 'node_modules', 'typescript'),
    join(project, 'node_modules', 'typescript'),
  );
  writeFileSync(
    join(project, 'greeting.ts'),
    'export const greeting = (name: string): string => `hello ${name}`;\n',
  );
  writeFileSync(
    join(project, 'main.ts'),
    "import { greeting } from './greeting';\n\nconst names: string[] = process.argv.slice(2);\nconsole.log(greeting(names.join(' and ')));\n",
  );
});

afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('cdktf-pipeline-app', () => {
  test("runs the entry with its arguments, each TypeScript file transpiled once into the project's cache", async () => {
    expect(await run(project, 'main.ts', 'qa', 'live')).toEqual({
      code: 0,
      output: 'hello qa and live\n',
    });
    const cached = readdirSync(cacheOf(project));
    expect(cached).toHaveLength(2);

    // A second run reads the cache, not the source: changed there, the change shows.
    const greeting = cached
      .map((f) => join(cacheOf(project), f))
      .find((f) => readFileSync(f, 'utf8').includes('hello'));
    if (!greeting) throw new Error(`no cached greeting.ts among ${cached.join(', ')}`);
    writeFileSync(greeting, 'exports.greeting = (name) => `from the cache ${name}`;\n');
    expect(await run(project, 'main.ts', 'qa')).toEqual({
      code: 0,
      output: 'from the cache qa\n',
    });

    // A changed source is a new key: transpiled again, beside the old file.
    writeFileSync(
      join(project, 'greeting.ts'),
      'export const greeting = (name: string): string => `hi ${name}`;\n',
    );
    expect(await run(project, 'main.ts', 'qa')).toEqual({ code: 0, output: 'hi qa\n' });
    expect(readdirSync(cacheOf(project))).toHaveLength(3);
  });

  test('runs main.ts when no entry is given, and keeps the exit code the app sets', async () => {
    writeFileSync(join(project, 'main.ts'), "console.log('main ran');\nprocess.exitCode = 3;\n");
    expect(await run(project)).toEqual({ code: 3, output: 'main ran\n' });
  });

  test("an entry of another project runs with that project's typescript and cache, from any folder", async () => {
    writeFileSync(join(project, 'package.json'), '{ "name": "other", "private": true }\n');
    const elsewhere = mkdtempSync(join(tmpdir(), 'app-runner-cwd-'));
    try {
      expect(await run(elsewhere, join(project, 'main.ts'), 'qa')).toEqual({
        code: 0,
        output: 'hello qa\n',
      });
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(readdirSync(cacheOf(project))).toHaveLength(2);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('an entry that does not exist is refused with its name, the folder and the fix', async () => {
    expect(await run(project, 'mian.ts', 'qa')).toEqual({
      code: 2,
      output: `cdktf-pipeline-app: the app's entry mian.ts does not exist in ${project}. Name the entry file (cdktf-pipeline-app main.ts), and run it in the project's folder.\n`,
    });
  });

  test('a project without typescript is told to install it, before anything runs', async () => {
    rmSync(join(project, 'node_modules'), { recursive: true, force: true });
    expect(await run(project, 'main.ts')).toEqual({
      code: 2,
      output: `cdktf-pipeline-app: TypeScript files load with the project's own typescript package, and none is installed in ${project}. Install it: npm install --save-dev typescript\n`,
    });
    expect(readdirSync(project).sort()).toEqual(['greeting.ts', 'main.ts']);
  });

  test("the app's own error ends the run as under node: its message, exit 1", async () => {
    writeFileSync(join(project, 'main.ts'), "throw new Error('no stacks today');\n");
    const result = await run(project, 'main.ts');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^Error: no stacks today$/m);
  });
});

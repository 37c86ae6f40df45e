import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface Transpiler {
  transpileModule(
    source: string,
    options: { fileName: string; compilerOptions: object },
  ): { outputText: string };
}

type Loader = ((
  module: { _compile(code: string, file: string): void },
  filename: string,
) => void) & {
  [INSTALLED]?: true;
};

/** Marks the loader this module installs, so that a second install leaves it as it is. */
const INSTALLED = Symbol.for('cdktf-deployment-pipeline.typescript-hook');

/**
 * What a cdktf app needs of TypeScript, file by file: CommonJS for Node, ES2022, the decorators
 * of constructs libraries, and no type checking (`tsc --noEmit`, the lint step, does that).
 */
export const TRANSPILE_OPTIONS = {
  module: 1 /* CommonJS */,
  target: 9 /* ES2022 */,
  esModuleInterop: false,
  experimentalDecorators: true,
  isolatedModules: true,
} as const;

/** Where transpiled files are kept: `node_modules/.cache/cdktf-deployment-pipeline/ts`. */
export function typeScriptCache(projectRoot: string): string {
  return join(projectRoot, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');
}

/** The app runner's name: `npx cdktf-pipeline-app operate.ts deploy qa`. */
const APP_RUNNER = 'cdktf-pipeline-app';

/**
 * What a transpiled file's cache key starts with: the options it was transpiled with, so that a
 * package that changes them never reads a file transpiled the old way.
 */
const KEY_SALT = JSON.stringify(TRANSPILE_OPTIONS);

/**
 * Lets `require` load TypeScript files (an app or a pipeline model written in TypeScript), each
 * transpiled with the project's own `typescript` package and kept in {@link typeScriptCache} by
 * its options, path and content, so that TypeScript itself loads only when a file changed. Does
 * nothing when it is installed already or ts-node is (its own TypeScript then loads the files); it
 * takes the place of Node's own type stripping (Node 22 and later), which knows no decorators. The
 * app runner ({@link runApp}), `cdktf-deployment-pipeline/register` and the CLI's loading of a
 * pipeline model use it.
 */
export function installTypeScriptHook(
  projectRoot: string,
  cacheDir = typeScriptCache(projectRoot),
): void {
  const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
  const tsNode = (process as unknown as Record<symbol, unknown>)[
    Symbol.for('ts-node.register.instance')
  ];
  if (extensions['.ts']?.[INSTALLED] || tsNode !== undefined) return;
  let ts: Transpiler | undefined;
  const loader: Loader = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const key = createHash('sha256')
      .update(KEY_SALT)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
    const cached = join(cacheDir, `${key}.js`);
    let code: string;
    try {
      code = readFileSync(cached, 'utf8');
    } catch {
      ts ??= loadTypeScript(projectRoot);
      code = ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: TRANSPILE_OPTIONS,
      }).outputText;
      keep(cached, code);
    }
    module._compile(code, filename);
  };
  loader[INSTALLED] = true;
  extensions['.ts'] = loader;
}

/**
 * Writes a transpiled file into the cache in one step (a file of its own, then renamed): processes
 * that load the same file at once never read half of it.
 */
export function keep(file: string, code: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
}

/** Where the project's `typescript` is, or undefined when it has none. */
function typeScriptOf(projectRoot: string): string | undefined {
  try {
    return require.resolve('typescript', { paths: [projectRoot] });
  } catch {
    return undefined;
  }
}

function noTypeScript(projectRoot: string): string {
  return `${APP_RUNNER}: TypeScript files load with the project's own typescript package, and none is installed in ${projectRoot}. Install it: npm install --save-dev typescript`;
}

function loadTypeScript(projectRoot: string): Transpiler {
  const path = typeScriptOf(projectRoot);
  if (path === undefined) throw new Error(noTypeScript(projectRoot));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as Transpiler;
}

/**
 * The project an entry belongs to: the nearest folder above it with a package.json, else `cwd`.
 * Its `typescript` transpiles, and its node_modules/.cache keeps the result: the project's own
 * for its app, this repository's for its CLI run from source in any folder.
 */
function projectRootOf(file: string, cwd: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

/**
 * The app runner (`cdktf-pipeline-app [ENTRY] [ARGS...]`, the package's second bin): runs a cdktf
 * app's TypeScript entry (default `main.ts`, relative to the working folder, which cdktf makes
 * the project's) with {@link installTypeScriptHook} for the entry's project, the entry seeing its
 * own arguments from `process.argv[2]` on, as under `node`. Returns the exit code for a problem
 * found before the app runs (its message on standard error); the app's own errors end the process
 * as under `node`.
 */
export function runApp(argv: string[], cwd: string, stderr: (line: string) => void): number {
  const entry = argv[2] ?? 'main.ts';
  if (entry === '--help' || entry === '-h') {
    stderr(
      `Usage: ${APP_RUNNER} [ENTRY] [ARGS...]\nRuns a cdktf app written in TypeScript (ENTRY, default main.ts), each file transpiled once with the project's typescript (no type checks: tsc --noEmit does those) and cached under node_modules/.cache. In cdktf.json, the same without npx: "app": "node -r cdktf-deployment-pipeline/register main.ts"`,
    );
    return 0;
  }
  const file = resolve(cwd, entry);
  if (!existsSync(file)) {
    stderr(
      `${APP_RUNNER}: the app's entry ${entry} does not exist in ${cwd}. Name the entry file (${APP_RUNNER} main.ts), and run it in the project's folder.`,
    );
    return 2;
  }
  const root = projectRootOf(file, cwd);
  if (entry.endsWith('.ts') && typeScriptOf(root) === undefined) {
    stderr(noTypeScript(root));
    return 2;
  }
  installTypeScriptHook(root);
  argv.splice(2, 1);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(file);
  return 0;
}

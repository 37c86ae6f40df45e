import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Transpiler {
  transpileModule(
    source: string,
    options: { fileName: string; compilerOptions: object },
  ): { outputText: string };
}

type Loader = (module: { _compile(code: string, file: string): void }, filename: string) => void;

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

/**
 * Lets `require` load TypeScript files (an app or a pipeline model written in TypeScript), each
 * transpiled with the project's own `typescript` package and kept in {@link typeScriptCache} by
 * its path and content, so that TypeScript itself loads only when a file changed. Does nothing
 * when `.ts` files already load (ts-node, or the hook is already installed). This repository's
 * `scripts/synth.js` runs its app and CLI with this hook too.
 */
export function installTypeScriptHook(
  projectRoot: string,
  cacheDir = typeScriptCache(projectRoot),
): void {
  const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
  if (extensions['.ts']) return;
  let ts: Transpiler | undefined;
  extensions['.ts'] = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
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

function loadTypeScript(projectRoot: string): Transpiler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('typescript', { paths: [projectRoot] })) as Transpiler;
}

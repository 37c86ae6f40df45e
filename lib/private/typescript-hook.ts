import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Transpiler {
  transpileModule(
    source: string,
    options: { fileName: string; compilerOptions: object },
  ): { outputText: string };
}

type Loader = (module: { _compile(code: string, file: string): void }, filename: string) => void;

/**
 * Lets `require` load TypeScript files (a pipeline model written in TypeScript), transpiled with
 * the project's own `typescript` package and cached by content under `cacheDir`. Does nothing
 * when `.ts` files already load (ts-node, or the hook is already installed).
 */
export function installTypeScriptHook(projectRoot: string, cacheDir: string): void {
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
        compilerOptions: {
          module: 1 /* CommonJS */,
          target: 9 /* ES2022 */,
          isolatedModules: true,
        },
      }).outputText;
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(cached, code);
    }
    module._compile(code, filename);
  };
}

function loadTypeScript(projectRoot: string): Transpiler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('typescript', { paths: [projectRoot] })) as Transpiler;
}

#!/usr/bin/env node
/*
 * cdktf-pipeline-app [ENTRY] [ARGS...]: runs a cdktf app written in TypeScript (default main.ts),
 * each file transpiled once with the project's own typescript and cached under node_modules/.cache
 * (lib/cli/private/typescript-hook.ts, `runApp`). cdktf.json runs the same loader without npx:
 * "app": "node -r cdktf-deployment-pipeline/register main.ts".
 *
 * Installed, the package runs the loader's compiled JavaScript (dist/). In a checkout of this
 * repository, where lib/ is, it runs the loader's TypeScript source, which it transpiles itself
 * (once, into the same cache): the repository's app and CLI run from source through this file too.
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'lib', 'cli', 'private', 'typescript-hook.ts');

/** The loader from its TypeScript source, transpiled when it changed. */
function fromSource() {
  const text = readFileSync(source, 'utf8');
  const key = createHash('sha256').update(source).update('\0').update(text).digest('hex');
  const cached = join(
    root,
    'node_modules',
    '.cache',
    'cdktf-deployment-pipeline',
    'ts',
    `${key}.js`,
  );
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    const ts = require('typescript');
    code = ts.transpileModule(text, {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    // Written whole, then renamed: processes starting at once never read half of it.
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(`${cached}.${process.pid}.partial`, code);
    renameSync(`${cached}.${process.pid}.partial`, cached);
  }
  const loader = new Module(source, module);
  loader.filename = source;
  loader.paths = Module._nodeModulePaths(dirname(source));
  loader._compile(code, source);
  return loader.exports;
}

const loader = existsSync(source)
  ? fromSource()
  : require('../dist/cli/private/typescript-hook.js');
// A problem found before the app runs sets the exit code; the app's own exit code stays its own.
const code = loader.runApp(process.argv, process.cwd(), (line) => console.error(line));
if (code !== 0) process.exitCode = code;

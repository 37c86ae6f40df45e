#!/usr/bin/env node
/*
 * The app command in cdktf.json, and this repository's way to run its own CLI from source
 * (`node scripts/synth.js lib/cli/bin.ts ARGS`): runs a TypeScript entry (default main.ts) with the
 * package's own TypeScript loader (lib/cli/private/typescript-hook.ts: transpile-only, cached
 * under node_modules/.cache by each file's content). Type checking is `npm run lint`'s job.
 *
 * The loader is TypeScript itself, so it is bootstrapped here: transpiled once, and kept in the
 * same cache as every file it loads.
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const cacheDir = join(root, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');

/** The loader module, from its cached JavaScript (transpiled when its source changed). */
function loadHook() {
  const file = join(root, 'lib', 'cli', 'private', 'typescript-hook.ts');
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(file).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    const ts = require('typescript');
    code = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    // Written whole, then renamed: processes starting at once never read half of it.
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${cached}.${process.pid}.partial`, code);
    renameSync(`${cached}.${process.pid}.partial`, cached);
  }
  const hook = new Module(file, module);
  hook.filename = file;
  hook.paths = Module._nodeModulePaths(dirname(file));
  hook._compile(code, file);
  return hook.exports;
}

loadHook().installTypeScriptHook(root, cacheDir);

// The entry leaves argv, so that it sees its own arguments from argv[2] on, as under node.
const entry = process.argv.splice(2, 1)[0] || 'main.ts';
require(resolve(process.cwd(), entry));

#!/usr/bin/env node
/*
 * The app command in cdktf.json, and this repository's way to run its own CLI from source
 * (`node scripts/synth.js lib/cli/bin.ts ARGS`): runs a TypeScript entry (default main.ts) with a require hook
 * that transpiles each .ts file with TypeScript's transpileModule and caches the JavaScript under
 * node_modules/.cache, keyed by the file's content. Type checking is `npm run lint`'s job.
 *
 * Compared with ts-node it loads the TypeScript compiler only when a file changed, and installs
 * no source-map stack rewriting, which cdktf pays for on every token it creates (it records a
 * full stack trace per token).
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const cacheDir = join(root, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');
const options = {
  module: 'commonjs',
  target: 'es2022',
  esModuleInterop: false,
  experimentalDecorators: true,
  isolatedModules: true,
};
let ts;

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    ts = ts || require('typescript');
    code = ts.transpileModule(source, { fileName: filename, compilerOptions: options }).outputText;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cached, code);
  }
  module._compile(code, filename);
};

// The entry leaves argv, so that it sees its own arguments from argv[2] on, as under node.
const entry = process.argv.splice(2, 1)[0] || 'main.ts';
require(resolve(process.cwd(), entry));

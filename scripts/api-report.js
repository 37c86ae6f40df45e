#!/usr/bin/env node
/*
 * The API report: the public surface of each entry point of the package (`.`, `./testing`,
 * `./operations`), as API Extractor writes it into etc/*.api.md from the built declarations.
 *
 *   node scripts/api-report.js            compare: exit 1 when the surface differs from the report
 *   node scripts/api-report.js --update   write the reports (then review the diff and commit it)
 *
 * `--dist DIR` reads the declarations from DIR instead of dist/ (the test of this script uses it).
 * Run `npm run build` first; `npm run api` and the lint step do.
 */
'use strict';
const { join, resolve } = require('node:path');

const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = resolve(__dirname, '..');
const args = process.argv.slice(2);
const update = args.includes('--update');
const distAt = args.indexOf('--dist');
const dist = distAt >= 0 ? resolve(args[distAt + 1]) : join(root, 'dist');

const ENTRY_POINTS = ['index', 'testing', 'operations'];

let failed = false;
for (const entry of ENTRY_POINTS) {
  const configFile = join(root, 'etc', `api-extractor.${entry}.json`);
  const config = ExtractorConfig.loadFile(configFile);
  const report = `etc/${config.apiReport.reportFileName}.api.md`;
  const prepared = ExtractorConfig.prepare({
    configObject: {
      ...config,
      projectFolder: root,
      mainEntryPointFilePath: join(
        dist,
        entry === 'index' ? 'index.d.ts' : join(entry, 'index.d.ts'),
      ),
    },
    configObjectFullPath: configFile,
    packageJsonFullPath: join(root, 'package.json'),
  });
  const messages = [];
  const result = Extractor.invoke(prepared, {
    localBuild: update,
    messageCallback: (message) => {
      message.handled = true;
      // Said below, in words of this project.
      if (message.messageId === 'console-api-report-not-copied') return;
      if (message.logLevel === 'error' || message.logLevel === 'warning') {
        messages.push(message.formatMessageWithLocation(root));
      }
    },
  });
  if (result.succeeded && !result.apiReportChanged) {
    console.log(`api: ${entry}: as in ${report}`);
  } else if (update && result.succeeded) {
    console.log(`api: ${entry}: ${report} updated; review the diff and commit it`);
  } else {
    failed = true;
    for (const line of messages) console.error(`api: ${entry}: ${line}`);
    console.error(
      result.apiReportChanged
        ? `api: ${entry}: the public surface differs from ${report}. If the change is meant, run npm run api and commit the report with it.`
        : `api: ${entry}: API Extractor failed (${result.errorCount} errors).`,
    );
  }
}
process.exitCode = failed ? 1 : 0;

#!/usr/bin/env node
// Validates GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser):
// the schema, expressions, and the job graph (needs naming jobs that exist, no cycles).
//   node scripts/validate-workflow.mjs FILE...
// Prints one line per file, and every problem; exits 1 when any file has one.
import { readFileSync } from 'node:fs';
import { register } from 'node:module';

// The parser imports its JSON schema without an import attribute (it is built for bundlers);
// this load hook lets Node load that JSON as a module.
register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { readFile } from 'node:fs/promises';
      export async function load(url, context, next) {
        if (!url.endsWith('.json')) return next(url, context);
        return { format: 'json', source: await readFile(new URL(url)), shortCircuit: true };
      }`),
);
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } =
  await import('@actions/workflow-parser');

let failed = 0;
for (const file of process.argv.slice(2)) {
  const result = parseWorkflow(
    { name: file, content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter(),
  );
  const problems = result.context.errors.getErrors().map((e) => e.message);
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    problems.push(...(template.errors ?? []).map((e) => e.Message));
    if (problems.length === 0 && template.jobs.length === 0) problems.push(`${file}: no jobs`);
  } else if (problems.length === 0) {
    problems.push(`${file}: not a workflow`);
  }
  const unique = [...new Set(problems)];
  if (unique.length === 0) {
    console.log(`[workflow] ${file}: valid`);
  } else {
    failed++;
    console.log(`[workflow] ${file}: ${unique.length} problem(s)`);
    for (const p of unique) console.log(`  - ${p}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

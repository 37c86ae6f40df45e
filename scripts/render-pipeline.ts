/**
 * Renders the delivery pipeline model (stacks/delivery-pipeline.ts) to the CI files:
 *   npm run pipeline:render            writes .gitlab-ci.yml and .github/workflows/deploy.yml
 *   npm run pipeline:render -- --check  writes nothing; exits 1 when a committed file is stale
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ConfigurationError } from '../lib/private/errors';
import { PROJECT_ROOT } from '../lib/private/paths';
import { pipelineFiles } from '../stacks/delivery-pipeline';

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  let stale = 0;
  for (const { path, content } of pipelineFiles()) {
    const file = join(PROJECT_ROOT, path);
    if (read(file) === content) {
      console.log(`[render] ${path} is up to date`);
    } else if (check) {
      console.error(
        `[render] ${path} differs from the model; run npm run pipeline:render and commit it`,
      );
      stale++;
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      console.log(`[render] wrote ${path}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(3));
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

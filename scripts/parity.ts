/**
 * npm run parity [-- --app MODULE]: synthesizes the pipeline and compares its environment stacks.
 * Prints one OK line, or each difference with its JSON path and both values, and exits 1.
 * MODULE (default: stacks/pipeline) must export `buildPipeline(scope, options)`.
 */
import { resolve } from 'node:path';

import { App } from 'cdktf';

import { ConfigurationError, EnvironmentParity } from '../lib';
import { PROJECT_ROOT } from '../lib/private/paths';
import { parseReviewIds, PipelineOptions } from '../stacks/pipeline';

type Build = (scope: App, options: PipelineOptions) => unknown;

function main(argv: string[]): number {
  const at = argv.indexOf('--app');
  const module = at >= 0 ? resolve(argv[at + 1]) : resolve(PROJECT_ROOT, 'stacks', 'pipeline');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildPipeline } = require(module) as { buildPipeline: Build };
  const app = new App({ outdir: resolve(PROJECT_ROOT, 'cdktf.out') });
  // A review environment is always included, so that review stacks are proven too.
  const reviewIds = parseReviewIds(process.env.PIPELINE_REVIEW_IDS);
  buildPipeline(app, {
    projectRoot: PROJECT_ROOT,
    reviewIds: reviewIds.length ? reviewIds : ['parity-check'],
  });
  const report = EnvironmentParity.check(app);
  console.log(EnvironmentParity.format(report));
  return report.differences.length === 0 && report.stacks.length > 1 ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}

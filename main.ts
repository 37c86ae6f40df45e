import { App } from 'cdktf';

import { ConfigurationError } from './lib';
import { PROJECT_ROOT } from './lib/private/paths';
import { buildPipeline, parseReviewIds } from './stacks/pipeline';

// `cdktf deploy review-42` needs PIPELINE_REVIEW_IDS=42 (the npm scripts set it from the stack name).
try {
  const app = new App();
  buildPipeline(app, {
    projectRoot: PROJECT_ROOT,
    reviewIds: parseReviewIds(process.env.PIPELINE_REVIEW_IDS),
    serviceContext: process.env.PIPELINE_SERVICE_CONTEXT,
  });
  app.synth();
} catch (error) {
  // Bad configuration: the problems are the whole story, a stack trace adds nothing.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

import { App } from 'cdktf';

import { PROJECT_ROOT } from './lib/private/paths';
import { buildPipeline, parseReviewIds } from './stacks/pipeline';

// `cdktf deploy review-42` needs PIPELINE_REVIEW_IDS=42 (the npm scripts set it from the stack name).
const app = new App();
buildPipeline(app, {
  projectRoot: PROJECT_ROOT,
  reviewIds: parseReviewIds(process.env.PIPELINE_REVIEW_IDS),
  serviceContext: process.env.PIPELINE_SERVICE_CONTEXT,
});
app.synth();

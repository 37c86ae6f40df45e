import { App } from 'cdktf';

import { ConfigurationError } from './lib';
import { sampleDelivery } from './stacks/sample-delivery';

// `cdktf deploy review-42` needs PIPELINE_REVIEW_IDS=42 (the CLI sets it from the stack name).
try {
  const app = new App();
  sampleDelivery(app, { serviceContext: process.env.PIPELINE_SERVICE_CONTEXT });
  app.synth();
} catch (error) {
  // Bad configuration: the problems are the whole story, a stack trace adds nothing.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

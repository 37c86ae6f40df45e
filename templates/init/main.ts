import { App } from 'cdktf';
import { ConfigurationError } from 'cdktf-deployment-pipeline';

import { delivery } from './delivery';

try {
  const app = new App();
  delivery(app);
  app.synth();
} catch (error) {
  // Bad configuration: the problems, each with its fix, are the whole story.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

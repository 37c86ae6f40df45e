import { App } from 'cdktf';

import { ConfigurationError, DeploymentTarget } from './lib';
import { sampleDelivery } from './stacks/sample-delivery';

// `cdktf deploy review-42` needs PIPELINE_REVIEW_IDS=42 (the CLI sets it from the stack name).
// PIPELINE_STATE=pg keeps every stage's state in PostgreSQL (the Delivery's default store reads it).
// PIPELINE_TARGET=swarm runs every environment as Swarm services (scripts/setup then makes a swarm);
// PIPELINE_SWARM_PLACEMENT (comma-separated constraints) says on which nodes they may run, and
// PIPELINE_SWARM_PUBLISHERS on how many nodes published ports answer (default 1).
// PIPELINE_NAME_PREFIX prefixes every container, network and service name (and the environment
// label), so that two clones of this project deploy to one Docker engine side by side.
try {
  const app = new App();
  sampleDelivery(app, {
    serviceContext: process.env.PIPELINE_SERVICE_CONTEXT,
    namePrefix: process.env.PIPELINE_NAME_PREFIX,
    target:
      process.env.PIPELINE_TARGET === 'swarm'
        ? DeploymentTarget.swarm({
            placement: (process.env.PIPELINE_SWARM_PLACEMENT ?? '')
              .split(',')
              .map((constraint) => constraint.trim())
              .filter(Boolean),
            publishers: process.env.PIPELINE_SWARM_PUBLISHERS
              ? Number(process.env.PIPELINE_SWARM_PUBLISHERS)
              : undefined,
          })
        : undefined,
  });
  app.synth();
} catch (error) {
  // Bad configuration: the problems are the whole story, a stack trace adds nothing.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

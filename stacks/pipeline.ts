import { resolve } from 'node:path';

import { Construct } from 'constructs';

import { dev } from '../environments/dev';
import { prod } from '../environments/prod';
import { review } from '../environments/review';
import { staging } from '../environments/staging';
import { EnvironmentConfig } from '../environments/types';
import { validateEnvironments } from '../environments/validate';

import { IMAGE_SMOKE_TEST, REPOSITORY, SERVICES, SMOKE_TESTS } from './delivery';
import { EnvironmentStack } from './environment-stack';
import { ImageStack } from './image-stack';

export interface PipelineOptions {
  /** Project root: approval records are read and state files kept under it. */
  readonly projectRoot: string;
  /**
   * Review environments to add, by merge-request id or branch slug.
   * @default - none
   */
  readonly reviewIds?: readonly string[];
  /**
   * The service's build context.
   * @default - `service/` under the project root
   */
  readonly serviceContext?: string;
  /**
   * The environments.
   * @default - dev, staging, prod, then the review environments
   */
  readonly environments?: readonly EnvironmentConfig[];
}

/** The pipeline's stacks: `image`, then one EnvironmentStack per environment. */
export interface Pipeline {
  readonly image: ImageStack;
  readonly environments: readonly EnvironmentStack[];
}

/**
 * Builds the delivery into `scope`. Every environment is validated first, all together: bad input
 * throws one ConfigurationError listing every problem, before any stack exists.
 */
export function buildPipeline(scope: Construct, options: PipelineOptions): Pipeline {
  const environments = options.environments ?? [
    dev,
    staging,
    prod,
    ...(options.reviewIds ?? []).map((id) => review(id)),
  ];
  const approved = validateEnvironments(environments, SERVICES, options.projectRoot);
  const image = new ImageStack(scope, 'image', {
    context: options.serviceContext ?? resolve(options.projectRoot, 'service'),
    repository: REPOSITORY,
    smokeTest: IMAGE_SMOKE_TEST,
    projectRoot: options.projectRoot,
  });
  return {
    image,
    environments: environments.map(
      (environment) =>
        new EnvironmentStack(scope, environment.name, {
          environment,
          services: SERVICES,
          smokeTests: SMOKE_TESTS,
          approvedDigests: approved[environment.name],
          projectRoot: options.projectRoot,
        }),
    ),
  };
}

/** Review ids from a comma- or space-separated list, e.g. PIPELINE_REVIEW_IDS='42,login-form'. */
export function parseReviewIds(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

import { resolve } from 'node:path';

import { Construct } from 'constructs';

import { dev } from '../environments/dev';
import { prod } from '../environments/prod';
import { review } from '../environments/review';
import { staging } from '../environments/staging';
import { Delivery, DeploymentTarget, EnvironmentConfig } from '../lib';

import { sampleResources } from './sample-resources';
import { sampleImages, SERVICES, SMOKE_TESTS } from './sample-service';
import { SampleSettings, SAMPLE_SETTINGS } from './sample-settings';

/** This repository's root: approval records, the service and state live under it. */
export const SAMPLE_ROOT = resolve(__dirname, '..');

export interface SampleDeliveryOptions {
  /**
   * Project root.
   * @default - this repository's root
   */
  readonly projectRoot?: string;
  /**
   * Review environments to add, by merge-request id or branch slug.
   * @default - the ids in PIPELINE_REVIEW_IDS
   */
  readonly reviewIds?: readonly string[];
  /**
   * The folder of the images' build contexts (`web/` and `api/` in it).
   * @default 'service'
   */
  readonly serviceContext?: string;
  /**
   * The long-lived environments.
   * @default - dev, staging, prod
   */
  readonly environments?: readonly EnvironmentConfig<SampleSettings>[];
  /**
   * Where the services run.
   * @default DeploymentTarget.containers()
   */
  readonly target?: DeploymentTarget;
  /**
   * Whether review environments are instances of the first environment stack.
   * @default true
   */
  readonly reviewsAsInstances?: boolean;
  /**
   * Prefix of the names the environments take on the Docker engine.
   * @default ''
   */
  readonly namePrefix?: string;
}

/**
 * The sample delivery: a release of two images (web and api), each built once and promoted
 * together dev → staging → prod, and a data volume of its own in every environment, sized by the
 * environment's setting.
 */
export function sampleDelivery(
  scope: Construct,
  options: SampleDeliveryOptions = {},
): Delivery<typeof SAMPLE_SETTINGS> {
  return new Delivery(scope, 'Delivery', {
    images: sampleImages(options.serviceContext),
    services: SERVICES,
    smokeTests: SMOKE_TESTS,
    settings: SAMPLE_SETTINGS,
    resources: sampleResources,
    environments: options.environments ?? [dev, staging, prod],
    reviewEnvironment: review,
    reviewIds: options.reviewIds,
    projectRoot: options.projectRoot ?? SAMPLE_ROOT,
    target: options.target,
    reviewsAsInstances: options.reviewsAsInstances,
    namePrefix: options.namePrefix,
    howToApprove:
      'Approve it with: npm run approve -- <environment> <release> (commit the record), then deploy again.',
  });
}

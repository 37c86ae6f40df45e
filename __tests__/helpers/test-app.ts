import { App, TerraformStack, Testing } from 'cdktf';

import {
  Approval,
  ConfigurationError,
  Delivery,
  DeliveryPipeline,
  EnvironmentConfig,
  MERGE_REQUEST_ID,
  PipelineStep,
  StageTrigger,
} from '../../lib';
import { SAMPLE_ROOT, sampleDelivery, SampleDeliveryOptions } from '../../stacks/sample-delivery';
import { IMAGES } from '../../stacks/sample-service';

/** The repository's root, where the sample delivery lives. */
export const PROJECT_ROOT = SAMPLE_ROOT;

/** The names of the sample's images, as validation and the environment stacks take them. */
export const SAMPLE_IMAGE_NAMES = Object.keys(IMAGES);

/** A frozen environment config for tests; override what a test is about. */
export function fixtureEnvironment(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return Object.freeze({
    name: 'test',
    upstream: 'image',
    approval: Approval.none(),
    services: Object.freeze({
      web: Object.freeze({ replicas: 1, port: 18080, env: Object.freeze({ GREETING: 'hi' }) }),
      api: Object.freeze({ replicas: 1 }),
    }),
    source: 'environments/test.ts',
    ...overrides,
  });
}

/**
 * The app as `main.ts` builds it, on a test App (no output written). No review environment
 * unless asked: PIPELINE_REVIEW_IDS of the caller's environment does not count.
 */
export function testPipeline(options: SampleDeliveryOptions = {}): {
  app: App;
  pipeline: Delivery;
} {
  const app = Testing.app();
  const pipeline = sampleDelivery(app, { reviewIds: [], ...options });
  return { app, pipeline };
}

/**
 * The problems of the one ConfigurationError that `action` throws: the contract of the error
 * tests, compared whole (jest's toThrow would match a substring).
 */
export function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('nothing was thrown, but a ConfigurationError was expected');
}

/** A stack to put single constructs in. */
export function testStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}

/**
 * `Testing.synth(stack)`, with the clone's absolute path replaced by `<root>`, so that the
 * result is the same on every machine and in every clone.
 */
export function synth(stack: TerraformStack): string {
  return Testing.synth(stack).split(PROJECT_ROOT).join('<root>');
}

/** The synthesized stack as an object (normalised like `synth`). */
export function synthJson(stack: TerraformStack): SynthesizedStack {
  return JSON.parse(synth(stack)) as SynthesizedStack;
}

export interface SynthesizedStack {
  readonly terraform: { readonly backend?: { readonly local?: { readonly path: string } } };
  readonly resource: {
    readonly [type: string]: { readonly [name: string]: Record<string, unknown> };
  };
  readonly variable?: { readonly [name: string]: Record<string, unknown> };
  readonly output?: { readonly [name: string]: Record<string, unknown> };
  readonly data?: { readonly [type: string]: { readonly [name: string]: Record<string, unknown> } };
}

/** The resources of one type in a synthesized stack. */
export function resources(stack: TerraformStack, type: string): Record<string, unknown>[] {
  return Object.values(synthJson(stack).resource[type] ?? {});
}

/**
 * A small pipeline with every shape the renderers handle: a check, the image, a review
 * environment with its stop stage, dev, staging, an approval and prod.
 */
export function fixturePipeline(): DeliveryPipeline {
  const pipeline = new DeliveryPipeline({ name: 'deploy', setupCommands: ['scripts/setup'] });
  const lint = pipeline.addStage('lint', { steps: [PipelineStep.run('lint', ['npm run lint'])] });
  const image = pipeline.addStage('build-image', {
    steps: [PipelineStep.buildImage('image')],
    needs: [lint],
  });
  pipeline.addStage('review', {
    steps: [PipelineStep.deploy(`review-${MERGE_REQUEST_ID}`)],
    needs: [image],
    trigger: StageTrigger.mergeRequest(),
    environment: {
      name: `review/${MERGE_REQUEST_ID}`,
      onStop: 'stop-review',
      autoStopIn: '3 days',
    },
  });
  pipeline.addStage('stop-review', {
    steps: [PipelineStep.destroy(`review-${MERGE_REQUEST_ID}`)],
    trigger: StageTrigger.mergeRequestClosed(),
    environment: { name: `review/${MERGE_REQUEST_ID}`, stops: true },
  });
  const dev = pipeline.addStage('dev', {
    steps: [PipelineStep.deploy('dev')],
    needs: [image],
    trigger: StageTrigger.defaultBranch(),
    environment: { name: 'dev' },
  });
  const staging = pipeline.addStage('staging', {
    steps: [PipelineStep.deploy('staging')],
    needs: [dev],
    trigger: StageTrigger.defaultBranch(),
    environment: { name: 'staging' },
  });
  const gate = pipeline.addStage('approve-prod', {
    steps: [PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' })],
    needs: [staging],
    trigger: StageTrigger.defaultBranch(),
  });
  pipeline.addStage('prod', {
    steps: [PipelineStep.deploy('prod')],
    needs: [gate],
    trigger: StageTrigger.defaultBranch(),
    environment: { name: 'prod' },
  });
  return pipeline;
}

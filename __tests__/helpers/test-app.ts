import { App, TerraformStack, Testing } from 'cdktf';

import { EnvironmentConfig } from '../../environments/types';
import { Approval } from '../../lib';
import { PROJECT_ROOT } from '../../lib/private/paths';
import { buildPipeline, Pipeline, PipelineOptions } from '../../stacks/pipeline';

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

/** The app as `main.ts` builds it, on a test App (no output written). */
export function testPipeline(options: Partial<PipelineOptions> = {}): {
  app: App;
  pipeline: Pipeline;
} {
  const app = Testing.app();
  const pipeline = buildPipeline(app, { projectRoot: PROJECT_ROOT, ...options });
  return { app, pipeline };
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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { dev } from '../../environments/dev';
import { prod } from '../../environments/prod';
import { staging } from '../../environments/staging';
import { EnvironmentParity } from '../../lib';
import { parityMatchers } from '../../lib/testing';
import { PROJECT_ROOT, problemsOf, resources, testPipeline } from '../helpers/test-app';

expect.extend(parityMatchers);

describe('the pipeline app', () => {
  test('has the image stage and dev, staging, prod, plus review environments when asked', () => {
    const { pipeline } = testPipeline({ reviewIds: ['42', 'login-form'] });
    expect(pipeline.node.children.map((c) => c.node.id)).toEqual([
      'image',
      'dev',
      'staging',
      'prod',
      'review-42',
      'review-login-form',
    ]);
  });

  test('staging setting UPSTREAM_URL for web is one configuration problem naming web, UPSTREAM_URL and the file', () => {
    const overriding = {
      ...staging,
      services: {
        ...staging.services,
        web: { ...staging.services.web, env: { UPSTREAM_URL: 'http://127.0.0.1:9/' } },
      },
    };
    expect(problemsOf(() => testPipeline({ environments: [dev, overriding, prod] }))).toEqual([
      "environment 'staging': 'services.web.env.UPSTREAM_URL' must not be set: the delivery defines it for service 'web', got 'http://127.0.0.1:9/'. Remove UPSTREAM_URL from services.web.env in environments/staging.ts, or change it in the service definition (for every environment).",
    ]);
  });

  test('every environment synthesizes identical Terraform and valid variables files', () => {
    const { app } = testPipeline({ reviewIds: ['42'] });
    expect(app).toHaveEnvironmentParity();
    expect(EnvironmentParity.format(EnvironmentParity.check(app))).toBe(
      'parity OK: 4 environment stacks synthesize identical Terraform (dev, staging, prod, review-42)',
    );
  });

  test("each environment stack is held to the state store's location and its variables file", () => {
    const { app } = testPipeline();
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'parity.json'), 'utf8')) as {
      stacks: { name: string; backendLocation: unknown; variablesFile: unknown }[];
    };
    expect(
      manifest.stacks.map(({ name, backendLocation, variablesFile }) => ({
        name,
        backendLocation,
        variablesFile,
      })),
    ).toEqual(
      ['dev', 'staging', 'prod'].map((name) => ({
        name,
        backendLocation: {
          attribute: 'path',
          pattern: join(PROJECT_ROOT, '.pipeline', 'state', '{stack}.tfstate'),
        },
        variablesFile: 'terraform.tfvars.json',
      })),
    );
  });

  test('each image is built exactly once across all stacks: in the image stack', () => {
    const { pipeline } = testPipeline({ reviewIds: ['42'] });
    const stacks = [pipeline.image, ...pipeline.environments];
    expect(stacks).toHaveLength(pipeline.node.children.length);
    const builds = stacks.flatMap((stack) =>
      resources(stack, 'docker_image')
        .filter((image) => image.build !== undefined)
        .map(() => stack.node.id),
    );
    expect(builds).toEqual(['image', 'image']);
    expect(Object.keys(pipeline.image.artifacts)).toEqual(['api', 'web']);
  });
});

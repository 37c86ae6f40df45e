import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Testing } from 'cdktf';

import {
  Delivery,
  DeploymentTarget,
  EnvironmentInstance,
  EnvironmentParity,
  EnvironmentStack,
  StateStore,
} from '../../../lib';
import { SERVICES, sampleImages } from '../../../stacks/sample-service';
import {
  fixtureEnvironment,
  problemsOf,
  PROJECT_ROOT,
  synth,
  testPipeline,
  testStack,
} from '../../helpers/test-app';

const REVIEWS = ['42', 'login-form'];

/** Every file synthesis wrote for the environment stacks, by path below the output folder. */
function synthesizedFiles(reviewsAsInstances: boolean, target?: DeploymentTarget) {
  const { app } = testPipeline({ reviewIds: REVIEWS, reviewsAsInstances, target });
  app.synth();
  const files: { [path: string]: string } = {};
  for (const stack of readdirSync(join(app.outdir, 'stacks'))) {
    for (const file of readdirSync(join(app.outdir, 'stacks', stack))) {
      files[`${stack}/${file}`] = readFileSync(join(app.outdir, 'stacks', stack, file), 'utf8');
    }
  }
  return { files, parity: readFileSync(join(app.outdir, 'parity.json'), 'utf8') };
}

describe('EnvironmentInstance', () => {
  test.each([
    ['containers', undefined],
    ['swarm', DeploymentTarget.swarm()],
  ])(
    'review environments as instances write the very files built stacks write (%s)',
    (_, target) => {
      const built = synthesizedFiles(false, target);
      const instances = synthesizedFiles(true, target);
      expect(Object.keys(instances.files).sort()).toEqual(Object.keys(built.files).sort());
      expect(Object.keys(built.files)).toContain('review-login-form/cdk.tf.json');
      for (const [path, text] of Object.entries(built.files)) {
        expect({ path, text: instances.files[path] }).toEqual({ path, text });
      }
      expect(instances.parity).toBe(built.parity);
    },
  );

  test('the delivery makes review environments instances of its first environment stack', () => {
    const { pipeline } = testPipeline({ reviewIds: REVIEWS });
    const [dev, ...others] = pipeline.environments;
    expect(dev).toBeInstanceOf(EnvironmentStack);
    expect(others.map((s) => [s.node.id, s.constructor.name])).toEqual([
      ['staging', 'EnvironmentStack'],
      ['prod', 'EnvironmentStack'],
      ['review-42', 'EnvironmentInstance'],
      ['review-login-form', 'EnvironmentInstance'],
    ]);
    const review = others[2] as EnvironmentInstance;
    expect(review.definition).toBe(dev);
    expect(review.values).toMatchObject({
      environment: 'review-42',
      web_port: 20168,
      web_env: { GREETING: 'hello from review 42', LOG_LEVEL: 'debug' },
    });
  });

  test('synthesized on its own, it is the definition with its own name, paths and backend', () => {
    const { pipeline } = testPipeline({ reviewIds: ['42'] });
    const dev = pipeline.environments[0];
    const review = pipeline.environments[3];
    const expected = synth(dev)
      .split('Delivery/dev/')
      .join('Delivery/review-42/')
      .split('"stackName": "dev"')
      .join('"stackName": "review-42"')
      .split('"dev": {')
      .join('"review-42": {')
      .split('/state/dev.tfstate')
      .join('/state/review-42.tfstate');
    expect(synth(review)).toBe(expected);
  });

  test('takes part in the parity check: a divergence of its definition shows in every stack', () => {
    const { app, pipeline } = testPipeline({ reviewIds: ['42'] });
    const staging = pipeline.environments[1] as EnvironmentStack;
    staging.deployment.network.addOverride('name', 'staging-net');
    const report = EnvironmentParity.check(app);
    expect(report.stacks).toEqual(['dev', 'staging', 'prod', 'review-42']);
    expect(report.differences.map((d) => d.stacks)).toEqual([['dev', 'staging']]);
  });

  test('keeps its state in the store of its definition', () => {
    const delivery = new Delivery(Testing.app(), 'Delivery', {
      images: sampleImages(),
      services: SERVICES,
      environments: [fixtureEnvironment({ name: 'qa' })],
      reviewIds: ['7'],
      reviewEnvironment: (id) =>
        fixtureEnvironment({
          name: `review-${id}`,
          services: { web: { replicas: 1, port: 19000 }, api: { replicas: 1 } },
        }),
      projectRoot: PROJECT_ROOT,
      state: StateStore.postgres(),
    });
    const review = delivery.environments[1];
    expect(review).toBeInstanceOf(EnvironmentInstance);
    const json = JSON.parse(Testing.synth(review)) as { terraform: { backend: unknown } };
    expect(json.terraform.backend).toEqual({ pg: { schema_name: 'cdktf_pipeline_review-7' } });
    expect((review as EnvironmentInstance).values.upstream_state).toBe('cdktf_pipeline_image');
  });

  test('refuses a definition that is not an environment stack', () => {
    const stack = testStack();
    expect(
      problemsOf(
        () =>
          new EnvironmentInstance(stack, 'review-1', {
            definition: stack as unknown as EnvironmentStack,
            environment: fixtureEnvironment({ name: 'review-1' }),
          }),
      ),
    ).toEqual([
      "environment instance 'review-1': 'definition' must be an EnvironmentStack, got 'test'. Give the EnvironmentStack of another environment of the same delivery.",
    ]);
  });
});

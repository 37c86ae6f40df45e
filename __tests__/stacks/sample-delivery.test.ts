import { EnvironmentParity } from '../../lib';
import { parityMatchers } from '../../lib/testing';
import { resources, testPipeline } from '../helpers/test-app';

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

  test('every environment synthesizes identical Terraform', () => {
    const { app } = testPipeline({ reviewIds: ['42'] });
    expect(app).toHaveEnvironmentParity();
    expect(EnvironmentParity.check(app).stacks).toEqual(['dev', 'staging', 'prod', 'review-42']);
  });

  test('exactly one docker_image build exists across all stacks', () => {
    const { pipeline } = testPipeline({ reviewIds: ['42'] });
    const stacks = [pipeline.image, ...pipeline.environments];
    expect(stacks).toHaveLength(pipeline.node.children.length);
    const builds = stacks.flatMap((stack) =>
      resources(stack, 'docker_image')
        .filter((image) => image.build !== undefined)
        .map(() => stack.node.id),
    );
    expect(builds).toEqual(['image']);
  });
});

import { Testing } from 'cdktf';

import { ConfigurationError, Delivery, DeliveryProps } from '../../../lib';
import { SERVICES } from '../../../stacks/sample-service';
import { fixtureEnvironment, PROJECT_ROOT } from '../../helpers/test-app';

const props = (overrides: Partial<DeliveryProps> = {}): DeliveryProps => ({
  image: { context: 'service', repository: 'sample-service' },
  services: SERVICES,
  environments: [fixtureEnvironment()],
  projectRoot: PROJECT_ROOT,
  ...overrides,
});

function problems(overrides: Partial<DeliveryProps>): readonly string[] {
  try {
    new Delivery(Testing.app(), 'Delivery', props(overrides));
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('the delivery was built, but a problem was expected');
}

describe('Delivery, bad input', () => {
  test('review ids without a factory for review environments', () => {
    expect(problems({ reviewIds: ['42', 'x'] })).toEqual([
      "delivery: 'reviewIds' needs a reviewEnvironment factory to make review environments, got '42,x'. Give the delivery a reviewEnvironment (id => EnvironmentConfig), or unset PIPELINE_REVIEW_IDS.",
    ]);
  });

  test('a review factory whose environments are not named review-<id>', () => {
    expect(
      problems({
        reviewIds: ['42'],
        reviewEnvironment: (id) => fixtureEnvironment({ name: `mr-${id}` }),
      }),
    ).toEqual([
      "review environment '42': 'name' must be 'review-42', got 'mr-42'. Name it `review-${id}` in the reviewEnvironment factory.",
    ]);
  });

  test('an environment named like the image stage, and an upstream that does not exist', () => {
    expect(
      problems({
        imageStage: 'build',
        environments: [
          fixtureEnvironment({
            name: 'build',
            services: { web: { replicas: 1, port: 18090 }, api: { replicas: 1 } },
          }),
          fixtureEnvironment({ upstream: 'qa' }),
        ],
      }),
    ).toEqual([
      "environment 'build': 'name' must not be a reserved stage name (build), got 'build'. Rename the environment.",
      "environment 'build': 'upstream' must be 'build' or another environment (test), got 'image'. Set upstream in environments/test.ts.",
      "environment 'test': 'upstream' must be 'build' or another environment (build), got 'qa'. Set upstream in environments/test.ts.",
    ]);
  });
});

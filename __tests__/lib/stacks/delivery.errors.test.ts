import { Testing } from 'cdktf';

import { ConfigurationError, Delivery, DeliveryProps } from '../../../lib';
import { SERVICES, sampleImages } from '../../../stacks/sample-service';
import { fixtureEnvironment, PROJECT_ROOT } from '../../helpers/test-app';

const props = (overrides: Partial<DeliveryProps> = {}): DeliveryProps => ({
  images: sampleImages(),
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

describe('Delivery, configuration from JavaScript without types', () => {
  /** What `new Delivery(...)` reports for props as plain JavaScript may pass them. */
  function untyped(raw: unknown): readonly string[] {
    try {
      new Delivery(Testing.app(), 'Delivery', raw as DeliveryProps);
    } catch (error) {
      if (error instanceof ConfigurationError) return error.problems;
      throw error;
    }
    throw new Error('the delivery was built, but a problem was expected');
  }
  const base = props() as unknown as Record<string, unknown>;
  const environment = { ...fixtureEnvironment() } as Record<string, unknown>;
  const withEnvironment = (changes: Record<string, unknown>) =>
    untyped({ ...base, environments: [{ ...environment, ...changes }] });
  const withServices = (services: unknown) => untyped({ ...base, services });
  const DELIVERY_FIX = 'Fix it in the props of the Delivery.';
  const ENVIRONMENT_FIX = 'Fix it in environments/test.ts.';

  test('no props at all', () => {
    expect(untyped(undefined)).toEqual([
      `delivery: 'props' must be an object, got nothing. ${DELIVERY_FIX}`,
    ]);
  });

  test('the images: missing, or fields of the wrong type, all reported together', () => {
    expect(untyped({ ...base, images: undefined })).toEqual([
      `delivery: 'images' must name the images to build (or give context and repository of one image), got nothing. ${DELIVERY_FIX} E.g. images: { web: { context: 'web', repository: 'my-web' } }.`,
    ]);
    expect(
      untyped({
        ...base,
        images: undefined,
        image: { context: 42, repository: null, smokeTest: 'true' },
      }),
    ).toEqual([
      `delivery: 'image.context' must be a string, got 42. ${DELIVERY_FIX}`,
      `delivery: 'image.repository' must be a string, got null. ${DELIVERY_FIX}`,
      `delivery: 'image.smokeTest' must be a list or left out, got 'true'. ${DELIVERY_FIX}`,
    ]);
    expect(untyped({ ...base, images: { web: { context: 'service/web' }, api: 7 } })).toEqual([
      `delivery: 'images.web.repository' must be a string, got nothing. ${DELIVERY_FIX}`,
      `delivery: 'images.api' must be an object, got 7. ${DELIVERY_FIX}`,
    ]);
  });

  test("services that name no image of the delivery's, or none when it has several", () => {
    expect(
      withServices([
        { ...SERVICES[0], image: 'worker' },
        { ...SERVICES[1], image: undefined },
      ]),
    ).toEqual([
      "service 'api': 'image' must name one of the delivery's images (api, web), got 'worker'. Set image in the service's definition to the image it runs, e.g. 'api'.",
      "service 'web': 'image' must name one of the delivery's images (api, web), got nothing. Set image in the service's definition to the image it runs, e.g. 'api'.",
    ]);
  });

  test('optional props of the wrong kind', () => {
    expect(
      untyped({
        ...base,
        smokeTests: [{ service: 'web', path: '/' }],
        state: 'pg',
        target: 'swarm',
        reviewIds: '42',
        reviewEnvironment: 'review',
        registry: 5000,
        reservedPorts: { 5000: true },
        projectRoot: null,
      }),
    ).toEqual([
      `delivery: 'smokeTests[0]' must be made with SmokeTest.http(...), got {"service":"web","path":"/"}. ${DELIVERY_FIX}`,
      `delivery: 'reviewEnvironment' must be a function or left out, got 'review'. ${DELIVERY_FIX}`,
      `delivery: 'reviewIds' must be a list or left out, got '42'. ${DELIVERY_FIX}`,
      `delivery: 'projectRoot' must be a string or left out, got null. ${DELIVERY_FIX}`,
      `delivery: 'state' must be made with StateStore.local(), StateStore.postgres() or StateStore.fromEnvironment() or left out, got 'pg'. ${DELIVERY_FIX}`,
      `delivery: 'registry' must be a string or left out, got 5000. ${DELIVERY_FIX}`,
      `delivery: 'target' must be made with DeploymentTarget.containers() or DeploymentTarget.swarm() or left out, got 'swarm'. ${DELIVERY_FIX}`,
      `delivery: 'reservedPorts.5000' must be a string, got true. ${DELIVERY_FIX}`,
    ]);
  });

  test('services and environments that are not lists', () => {
    expect(untyped({ ...base, services: null, environments: {} })).toEqual([
      `delivery: 'services' must be a list, got null. ${DELIVERY_FIX}`,
      `delivery: 'environments' must be a list, got {}. ${DELIVERY_FIX}`,
    ]);
  });

  test('service definitions: missing fields, wrong types, a null entry', () => {
    expect(
      withServices([
        { name: 'api', healthCheck: 'true' },
        { name: 'web', port: '8080', published: 'yes', dependsOn: 'api', env: { LOG_LEVEL: 3 } },
        null,
        { port: 80 },
      ]),
    ).toEqual([
      "service 'api': 'port' must be a number, got nothing. Fix the service definition.",
      "service 'api': 'healthCheck' must be a list or left out, got 'true'. Fix the service definition.",
      "service 'web': 'port' must be a number, got '8080'. Fix the service definition.",
      "service 'web': 'published' must be true or false or left out, got 'yes'. Fix the service definition.",
      "service 'web': 'dependsOn' must be a list or left out, got 'api'. Fix the service definition.",
      "service 'web': 'env.LOG_LEVEL' must be a string, got 3. Fix the service definition.",
      "service #3: 'service' must be an object, got null. Fix the service definition.",
      "service #4: 'name' must be a string, got nothing. Fix the service definition.",
    ]);
  });

  test('a service port that is NaN', () => {
    expect(withServices([SERVICES[0], { ...SERVICES[1], port: NaN }])).toEqual([
      "service 'web': 'port' must be a finite number, got NaN. Fix the service definition.",
    ]);
  });

  test('an environment that is null, or has no name', () => {
    expect(untyped({ ...base, environments: [null] })).toEqual([
      "environment #1: 'environment' must be an object, got null. Fix the environment's configuration (and set its source, the file it comes from).",
    ]);
    expect(withEnvironment({ name: undefined })).toEqual([
      `environment #1: 'name' must be a string, got nothing. ${ENVIRONMENT_FIX}`,
    ]);
  });

  test("an environment's replicas and ports: NaN, a string, null", () => {
    expect(
      withEnvironment({
        services: { web: { replicas: NaN, port: null }, api: { replicas: '2' } },
      }),
    ).toEqual([
      `environment 'test': 'services.web.replicas' must be a finite number, got NaN. ${ENVIRONMENT_FIX}`,
      `environment 'test': 'services.web.port' must be a number or left out, got null. ${ENVIRONMENT_FIX}`,
      `environment 'test': 'services.api.replicas' must be a number, got '2'. ${ENVIRONMENT_FIX}`,
    ]);
  });

  test("an environment's env: null, or a value that is not a string", () => {
    expect(
      withEnvironment({
        services: {
          web: { replicas: 1, port: 18080, env: null },
          api: { replicas: 1, env: { A: 1 } },
        },
      }),
    ).toEqual([
      `environment 'test': 'services.web.env' must be an object or left out, got null. ${ENVIRONMENT_FIX}`,
      `environment 'test': 'services.api.env.A' must be a string, got 1. ${ENVIRONMENT_FIX}`,
    ]);
  });

  test('an environment without an approval, services or upstream', () => {
    expect(withEnvironment({ approval: undefined, services: undefined, upstream: 7 })).toEqual([
      `environment 'test': 'upstream' must be a string, got 7. ${ENVIRONMENT_FIX}`,
      `environment 'test': 'approval' must be made with Approval.none() or Approval.required(record), got nothing. ${ENVIRONMENT_FIX}`,
      `environment 'test': 'services' must be an object, got nothing. ${ENVIRONMENT_FIX}`,
    ]);
  });

  test('an approval given as a plain object, and no source', () => {
    expect(
      withEnvironment({ approval: { record: 'approvals/test.txt' }, source: undefined }),
    ).toEqual([
      "environment 'test': 'approval' must be made with Approval.none() or Approval.required(record), got {\"record\":\"approvals/test.txt\"}. Fix the environment's configuration (and set its source, the file it comes from).",
      "environment 'test': 'source' must be a string, got nothing. Fix the environment's configuration (and set its source, the file it comes from).",
    ]);
  });

  test('a broken environment does not hide the problems of the others', () => {
    expect(
      untyped({
        ...base,
        environments: [
          { ...environment, name: 'a', services: null },
          { ...environment, name: 'b', upstream: 'nowhere' },
        ],
      }),
    ).toEqual([
      `environment 'a': 'services' must be an object, got null. ${ENVIRONMENT_FIX}`,
      `environment 'b': 'upstream' must be 'image' or another environment (a), got 'nowhere'. Set upstream in environments/test.ts.`,
    ]);
  });
});

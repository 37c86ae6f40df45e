import { ServiceDeployment, ServiceSpec } from '../../../lib';
import { testStack, problemsOf } from '../../helpers/test-app';

const deploy = (services: ServiceSpec[]) => () =>
  new ServiceDeployment(testStack(), 'Deploy', { image: 'img', namePrefix: 'qa', services });

describe('ServiceDeployment errors', () => {
  test('no services', () => {
    expect(problemsOf(deploy([]))).toEqual([
      "service deployment 'Deploy': 'services' must list at least one service, got []. Add a service.",
    ]);
  });

  test('a bad name, a duplicate, a bad port and an unknown dependency, reported together', () => {
    expect(
      problemsOf(
        deploy([
          { name: 'Web', port: 80 },
          { name: 'api', port: 0 },
          { name: 'api', port: 80, dependsOn: ['db'] },
        ]),
      ),
    ).toEqual([
      "service deployment 'Deploy': 'services[].name' must be lowercase letters, digits and -, starting with a letter, at most 31 characters, got 'Web'. Rename the service, e.g. web or api.",
      "service deployment 'Deploy', service 'api': 'port' must be a whole number from 1 to 65535, got 0. Set the port the service listens on inside its container.",
      "service deployment 'Deploy': 'services[].name' must be unique, got 'api'. Rename one of them.",
      "service deployment 'Deploy', service 'api': 'dependsOn' must name services of this deployment (Web, api), got 'db'. Fix the name or add that service.",
    ]);
  });

  test('a dependency cycle', () => {
    expect(
      problemsOf(
        deploy([
          { name: 'a', port: 80, dependsOn: ['b'] },
          { name: 'b', port: 80, dependsOn: ['a'] },
        ]),
      ),
    ).toEqual([
      "service deployment 'Deploy': 'dependsOn' must not form a cycle, got 'a -> b -> a'. Remove one of the dependencies.",
    ]);
  });

  test('props from JavaScript without types: an image that is not a string, services that are not a list', () => {
    const untyped = (props: unknown) => () =>
      new ServiceDeployment(
        testStack(),
        'Deploy',
        props as ConstructorParameters<typeof ServiceDeployment>[2],
      );
    expect(
      problemsOf(
        untyped({ image: 7, namePrefix: 'qa', services: null, healthTimeoutSeconds: '60' }),
      ),
    ).toEqual([
      "service deployment 'Deploy': 'image' must be a string or left out, got 7. Fix it in the props of the deployment.",
      "service deployment 'Deploy': 'services' must be a list, got null. Fix it in the props of the deployment.",
      "service deployment 'Deploy': 'healthTimeoutSeconds' must be a number or left out, got '60'. Fix it in the props of the deployment.",
    ]);
    expect(
      problemsOf(
        untyped({
          image: 'img',
          namePrefix: 'qa',
          services: [{ name: 'web', port: '80', replicas: NaN, env: { A: null } }],
        }),
      ),
    ).toEqual([
      "service deployment 'Deploy': 'services[0].port' must be a number, got '80'. Fix it in the props of the deployment.",
      "service deployment 'Deploy': 'services[0].replicas' must be a finite number or left out, got NaN. Fix it in the props of the deployment.",
      "service deployment 'Deploy': 'services[0].env.A' must be a string, got null. Fix it in the props of the deployment.",
    ]);
  });

  test('a service without an image of its own, in a deployment without one for every service', () => {
    expect(
      problemsOf(
        () =>
          new ServiceDeployment(testStack(), 'Deploy', {
            namePrefix: 'qa',
            services: [
              { name: 'web', port: 8080, image: 'web-image' },
              { name: 'api', port: 8080 },
            ],
          }),
      ),
    ).toEqual([
      "service deployment 'Deploy', service 'api': 'image' must be set when the deployment has no image of its own, got nothing. Set the service's image, or the deployment's image that every service runs.",
    ]);
  });
});

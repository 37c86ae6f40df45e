import { ServiceSpec, SwarmOptions, SwarmServiceDeployment } from '../../../lib';
import { problemsOf, testStack } from '../../helpers/test-app';

const deploy =
  (services: ServiceSpec[], options: SwarmOptions = {}): (() => unknown) =>
  () =>
    new SwarmServiceDeployment(testStack(), 'Deploy', {
      image: 'img',
      namePrefix: 'qa',
      services,
      ...options,
    });

describe('SwarmServiceDeployment errors', () => {
  test('the checks every deployment makes: no services, a bad name, a bad port', () => {
    expect(problemsOf(deploy([]))).toEqual([
      "service deployment 'Deploy': 'services' must list at least one service, got []. Add a service.",
    ]);
    expect(problemsOf(deploy([{ name: 'Web', port: 0 }]))).toEqual([
      "service deployment 'Deploy': 'services[].name' must be lowercase letters, digits and -, starting with a letter, at most 31 characters, got 'Web'. Rename the service, e.g. web or api.",
      "service deployment 'Deploy', service 'Web': 'port' must be a whole number from 1 to 65535, got 0. Set the port the service listens on inside its container.",
    ]);
  });

  test('every option out of range, reported together', () => {
    expect(
      problemsOf(
        deploy([{ name: 'web', port: 80 }], {
          publishers: 0,
          updateParallelism: 1.5,
          monitorSeconds: 0,
          convergeTimeoutSeconds: 5,
        }),
      ),
    ).toEqual([
      "service deployment 'Deploy': 'publishers' must be a whole number from 1 to 20 (one publishing task per node), got 0. Set publishers within that range in DeploymentTarget.swarm().",
      "service deployment 'Deploy': 'updateParallelism' must be a whole number from 0 to 20 (0 updates every task at once), got 1.5. Set updateParallelism within that range in DeploymentTarget.swarm().",
      "service deployment 'Deploy': 'monitorSeconds' must be a whole number from 1 to 600, got 0. Set monitorSeconds within that range in DeploymentTarget.swarm().",
      "service deployment 'Deploy': 'convergeTimeoutSeconds' must be a whole number from 10 to 3600, got 5. Set convergeTimeoutSeconds within that range in DeploymentTarget.swarm().",
    ]);
  });

  test('placement constraints Swarm would refuse, each named by its index', () => {
    expect(
      problemsOf(
        deploy([{ name: 'web', port: 80 }], {
          placement: ['node.labels.pool == apps', 'pool=apps', 'node.hostname ==', ''],
        }),
      ),
    ).toEqual(
      [1, 2, 3].map(
        (i) =>
          `service deployment 'Deploy': 'placement[${i}]' must be a Swarm placement constraint '<attribute> == <value>' or '<attribute> != <value>' (e.g. 'node.labels.pool == apps', 'node.id == <node ID>'), got '${['pool=apps', 'node.hostname ==', ''][i - 1]}'. Write the constraint as docker service create --constraint takes it, in DeploymentTarget.swarm().`,
      ),
    );
  });

  test("a service named like a published service's publisher", () => {
    expect(
      problemsOf(
        deploy([
          { name: 'web', port: 80, publishedPort: 18080 },
          { name: 'web-published', port: 80 },
        ]),
      ),
    ).toEqual([
      "service deployment 'Deploy', service 'web-published': 'name' must not be '<published service>-published': on Swarm that is the name of the service publishing its port, got 'web-published'. Rename the service.",
    ]);
  });

  test('options from JavaScript without types: placement that is not a list, a number given as text', () => {
    expect(
      problemsOf(
        deploy([{ name: 'web', port: 80 }], {
          placement: 'node.role == worker',
          monitorSeconds: '5',
        } as unknown as SwarmOptions),
      ),
    ).toEqual([
      "service deployment 'Deploy': 'placement' must be a list or left out, got 'node.role == worker'. Fix it in the props of the deployment.",
      "service deployment 'Deploy': 'monitorSeconds' must be a number or left out, got '5'. Fix it in the props of the deployment.",
    ]);
  });
});

import { DeploymentTarget, validateEnvironments } from '../../../lib';
import { SERVICES } from '../../../stacks/sample-service';
import {
  fixtureEnvironment,
  PROJECT_ROOT,
  problemsOf,
  SAMPLE_IMAGE_NAMES,
} from '../../helpers/test-app';

describe('DeploymentTarget errors', () => {
  test('Swarm options are checked when the target is made, all together', () => {
    expect(
      problemsOf(() =>
        DeploymentTarget.swarm({
          publishers: 21,
          updateParallelism: -1,
          monitorSeconds: 601,
          convergeTimeoutSeconds: 3601,
        }),
      ),
    ).toEqual([
      "swarm target: 'publishers' must be a whole number from 1 to 20 (one publishing task per node), got 21. Set publishers within that range in DeploymentTarget.swarm().",
      "swarm target: 'updateParallelism' must be a whole number from 0 to 20 (0 updates every task at once), got -1. Set updateParallelism within that range in DeploymentTarget.swarm().",
      "swarm target: 'monitorSeconds' must be a whole number from 1 to 600, got 601. Set monitorSeconds within that range in DeploymentTarget.swarm().",
      "swarm target: 'convergeTimeoutSeconds' must be a whole number from 10 to 3600, got 3601. Set convergeTimeoutSeconds within that range in DeploymentTarget.swarm().",
    ]);
  });

  test('on Swarm, an environment name that makes a service name longer than 63 characters', () => {
    const name = `e${'x'.repeat(39)}`;
    expect(
      problemsOf(() =>
        validateEnvironments(
          [
            fixtureEnvironment({
              name,
              services: {
                web: { replicas: 1, port: 18080 },
                api: { replicas: 1 },
                'a-service-with-a-long-name': { replicas: 1 },
              },
            }),
          ],
          [...SERVICES, { name: 'a-service-with-a-long-name', image: 'web', port: 80 }],
          {
            projectRoot: PROJECT_ROOT,
            images: SAMPLE_IMAGE_NAMES,
            target: DeploymentTarget.swarm(),
          },
        ),
      ),
    ).toEqual([
      `environment '${name}': 'name' must keep Swarm service names ('<environment>-<service>', '-published' for a published service) within 63 characters, but makes '${name}-a-service-with-a-long-name' (67), got '${name}'. Use a shorter name in environments/test.ts.`,
    ]);
  });

  test('a published port of a Swarm service out of range', () => {
    expect(
      problemsOf(() =>
        validateEnvironments(
          [
            fixtureEnvironment({
              services: { web: { replicas: 3, port: 80 }, api: { replicas: 1 } },
            }),
          ],
          SERVICES,
          {
            projectRoot: PROJECT_ROOT,
            images: SAMPLE_IMAGE_NAMES,
            target: DeploymentTarget.swarm(),
          },
        ),
      ),
    ).toEqual([
      "environment 'test': 'services.web.port' must be a whole number from 1024 to 65535, got 80. Set services.web.port in environments/test.ts.",
    ]);
  });

  test('Swarm options from JavaScript without types', () => {
    const swarm = (options: unknown) => () =>
      DeploymentTarget.swarm(options as Parameters<typeof DeploymentTarget.swarm>[0]);
    expect(problemsOf(swarm(null))).toEqual([
      "swarm target: 'options' must be an object, got null. Fix it in DeploymentTarget.swarm().",
    ]);
    expect(problemsOf(swarm({ publishers: '2', placement: [7] }))).toEqual([
      "swarm target: 'publishers' must be a number or left out, got '2'. Fix it in DeploymentTarget.swarm().",
      "swarm target: 'placement[0]' must be a string, got 7. Fix it in DeploymentTarget.swarm().",
    ]);
  });
});

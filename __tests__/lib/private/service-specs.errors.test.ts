import { App, TerraformStack, Testing } from 'cdktf';

import {
  Approval,
  EnvironmentConfig,
  ServiceDefinition,
  ServiceDeployment,
  SwarmServiceDeployment,
  validateEnvironments,
} from '../../../lib';
import { problemsOf } from '../../helpers/test-app';

const web: ServiceDefinition = { name: 'web', port: 8080, published: true };
const qa: EnvironmentConfig = {
  name: 'qa',
  upstream: 'image',
  approval: Approval.none(),
  services: { web: { replicas: 1, port: 18080 } },
  source: 'environments/qa.ts',
};
/** A delivery of one service, checked as validation checks every service definition. */
const definition = (service: object) => () =>
  validateEnvironments([qa], [{ ...web, ...service } as ServiceDefinition], {
    projectRoot: '/tmp',
  });
const fix = 'Fix the service definition.';
const pathRule = "must be absolute paths below / without spaces, commas, ':' or '..', e.g. '/tmp'";
const capabilityRule =
  "must be capability names without 'CAP_', e.g. 'NET_BIND_SERVICE' (all others are dropped)";
const secretRule =
  'must be uppercase letters, digits and _, starting with a letter, at most 63 characters';

describe('security settings and secret names of a service', () => {
  test.each<[string, object, string]>([
    [
      'root by name',
      { security: { user: 'root' } },
      `service 'web': 'security.user' must not be root: a container runs as a user without privileges, got 'root'. ${fix} Use a user of the image other than root, e.g. '65534:65534'.`,
    ],
    [
      'root by id and group',
      { security: { user: '0:0' } },
      `service 'web': 'security.user' must not be root: a container runs as a user without privileges, got '0:0'. ${fix} Use a user of the image other than root, e.g. '65534:65534'.`,
    ],
    [
      'a user with a space',
      { security: { user: 'my user' } },
      `service 'web': 'security.user' must be a user and optional group, e.g. '65534:65534' or 'app', got 'my user'. ${fix}`,
    ],
    [
      'an empty user',
      { security: { user: '' } },
      `service 'web': 'security.user' must be a user and optional group, e.g. '65534:65534' or 'app', got ''. ${fix}`,
    ],
    [
      'a relative writable path',
      { security: { writablePaths: ['tmp'] } },
      `service 'web': 'security.writablePaths' ${pathRule}, got 'tmp'. ${fix}`,
    ],
    [
      'the root as writable path',
      { security: { writablePaths: ['/'] } },
      `service 'web': 'security.writablePaths' ${pathRule}, got '/'. ${fix}`,
    ],
    [
      'a writable path that climbs out',
      { security: { writablePaths: ['/tmp/../etc'] } },
      `service 'web': 'security.writablePaths' ${pathRule}, got '/tmp/../etc'. ${fix}`,
    ],
    [
      'a writable path with a comma (tmpfs options)',
      { security: { writablePaths: ['/a,b'] } },
      `service 'web': 'security.writablePaths' ${pathRule}, got '/a,b'. ${fix}`,
    ],
    [
      'a capability with its CAP_ prefix',
      { security: { capabilities: ['CAP_NET_ADMIN'] } },
      `service 'web': 'security.capabilities' ${capabilityRule}, got 'CAP_NET_ADMIN'. ${fix}`,
    ],
    [
      'every capability',
      { security: { capabilities: ['ALL'] } },
      `service 'web': 'security.capabilities' ${capabilityRule}, got 'ALL'. ${fix}`,
    ],
    [
      'a capability in lowercase',
      { security: { capabilities: ['net_bind_service'] } },
      `service 'web': 'security.capabilities' ${capabilityRule}, got 'net_bind_service'. ${fix}`,
    ],
    [
      'security as a word',
      { security: 'hardened' },
      `service 'web': 'security' must be an object or left out, got 'hardened'. ${fix}`,
    ],
    [
      'a read-only flag as text',
      { security: { readOnlyRootFilesystem: 'yes' } },
      `service 'web': 'security.readOnlyRootFilesystem' must be true or false or left out, got 'yes'. ${fix}`,
    ],
    [
      'a secret in lowercase',
      { secrets: ['api_token'] },
      `service 'web': 'secrets' ${secretRule}, got 'api_token'. ${fix} Name the secret e.g. API_TOKEN.`,
    ],
    [
      'a secret starting with a digit',
      { secrets: ['1TOKEN'] },
      `service 'web': 'secrets' ${secretRule}, got '1TOKEN'. ${fix} Name the secret e.g. API_TOKEN.`,
    ],
    [
      'a secret twice',
      { secrets: ['A', 'A'] },
      `service 'web': 'secrets' must be unique, got 'A'. ${fix}`,
    ],
    [
      'secrets as one string',
      { secrets: 'TOKEN' },
      `service 'web': 'secrets' must be a list or left out, got 'TOKEN'. ${fix}`,
    ],
    [
      'a health check every half second',
      { healthCheckTiming: { intervalSeconds: 0.5 } },
      `service 'web': 'healthCheckTiming.intervalSeconds' must be a whole number from 1 to 3600, got 0.5. ${fix} Set the seconds between two checks, e.g. 5.`,
    ],
    [
      'a health check that never times out',
      { healthCheckTiming: { timeoutSeconds: 0 } },
      `service 'web': 'healthCheckTiming.timeoutSeconds' must be a whole number from 1 to 3600, got 0. ${fix} Set the seconds a check may take, e.g. 3.`,
    ],
    [
      'a health check with a negative start period',
      { healthCheckTiming: { startPeriodSeconds: -1 } },
      `service 'web': 'healthCheckTiming.startPeriodSeconds' must be a whole number from 0 to 3600, got -1. ${fix} Set the seconds after the start that do not count, e.g. 10.`,
    ],
    [
      'health-check retries as text',
      { healthCheckTiming: { retries: '3' } },
      `service 'web': 'healthCheckTiming.retries' must be a number or left out, got '3'. ${fix}`,
    ],
  ])('%s', (_, service, message) => {
    expect(problemsOf(definition(service))).toEqual([message]);
  });

  test('every field of a health-check timing out of range is named at once', () => {
    expect(
      problemsOf(
        definition({
          healthCheckTiming: {
            intervalSeconds: 0,
            timeoutSeconds: 3601,
            retries: 101,
            startPeriodSeconds: 1.5,
          },
        }),
      ),
    ).toEqual([
      `service 'web': 'healthCheckTiming.intervalSeconds' must be a whole number from 1 to 3600, got 0. ${fix} Set the seconds between two checks, e.g. 5.`,
      `service 'web': 'healthCheckTiming.timeoutSeconds' must be a whole number from 1 to 3600, got 3601. ${fix} Set the seconds a check may take, e.g. 3.`,
      `service 'web': 'healthCheckTiming.retries' must be a whole number from 1 to 100, got 101. ${fix} Set how many failed checks in a row make it unhealthy, e.g. 3.`,
      `service 'web': 'healthCheckTiming.startPeriodSeconds' must be a whole number from 0 to 3600, got 1.5. ${fix} Set the seconds after the start that do not count, e.g. 10.`,
    ]);
  });

  test("a service's own health-check timing reaches its containers and Swarm service; the rest keep the defaults", () => {
    const timing = { intervalSeconds: 5, startPeriodSeconds: 30 };
    const stack = new TerraformStack(Testing.app(), 'test');
    new ServiceDeployment(stack, 'Deploy', {
      image: 'i',
      namePrefix: 'qa',
      services: [
        { name: 'web', port: 8080, healthCheckTiming: timing },
        { name: 'api', port: 80 },
      ],
    });
    new SwarmServiceDeployment(stack, 'Swarm', {
      image: 'i',
      namePrefix: 'sw',
      services: [{ name: 'web', port: 8080, healthCheckTiming: timing }],
    });
    const resources = (
      JSON.parse(Testing.synth(stack)) as {
        resource: Record<
          string,
          Record<
            string,
            { healthcheck?: object; task_spec?: { container_spec: { healthcheck: object } } }
          >
        >;
      }
    ).resource;
    const check = (test: string[], interval: string, startPeriod: string) => ({
      test,
      interval,
      timeout: '3s',
      retries: 3,
      start_period: startPeriod,
    });
    const probe = (port: number) => [
      'CMD',
      'wget',
      '-q',
      '-O',
      '/dev/null',
      `http://127.0.0.1:${port}/`,
    ];
    expect(Object.values(resources.docker_container).map((c) => c.healthcheck)).toEqual([
      check(probe(80), '1s', '2s'),
      check(probe(8080), '5s', '30s'),
    ]);
    expect(
      Object.values(resources.docker_service).map((s) => s.task_spec?.container_spec.healthcheck),
    ).toEqual([check(probe(8080), '5s', '30s')]);
  });

  test('without security settings a service passes and runs as nobody, read-only, with no capability and no new privileges', () => {
    expect(definition({})()).toEqual({ qa: [] });
    const stack = new TerraformStack(Testing.app(), 'test');
    new ServiceDeployment(stack, 'Deploy', {
      image: 'i',
      namePrefix: 'qa',
      services: [{ name: 'web', port: 8080 }],
    });
    const containers = Object.values(
      (JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, object>> })
        .resource.docker_container,
    );
    expect(containers).toEqual([
      expect.objectContaining({
        user: '65534:65534',
        read_only: true,
        capabilities: { drop: ['ALL'] },
        security_opts: ['no-new-privileges:true'],
      }),
    ]);
    expect(containers[0]).not.toHaveProperty('tmpfs');
  });

  test('a secret name in capitals, and a user, writable paths and capabilities of its own, pass', () => {
    expect(definition({ secrets: ['API_TOKEN'] })()).toEqual({ qa: [] });
    expect(
      definition({
        security: { user: 'app:app', writablePaths: ['/tmp'], capabilities: ['NET_BIND_SERVICE'] },
      })(),
    ).toEqual({ qa: [] });
  });
});

describe('security settings and secrets of a service spec', () => {
  const stack = () => new TerraformStack(new App(), 'test');

  test('containers: a secret name in lowercase', () => {
    expect(
      problemsOf(
        () =>
          new ServiceDeployment(stack(), 'Deploy', {
            image: 'i',
            namePrefix: 'qa',
            services: [{ name: 'web', port: 8080, secrets: { token: 'x' } }],
          }),
      ),
    ).toEqual([
      `service deployment 'Deploy', service 'web': 'secrets' ${secretRule}, got 'token'. Fix it in the service spec. Name the secret e.g. API_TOKEN.`,
    ]);
  });

  test('Swarm: root', () => {
    expect(
      problemsOf(
        () =>
          new SwarmServiceDeployment(stack(), 'Deploy', {
            image: 'i',
            namePrefix: 'qa',
            services: [{ name: 'web', port: 8080, security: { user: 'root' } }],
          }),
      ),
    ).toEqual([
      "service deployment 'Deploy', service 'web': 'security.user' must not be root: a container runs as a user without privileges, got 'root'. Fix it in the service spec. Use a user of the image other than root, e.g. '65534:65534'.",
    ]);
  });

  test.each<[string, object, string]>([
    [
      'a publish address as a number',
      { publishAddress: 1 },
      "service deployment 'Deploy': 'publishAddress' must be a string or left out, got 1. Fix it in the props of the deployment.",
    ],
    [
      'a memory limit as text',
      { services: [{ name: 'web', port: 8080, memoryMb: 'lots' }] },
      "service deployment 'Deploy': 'services[0].memoryMb' must be a number or left out, got 'lots'. Fix it in the props of the deployment.",
    ],
  ])('containers: %s', (_, props, message) => {
    expect(
      problemsOf(
        () =>
          new ServiceDeployment(stack(), 'Deploy', {
            image: 'i',
            namePrefix: 'qa',
            services: [{ name: 'web', port: 8080 }],
            ...props,
          } as never),
      ),
    ).toEqual([message]);
  });
});

import { dev } from '../../../environments/dev';
import { prod } from '../../../environments/prod';
import { review } from '../../../environments/review';
import { staging } from '../../../environments/staging';
import {
  Approval,
  ConfigurationError,
  DeploymentTarget,
  EnvironmentConfig,
  ServiceSettings,
  validateEnvironments,
} from '../../../lib';
import { SERVICES } from '../../../stacks/sample-service';
import { SAMPLE_SETTINGS } from '../../../stacks/sample-settings';
import { fixtureEnvironment, PROJECT_ROOT, SAMPLE_IMAGE_NAMES } from '../../helpers/test-app';

/** Validation as the sample's delivery runs it: its services and its own settings. */
const validate = (...environments: EnvironmentConfig[]) =>
  validateEnvironments(environments, SERVICES, {
    projectRoot: PROJECT_ROOT,
    images: SAMPLE_IMAGE_NAMES,
    settings: SAMPLE_SETTINGS,
  });

/** A frozen environment of the sample's delivery, with the settings that it requires. */
const fixture = (overrides: Partial<EnvironmentConfig> = {}) =>
  fixtureEnvironment({ settings: { dataSizeMb: 16 }, ...overrides });

/** The problems listed by the one ConfigurationError that validation throws. */
function problems(...environments: EnvironmentConfig[]): readonly string[] {
  try {
    validate(...environments);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('validation passed, but a problem was expected');
}

const web = (settings: Partial<ServiceSettings>): ServiceSettings => ({
  replicas: 1,
  port: 18080,
  ...settings,
});
const services = (w: Partial<ServiceSettings>, api: Partial<ServiceSettings> = {}) => ({
  web: web(w),
  api: { replicas: 1, ...api },
});

describe('environment validation errors', () => {
  test('the shipped environments are valid together, with review environments', () => {
    expect(() => validate(dev, staging, prod, review(42), review('login-form'))).not.toThrow();
  });

  test('throws one ConfigurationError whose message lists the count and every problem', () => {
    const env = fixture({
      name: 'Bad Name',
      services: services({ replicas: 0, port: 80 }),
    });
    expect(() => validate(env)).toThrow(
      new Error(
        [
          '3 configuration problems; nothing was deployed:',
          "  - environment 'Bad Name': 'name' must be lowercase letters and digits in dash-separated words, at most 40 characters, got 'Bad Name'. Use a name such as staging or review-42.",
          "  - environment 'Bad Name': 'services.web.replicas' must be a whole number from 1 to 20, got 0. Set services.web.replicas in environments/test.ts.",
          "  - environment 'Bad Name': 'services.web.port' must leave ports 1024 to 65535 for all replicas (port + replicas - 1), got 80. Set services.web.port in environments/test.ts.",
        ].join('\n'),
      ),
    );
  });

  test.each<[string, EnvironmentConfig[], string[]]>([
    [
      'a name with capitals',
      [fixture({ name: 'Staging' })],
      [
        "environment 'Staging': 'name' must be lowercase letters and digits in dash-separated words, at most 40 characters, got 'Staging'. Use a name such as staging or review-42.",
      ],
    ],
    [
      'a name over 40 characters',
      [fixture({ name: `review-${'x'.repeat(40)}` })],
      [
        `environment 'review-${'x'.repeat(40)}': 'name' must be lowercase letters and digits in dash-separated words, at most 40 characters, got 'review-${'x'.repeat(40)}'. Use a name such as staging or review-42.`,
      ],
    ],
    [
      'a review id that is not a slug',
      [review('Feature_X')],
      [
        "environment 'review-Feature_X': 'name' must be lowercase letters and digits in dash-separated words, at most 40 characters, got 'review-Feature_X'. Use a name such as staging or review-42.",
      ],
    ],
    [
      'the reserved name image',
      [fixture({ name: 'image', upstream: 'dev' }), { ...dev }],
      [
        "environment 'image': 'name' must not be a reserved stage name (image), got 'image'. Rename the environment.",
      ],
    ],
    [
      'two environments with one name',
      [fixture({ name: 'qa' }), fixture({ name: 'qa', services: services({ port: 19080 }) })],
      ["environment 'qa': 'name' must be unique among environments, got 'qa'. Rename one of them."],
    ],
    [
      'an environment that is its own upstream',
      [fixture({ upstream: 'test' })],
      [
        "environment 'test': 'upstream' must name another stage, not the environment itself, got 'test'. Set upstream in environments/test.ts.",
      ],
    ],
    [
      'an unknown upstream',
      [fixture({ upstream: 'qa' }), { ...dev }],
      [
        "environment 'test': 'upstream' must be 'image' or another environment (dev), got 'qa'. Set upstream in environments/test.ts.",
      ],
    ],
    [
      'a promotion cycle',
      [
        fixture({ name: 'a', upstream: 'b' }),
        fixture({ name: 'b', upstream: 'a', services: services({ port: 19080 }) }),
      ],
      [
        "environment 'a': 'upstream' must not lead back to this environment, got 'b'. Set upstream in environments/test.ts.",
        "environment 'b': 'upstream' must not lead back to this environment, got 'a'. Set upstream in environments/test.ts.",
      ],
    ],
    [
      'a variable the delivery defines for the service (UPSTREAM_URL), and SERVICE_NAME',
      [
        fixture({
          services: {
            web: web({ env: { UPSTREAM_URL: 'http://elsewhere/', GREETING: 'hi' } }),
            api: { replicas: 1, env: { SERVICE_NAME: 'db' } },
          },
        }),
      ],
      [
        "environment 'test': 'services.api.env.SERVICE_NAME' must not be set: the delivery defines it for service 'api', got 'db'. Remove SERVICE_NAME from services.api.env in environments/test.ts, or change it in the service definition (for every environment).",
        "environment 'test': 'services.web.env.UPSTREAM_URL' must not be set: the delivery defines it for service 'web', got 'http://elsewhere/'. Remove UPSTREAM_URL from services.web.env in environments/test.ts, or change it in the service definition (for every environment).",
      ],
    ],
    [
      'a service of the delivery without settings',
      [fixture({ services: { web: web({}) } })],
      [
        "environment 'test': 'services.api' must be set for every service of the delivery, got nothing. Set services.api in environments/test.ts.",
      ],
    ],
    [
      'settings for a service the delivery does not have',
      [fixture({ services: { ...services({}), db: { replicas: 1 } } })],
      [
        "environment 'test': 'services.db' must name a service of the delivery (api, web), got 'db'. Remove it from environments/test.ts, or add the service to the delivery.",
      ],
    ],
    [
      'zero replicas',
      [fixture({ services: services({ replicas: 0 }) })],
      [
        "environment 'test': 'services.web.replicas' must be a whole number from 1 to 20, got 0. Set services.web.replicas in environments/test.ts.",
      ],
    ],
    [
      'a fractional replica count',
      [fixture({ services: services({}, { replicas: 1.5 }) })],
      [
        "environment 'test': 'services.api.replicas' must be a whole number from 1 to 20, got 1.5. Set services.api.replicas in environments/test.ts.",
      ],
    ],
    [
      'more than 20 replicas',
      [fixture({ services: services({ replicas: 21 }) })],
      [
        "environment 'test': 'services.web.replicas' must be a whole number from 1 to 20, got 21. Set services.web.replicas in environments/test.ts.",
      ],
    ],
    [
      'a published service without a port',
      [fixture({ services: services({ port: undefined }) })],
      [
        "environment 'test': 'services.web.port' must be set: the service is published, got nothing. Set services.web.port in environments/test.ts.",
      ],
    ],
    [
      'a port for a service that is not published',
      [fixture({ services: services({}, { port: 18090 }) })],
      [
        "environment 'test': 'services.api.port' must not be set: the service is not published, got 18090. Remove port from services.api in environments/test.ts.",
      ],
    ],
    [
      'a privileged port',
      [fixture({ services: services({ port: 80 }) })],
      [
        "environment 'test': 'services.web.port' must leave ports 1024 to 65535 for all replicas (port + replicas - 1), got 80. Set services.web.port in environments/test.ts.",
      ],
    ],
    [
      'replicas that run past port 65535',
      [fixture({ services: services({ port: 65534, replicas: 3 }) })],
      [
        "environment 'test': 'services.web.port' must leave ports 1024 to 65535 for all replicas (port + replicas - 1), got 65534. Set services.web.port in environments/test.ts.",
      ],
    ],
    [
      "replicas that cover the registry's port",
      [fixture({ services: services({ port: 4999, replicas: 2 }) })],
      [
        "environment 'test': 'services.web.port' must not cover port 5000, which the local registry uses, got 4999. Set services.web.port in environments/test.ts.",
      ],
    ],
    [
      'port ranges of two environments that overlap',
      [
        fixture({ name: 'a', services: services({ port: 18080, replicas: 3 }) }),
        fixture({ name: 'b', services: services({ port: 18082 }) }),
      ],
      [
        "environment 'b': 'services.web.port' must not overlap the ports of environment 'a' service 'web' (18080-18082) on the same host, got 18082. Pick a free port range for 'b'.",
      ],
    ],
    [
      'an environment variable name starting with a digit',
      [fixture({ services: services({ env: { '1BAD': 'x' } }) })],
      [
        "environment 'test': 'services.web.env' names must be letters, digits and _, not starting with a digit, got '1BAD'. Rename that variable in environments/test.ts.",
      ],
    ],
    [
      'an environment variable value over two lines',
      [fixture({ services: services({ env: { GOOD: 'a\nb' } }) })],
      [
        "environment 'test': 'services.web.env.GOOD' must be a one-line string, got \"a\\nb\". Fix that value in environments/test.ts.",
      ],
    ],
    [
      'an approval record with lines that are not releases',
      [fixture({ approval: Approval.required('__tests__/fixtures/bad-approvals.txt') })],
      [
        "environment 'test': 'approval record __tests__/fixtures/bad-approvals.txt line 3' must name every image of the release once, 'api=sha256:<64 hex digits> web=sha256:<64 hex digits>', optionally followed by '# comment', got 'sha256:abc'. Fix or remove that line.",
        "environment 'test': 'approval record __tests__/fixtures/bad-approvals.txt line 4' must name every image of the release once, 'api=sha256:<64 hex digits> web=sha256:<64 hex digits>', optionally followed by '# comment', got 'latest'. Fix or remove that line.",
        "environment 'test': 'approval record __tests__/fixtures/bad-approvals.txt line 5' must name every image of the release once, 'api=sha256:<64 hex digits> web=sha256:<64 hex digits>', optionally followed by '# comment', got 'web=sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'. Fix or remove that line.",
      ],
    ],
  ])('rejects %s', (_case, environments, expected) => {
    expect(problems(...environments)).toEqual(expected);
  });

  test('collects the problems of every environment before throwing', () => {
    const bad = [
      fixture({ name: 'one', services: services({ replicas: 0 }) }),
      fixture({
        name: 'two',
        upstream: 'nowhere',
        services: services({ port: 19080 }, { replicas: 99 }),
      }),
    ];
    expect(problems(...bad)).toEqual([
      "environment 'one': 'services.web.replicas' must be a whole number from 1 to 20, got 0. Set services.web.replicas in environments/test.ts.",
      "environment 'two': 'upstream' must be 'image' or another environment (one), got 'nowhere'. Set upstream in environments/test.ts.",
      "environment 'two': 'services.api.replicas' must be a whole number from 1 to 20, got 99. Set services.api.replicas in environments/test.ts.",
    ]);
  });
});

describe('limits, publish address and secrets of an environment', () => {
  const withSecret = SERVICES.map((s) => (s.name === 'api' ? { ...s, secrets: ['API_TOKEN'] } : s));
  const qa = (extra: object, api: object = {}): EnvironmentConfig =>
    fixture({
      ...extra,
      services: { web: web({}), api: { replicas: 1, ...api } },
    } as Partial<EnvironmentConfig>);
  const check = (environment: EnvironmentConfig, services = SERVICES): readonly string[] => {
    try {
      validateEnvironments([environment], services, {
        projectRoot: PROJECT_ROOT,
        images: SAMPLE_IMAGE_NAMES,
        settings: SAMPLE_SETTINGS,
      });
    } catch (error) {
      if (error instanceof ConfigurationError) return error.problems;
      throw error;
    }
    throw new Error('validation passed, but a problem was expected');
  };
  const memory = 'must be a whole number of MiB from 6 to 1048576';
  const cpus = 'must be a number of CPUs from 0.01 to 256, e.g. 0.5';
  const address = "must be an IPv4 address of the host, or '0.0.0.0' for every address";
  const where = 'environments/test.ts';

  test.each<[string, EnvironmentConfig, string]>([
    [
      'no memory',
      qa({}, { memoryMb: 0 }),
      `environment 'test': 'services.api.memoryMb' ${memory}, got 0. Set services.api.memoryMb in ${where}.`,
    ],
    [
      'a fraction of a MiB',
      qa({}, { memoryMb: 1.5 }),
      `environment 'test': 'services.api.memoryMb' ${memory}, got 1.5. Set services.api.memoryMb in ${where}.`,
    ],
    [
      'memory NaN',
      qa({}, { memoryMb: NaN }),
      `environment 'test': 'services.api.memoryMb' must be a finite number or left out, got NaN. Fix it in ${where}.`,
    ],
    [
      'memory as text',
      qa({}, { memoryMb: '256m' }),
      `environment 'test': 'services.api.memoryMb' must be a number or left out, got '256m'. Fix it in ${where}.`,
    ],
    [
      'no CPU',
      qa({}, { cpus: 0 }),
      `environment 'test': 'services.api.cpus' ${cpus}, got 0. Set services.api.cpus in ${where}.`,
    ],
    [
      'more CPUs than a host has',
      qa({}, { cpus: 1000 }),
      `environment 'test': 'services.api.cpus' ${cpus}, got 1000. Set services.api.cpus in ${where}.`,
    ],
    [
      'infinite CPUs',
      qa({}, { cpus: Infinity }),
      `environment 'test': 'services.api.cpus' must be a finite number or left out, got Infinity. Fix it in ${where}.`,
    ],
    [
      'a host name as publish address',
      qa({ publishAddress: 'localhost' }),
      `environment 'test': 'publishAddress' ${address}, got 'localhost'. Set publishAddress in ${where}. Leave it unset for 127.0.0.1.`,
    ],
    [
      'an address out of range',
      qa({ publishAddress: '10.0.0.256' }),
      `environment 'test': 'publishAddress' ${address}, got '10.0.0.256'. Set publishAddress in ${where}. Leave it unset for 127.0.0.1.`,
    ],
    [
      'an IPv6 address',
      qa({ publishAddress: '::1' }),
      `environment 'test': 'publishAddress' ${address}, got '::1'. Set publishAddress in ${where}. Leave it unset for 127.0.0.1.`,
    ],
    [
      'an address as a number',
      qa({ publishAddress: 127001 }),
      `environment 'test': 'publishAddress' must be a string or left out, got 127001. Fix it in ${where}.`,
    ],
  ])('%s', (_, environment, message) => {
    expect(check(environment)).toEqual([message]);
  });

  test.each<[string, string, string]>([
    ['its value', 'API_TOKEN', 'API_TOKEN'],
    ['its file', 'API_TOKEN_FILE', 'API_TOKEN_FILE'],
  ])('an environment variable that is a secret (%s)', (_, name) => {
    expect(check(qa({}, { env: { [name]: 'x' } }), withSecret)).toEqual([
      `environment 'test': 'services.api.env.${name}' must not be set: service 'api' reads the secret API_TOKEN from it, got 'x'. Remove ${name} from services.api.env in ${where}; give the secret's value in TF_VAR_secret_api_token or the environment's secrets file.`,
    ]);
  });

  test('an address on Swarm, where a task publishes on every address of its node', () => {
    expect(() =>
      validateEnvironments([qa({ publishAddress: '0.0.0.0' })], SERVICES, {
        projectRoot: PROJECT_ROOT,
        images: SAMPLE_IMAGE_NAMES,
        settings: SAMPLE_SETTINGS,
        target: DeploymentTarget.swarm(),
      }),
    ).toThrow(
      new ConfigurationError([
        `environment 'test': 'publishAddress' must not be set on Swarm: a task publishes its port on every address of its node, got '0.0.0.0'. Remove publishAddress from ${where}; restrict the nodes' ports with the hosts' firewall.`,
      ]),
    );
  });
});

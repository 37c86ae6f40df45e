import { ServiceDefinition, SmokeTest } from '../lib';

/** The sample service's build context, relative to the project root. */
export const SERVICE_CONTEXT = 'service';

/** Repository of the sample service's image in the registry. */
export const REPOSITORY = 'sample-service';

const health = (port: number) => [
  'wget',
  '-q',
  '-O',
  '/dev/null',
  `http://127.0.0.1:${port}/cgi-bin/health`,
];

/**
 * The sample delivery: one image, two services. `web` is published and calls `api` over the
 * environment's network; its /cgi-bin/health answers only when api answers.
 */
export const SERVICES: readonly ServiceDefinition[] = [
  { name: 'api', port: 8080, healthCheck: health(8080) },
  {
    name: 'web',
    port: 8080,
    published: true,
    dependsOn: ['api'],
    env: { UPSTREAM_URL: 'http://api:8080/cgi-bin/health' },
    healthCheck: health(8080),
  },
];

/** After every deploy: the path through web and api answers. */
export const SMOKE_TESTS: readonly SmokeTest[] = [
  SmokeTest.http({ service: 'web', path: '/cgi-bin/health', bodyContains: 'upstream: ok api' }),
];

/** Inside the built image, before it is pushed: the server starts and serves its health page. */
export const IMAGE_SMOKE_TEST: readonly string[] = [
  'sh',
  '-c',
  'httpd -p 8080 -h /www && wget -q -O - http://127.0.0.1:8080/cgi-bin/health',
];

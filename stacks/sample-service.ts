import { join } from 'node:path';

import { DeliveryImageProps, ServiceDefinition, SmokeTest } from '../lib';

/**
 * The folder of the sample's build contexts, relative to the project root: one folder per image
 * (`web/`, `api/`), each with its Dockerfile.
 */
export const SERVICE_CONTEXT = 'service';

/** The sample's images: each built from its own folder of the service context. */
export const IMAGES = {
  web: { folder: 'web', repository: 'sample-web' },
  api: { folder: 'api', repository: 'sample-api' },
} as const;

/** How the sample's images are built, from the folder of their contexts (`web/`, `api/` in it). */
export function sampleImages(serviceContext = SERVICE_CONTEXT): {
  readonly [name: string]: DeliveryImageProps;
} {
  return Object.fromEntries(
    Object.entries(IMAGES).map(([name, { folder, repository }]) => [
      name,
      { context: join(serviceContext, folder), repository, smokeTest: IMAGE_SMOKE_TEST },
    ]),
  );
}

const health = (port: number) => [
  'wget',
  '-q',
  '-O',
  '/dev/null',
  `http://127.0.0.1:${port}/cgi-bin/health`,
];

/**
 * When the health checks run: every 3 s. Each check of web asks api too, and a check starts a
 * process in the container; one a second on every replica of every environment costs more than a
 * small host has to spare. The first check runs one interval after the start, so a deploy waits a
 * little longer for a new container to count as started.
 */
const CHECK_TIMING = { intervalSeconds: 3 };

/**
 * The sample delivery: two images, two services. `web` is published and calls `api` over the
 * environment's network; its /cgi-bin/health answers only when api answers.
 */
export const SERVICES: readonly ServiceDefinition[] = [
  {
    name: 'api',
    image: 'api',
    port: 8080,
    healthCheck: health(8080),
    healthCheckTiming: CHECK_TIMING,
  },
  {
    name: 'web',
    image: 'web',
    port: 8080,
    published: true,
    dependsOn: ['api'],
    env: { UPSTREAM_URL: 'http://api:8080/cgi-bin/health' },
    healthCheck: health(8080),
    healthCheckTiming: CHECK_TIMING,
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

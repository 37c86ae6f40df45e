/**
 * The pipeline, for real: the cdktf CLI deploys the app to the local Docker engine and registry,
 * exactly as a user runs it, and the running system is checked over HTTP and through docker.
 * The steps build on each other and run in order; afterAll destroys everything, pass or fail.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { review } from '../../environments/review';
import {
  cdktf,
  containerNames,
  deploy,
  docker,
  httpGet,
  networkNames,
  sh,
  watchImageEvents,
} from '../helpers/cli';
import {
  repoDigests,
  runningImages,
  serviceImages,
  SERVICE_REPOSITORY,
  STATE,
  TestDeployment,
  URLS,
  verifiedImage,
} from '../helpers/deployment';

jest.setTimeout(15 * 60 * 1000);

const REVIEW = 'e2e';
const deployment = new TestDeployment([REVIEW]);
const env = deployment.env;
const setService = (change: (dir: string) => void) => deployment.setService(change);

beforeAll(() => deployment.start());
afterAll(() => deployment.cleanUp());

describe('the pipeline, deployed with the cdktf CLI', () => {
  let first: { image: string; tag: string };

  test('each stage alone: staging before dev has verified anything fails, saying what to deploy first', async () => {
    const result = await cdktf(['deploy', 'staging'], env);
    expect(result.code).toBe(1);
    expect(result.output.replace(/\s+/g, ' ')).toContain(
      `The upstream stage dev has not been deployed yet (no state at ${STATE}/dev.tfstate), so it has ` +
        'verified no image. Deploy it first: cdktf deploy dev.',
    );
    expect(await runningImages('staging')).toEqual([]);
  });

  test('build once: the image stage builds and pushes one image; dev, staging and a review env build none and run its digest', async () => {
    // This run's service content is unique, so its image cannot come from an earlier run.
    const imagesBefore = await serviceImages();
    const events = await watchImageEvents(SERVICE_REPOSITORY);
    await deploy('image', env);
    first = { image: verifiedImage('image') ?? '', tag: '' };
    expect(first.image).toMatch(/^127\.0\.0\.1:5000\/sample-service@sha256:[0-9a-f]{64}$/);
    const built = (await serviceImages()).filter((id) => !imagesBefore.includes(id));
    expect(built).toHaveLength(1);

    await deploy('dev', env);
    await deploy('staging', env);
    await deploy(`review-${REVIEW}`, env);
    expect((await serviceImages()).filter((id) => !imagesBefore.includes(id))).toEqual(built);
    expect((await events.stop()).filter((e) => !e.startsWith('pull '))).toEqual([
      'push 127.0.0.1:5000/sample-service',
    ]);

    const ids = [
      ...(await runningImages('dev')),
      ...(await runningImages('staging')),
      ...(await runningImages(`review-${REVIEW}`)),
    ];
    expect(new Set(ids).size).toBe(1);
    expect(await repoDigests(ids[0])).toContain(first.image);

    first.tag = (await httpGet(`${URLS.dev}/cgi-bin/version`)).body.trim();
    expect(first.tag).toMatch(/^[0-9a-f]{12}$/);
    expect((await httpGet(`${URLS.staging}/cgi-bin/version`)).body.trim()).toBe(first.tag);
    expect(verifiedImage('dev')).toBe(first.image);
    expect(verifiedImage('staging')).toBe(first.image);
  });

  test('multi-service: web answers through api on every replica, and staging runs two web replicas', async () => {
    for (const url of [
      `${URLS.dev}/cgi-bin/health`,
      `${URLS.staging}/cgi-bin/health`,
      'http://127.0.0.1:8181/cgi-bin/health',
    ]) {
      const health = await httpGet(url);
      expect(health).toEqual({ status: 200, body: 'ok web (upstream: ok api )\n' });
    }
    // The delivery's own variables, and dev's, reach the running container.
    const env = (await docker('inspect', '--format', '{{json .Config.Env}}', 'dev-web-0')).trim();
    expect(JSON.parse(env)).toEqual(
      expect.arrayContaining([
        'UPSTREAM_URL=http://api:8080/cgi-bin/health',
        'SERVICE_NAME=web',
        'GREETING=hello from dev',
        'LOG_LEVEL=debug',
      ]),
    );
    expect(await containerNames()).toEqual(
      expect.arrayContaining([
        'dev-api-0',
        'dev-web-0',
        'staging-api-0',
        'staging-web-0',
        'staging-web-1',
      ]),
    );
  });

  test('approval: prod refuses an unapproved digest and changes nothing, then deploys it once approved', async () => {
    const refused = await cdktf(['deploy', 'prod'], env);
    expect(refused.code).toBe(1);
    const digest = first.image.split('@')[1];
    expect(refused.output.replace(/\s+/g, ' ')).toContain(
      `${digest} is not approved for prod. Approve it with: npm run approve -- prod ${digest}`,
    );
    expect(await runningImages('prod')).toEqual([]);

    const approve = await sh('npm', ['run', '-s', 'approve', '--', 'prod', first.image]);
    expect(approve.code).toBe(0);
    await deploy('prod', env);
    expect((await httpGet(`${URLS.prod}/cgi-bin/version`)).body.trim()).toBe(first.tag);
    expect(verifiedImage('prod')).toBe(first.image);
  });

  test("the sample's own resource: each environment's data volume, sized and labelled by its settings", async () => {
    const volumes: Record<string, { options: unknown; labels: unknown }> = {};
    for (const environment of ['dev', 'staging', 'prod', `review-${REVIEW}`]) {
      const [inspected] = JSON.parse(await docker('volume', 'inspect', `${environment}-data`)) as {
        Options: unknown;
        Labels: unknown;
      }[];
      volumes[environment] = { options: inspected.Options, labels: inspected.Labels };
    }
    const volume = (environment: string, size: number, retention: string) => ({
      options: { type: 'tmpfs', device: 'tmpfs', o: `size=${size}m` },
      labels: { 'cdktf-pipeline.environment': environment, 'sample.retention': retention },
    });
    expect(volumes).toEqual({
      dev: volume('dev', 16, '7d'),
      staging: volume('staging', 32, '7d'),
      prod: volume('prod', 64, '30d'),
      [`review-${REVIEW}`]: volume(`review-${REVIEW}`, 8, '1d'),
    });
  });

  test('idempotency: right after the deploys, cdktf diff reports no changes for every stack', async () => {
    for (const stack of ['image', 'dev', 'staging', 'prod', `review-${REVIEW}`]) {
      const diff = await cdktf(['diff', stack], env);
      expect({ stack, code: diff.code }).toEqual({ stack, code: 0 });
      expect(diff.output).toContain('No changes.');
    }
  });

  test('review environments: review-e2e answers on its own port, and destroy removes all it made and nothing else', async () => {
    const health = await httpGet(
      `http://127.0.0.1:${review(REVIEW).services.web.port}/cgi-bin/health`,
    );
    expect(health.status).toBe(200);
    const othersBefore = await docker(
      'ps',
      '-q',
      '--no-trunc',
      '--filter',
      'label=cdktf-pipeline.environment=staging',
    );

    const result = await cdktf(['destroy', `review-${REVIEW}`], env);
    expect(result.code).toBe(0);
    expect((await containerNames()).filter((n) => n.startsWith(`review-${REVIEW}-`))).toEqual([]);
    expect(await networkNames()).not.toContain(`review-${REVIEW}-net`);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n');
    expect(volumes).not.toContain(`review-${REVIEW}-data`);
    expect(volumes).toContain('staging-data');
    const state = JSON.parse(readFileSync(join(STATE, `review-${REVIEW}.tfstate`), 'utf8')) as {
      resources: unknown[];
    };
    expect(state.resources).toEqual([]);
    expect(
      await docker(
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        'label=cdktf-pipeline.environment=staging',
      ),
    ).toBe(othersBefore);
    expect((await httpGet(`${URLS.dev}/cgi-bin/health`)).status).toBe(200);
  });

  test('smoke tests gate promotion: a broken service fails dev, names the check, and staging keeps the verified digest', async () => {
    // Healthy inside the image and to docker's health check, but the path through api is broken.
    setService((dir) => {
      const health = join(dir, 'www', 'cgi-bin', 'health');
      writeFileSync(
        health,
        readFileSync(health, 'utf8').replace('upstream: $upstream', 'upstream: broken'),
      );
    });
    await deploy('image', env);
    const broken = verifiedImage('image');
    expect(broken).not.toBe(first.image);

    const failed = await cdktf(['deploy', 'dev'], env);
    expect(failed.code).toBe(1);
    expect(failed.output.replace(/\s+/g, ' ')).toContain(
      `smoke test 'web/cgi-bin/health' failed: GET ${URLS.dev}/cgi-bin/health expected status 200 and a body containing 'upstream: ok api'; received status 200, body: ok web (upstream: broken)`,
    );
    expect(verifiedImage('dev')).toBe(first.image);

    await deploy('staging', env);
    expect(await repoDigests((await runningImages('staging'))[0])).toContain(first.image);
    expect((await httpGet(`${URLS.staging}/cgi-bin/version`)).body.trim()).toBe(first.tag);
  });

  test('promotion of a new digest: a fixed service goes image -> dev -> staging -> prod, each after the previous verified it', async () => {
    setService((dir) => writeFileSync(join(dir, 'www', 'index.html'), '<p>version 2</p>\n'));
    await deploy('image', env);
    const next = verifiedImage('image') ?? '';
    expect(next).not.toBe(first.image);

    await deploy('dev', env);
    expect(verifiedImage('dev')).toBe(next);
    expect(verifiedImage('staging')).toBe(first.image);
    await deploy('staging', env);
    expect(verifiedImage('staging')).toBe(next);

    // Refused for exactly this reason: the new digest is not approved yet.
    const refusedAgain = await cdktf(['deploy', 'prod'], env);
    expect(refusedAgain.code).toBe(1);
    const nextDigest = next.split('@')[1];
    expect(refusedAgain.output.replace(/\s+/g, ' ')).toContain(
      `${nextDigest} is not approved for prod. Approve it with: npm run approve -- prod ${nextDigest}`,
    );
    expect(verifiedImage('prod')).toBe(first.image);
    expect((await sh('npm', ['run', '-s', 'approve', '--', 'prod', next])).code).toBe(0);
    await deploy('prod', env);
    expect(verifiedImage('prod')).toBe(next);

    const tag = (await httpGet(`${URLS.dev}/cgi-bin/version`)).body.trim();
    expect(tag).not.toBe(first.tag);
    for (const url of [URLS.staging, URLS.prod]) {
      expect((await httpGet(`${url}/cgi-bin/version`)).body.trim()).toBe(tag);
    }
    expect((await httpGet(`${URLS.prod}/`)).body).toBe('<p>version 2</p>\n');
  });
});

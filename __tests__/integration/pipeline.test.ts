/**
 * The pipeline, for real: the cdktf CLI deploys the app to the local Docker engine and registry,
 * exactly as a user runs it, and the running system is checked over HTTP and through docker.
 * The steps build on each other and run in order; afterAll destroys everything, pass or fail.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { review } from '../../environments/review';
import { PROJECT_ROOT } from '../../lib/private/paths';
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

jest.setTimeout(15 * 60 * 1000);

const REVIEW = 'e2e';
const APPROVALS = join(PROJECT_ROOT, 'approvals', 'prod.txt');
const STATE = join(PROJECT_ROOT, '.pipeline', 'state');
const URLS = {
  dev: 'http://127.0.0.1:8080',
  staging: 'http://127.0.0.1:8180',
  prod: 'http://127.0.0.1:8280',
};

/** The service's build context: a copy, so that tests can change the service. */
const context = mkdtempSync(join(tmpdir(), 'e2e-service-'));
const env = { PIPELINE_SERVICE_CONTEXT: context, PIPELINE_REVIEW_IDS: REVIEW };

/** The verified image a stage published, read from its state file. */
function verifiedImage(stage: string): string | undefined {
  const file = join(STATE, `${stage}.tfstate`);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    outputs: Record<string, { value: string }>;
  };
  return state.outputs.verified_image?.value;
}

/** Image IDs of an environment's running containers. */
async function runningImages(environment: string): Promise<string[]> {
  const ids = await docker(
    'ps',
    '-q',
    '--filter',
    `label=cdktf-pipeline.environment=${environment}`,
  );
  if (!ids) return [];
  return [
    ...new Set((await docker('inspect', '--format', '{{.Image}}', ...ids.split('\n'))).split('\n')),
  ];
}

/** The repo digest (`registry/repo@sha256:...`) of an image ID. */
async function repoDigests(imageId: string): Promise<string[]> {
  return JSON.parse(
    await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', imageId),
  ) as string[];
}

/** Unique per run, so that this run's image is built here, not found from an earlier run. */
const RUN_ID = `${Date.now()}-${process.pid}`;

/** IDs of the service's images on the engine (a build makes a new one). */
async function serviceImages(): Promise<string[]> {
  const out = await docker(
    'images',
    '--no-trunc',
    '--format',
    '{{.ID}}',
    '127.0.0.1:5000/sample-service',
  );
  return [...new Set(out.split('\n').filter(Boolean))].sort();
}

function setService(change: (dir: string) => void) {
  rmSync(context, { recursive: true, force: true });
  cpSync(join(PROJECT_ROOT, 'service'), context, { recursive: true });
  writeFileSync(join(context, 'www', 'run.txt'), `${RUN_ID}\n`);
  change(context);
}

let before: { containers: string[]; networks: string[]; approvals: string };

beforeAll(async () => {
  const deployed = existsSync(STATE)
    ? readdirSync(STATE).filter((f) => f.endsWith('.tfstate'))
    : [];
  const running = await docker('ps', '-a', '-q', '--filter', 'label=cdktf-pipeline.environment');
  if (deployed.length > 0 || running) {
    throw new Error(
      'The end-to-end tests deploy every stage themselves, but this clone or this Docker engine already has a deployment ' +
        `(state: ${deployed.join(', ') || 'none'}; containers: ${running ? running.split('\n').length : 0}). ` +
        'Run npm run down first (it destroys what this clone deployed).',
    );
  }
  before = {
    containers: await containerNames(),
    networks: await networkNames(),
    approvals: readFileSync(APPROVALS, 'utf8'),
  };
  setService(() => undefined);
});

afterAll(async () => {
  writeFileSync(APPROVALS, before.approvals);
  for (const stack of ['prod', 'staging', `review-${REVIEW}`, 'dev', 'image']) {
    if (existsSync(join(STATE, `${stack}.tfstate`))) {
      const result = await cdktf(['destroy', stack], env);
      if (result.code !== 0) console.error(`cleanup: destroy ${stack} failed:\n${result.output}`);
    }
  }
  rmSync(STATE, { recursive: true, force: true });
  rmSync(context, { recursive: true, force: true });
  expect(await containerNames()).toEqual(before.containers);
  expect(await networkNames()).toEqual(before.networks);
});

describe('the pipeline, deployed with the cdktf CLI', () => {
  let first: { image: string; tag: string };

  test('each stage alone: staging before dev has verified anything fails, saying what to deploy first', async () => {
    const result = await cdktf(['deploy', 'staging'], env);
    expect(result.code).not.toBe(0);
    expect(result.output.replace(/\s+/g, ' ')).toContain(
      `The upstream stage dev has not been deployed yet (no state at ${STATE}/dev.tfstate), so it has ` +
        'verified no image. Deploy it first: cdktf deploy dev.',
    );
    expect(await runningImages('staging')).toEqual([]);
  });

  test('build once: the image stage builds and pushes one image; dev, staging and a review env build none and run its digest', async () => {
    // This run's service content is unique, so its image cannot come from an earlier run.
    const imagesBefore = await serviceImages();
    const events = await watchImageEvents();
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
    expect(refused.code).not.toBe(0);
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
    expect(failed.code).not.toBe(0);
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

    expect((await cdktf(['deploy', 'prod'], env)).code).not.toBe(0);
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

/**
 * The pipeline, for real: the cdktf CLI deploys the app to the local Docker engine and registry,
 * exactly as a user runs it, and the running system is checked over HTTP and through docker. It
 * deploys a copy of this project in a lane of its own (names `pipe-`, 127.0.0.4, repositories
 * `-pipe`), so it runs beside the other suites. The steps build on each other and run in order;
 * afterAll destroys everything, pass or fail.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { review } from '../../environments/review';
import { Release, releaseId } from '../../lib';
import { Deployment, EnvironmentStatus, StatusView } from '../../lib/operations';
import {
  cdktf,
  containerNames,
  deploy as deployIn,
  docker,
  expectSuccess,
  httpGet,
  networkNames,
  sh,
  watchImageEvents,
} from '../helpers/cli';
import {
  environmentContainers,
  runs as runsOf,
  runningImages as runningImagesOf,
  serviceImages as serviceImagesIn,
  serviceImagesOf as serviceImagesOfLabel,
  verifiedRelease as verifiedIn,
} from '../helpers/deployment';
import {
  claimEnvironments,
  engineObjectsOf,
  enterLane,
  laneNames,
  LANES,
  laneRepository,
  laneUrl,
} from '../helpers/lane';
import { pipelineEnv, projectCopy } from '../helpers/project-copy';

jest.setTimeout(15 * 60 * 1000);

/** This suite's lane: it runs beside the other suites on one engine. */
const LANE = LANES.pipeline;
const P = LANE.namePrefix;
const REVIEW = 'e2e';
const URLS = {
  dev: laneUrl(LANE, 8080),
  staging: laneUrl(LANE, 8180),
  prod: laneUrl(LANE, 8280),
};
const REPOSITORIES = {
  web: `127.0.0.1:5000/${laneRepository(LANE, 'web')}`,
  api: `127.0.0.1:5000/${laneRepository(LANE, 'api')}`,
};
const DOCKER_NAMES = laneNames(LANE, ['dev', 'staging', 'prod', `review-${REVIEW}`]);

let copy = '';
let state = '';
/** The images' build contexts (web/, api/): a copy per change, unique to this run. */
const context = mkdtempSync(join(tmpdir(), 'pipeline-service-'));
const runId = `${Date.now()}-${process.pid}`;
let env: NodeJS.ProcessEnv = {};
let before: { containers: string[]; networks: string[] } | undefined;

/**
 * Replaces the images' contexts with a fresh copy of the sample service, unique to this run (so
 * that both images are built here, not found from an earlier run), then lets `change` edit it.
 */
function setService(change: (dir: string) => void = () => undefined): void {
  rmSync(context, { recursive: true, force: true });
  cpSync(join(copy, 'service'), context, { recursive: true });
  for (const image of ['web', 'api']) {
    writeFileSync(join(context, image, 'www', 'run.txt'), `${runId}\n`);
  }
  change(context);
}

beforeAll(async () => {
  copy = await projectCopy('pipeline-');
  state = join(copy, '.pipeline', 'state');
  const laneEnv = enterLane(copy, LANE);
  expectSuccess(await sh('scripts/setup', [], {}, copy));
  env = {
    ...pipelineEnv(copy),
    ...laneEnv,
    PIPELINE_SERVICE_CONTEXT: context,
    PIPELINE_REVIEW_IDS: REVIEW,
  };
  before = await claimEnvironments(DOCKER_NAMES);
  setService();
});

afterAll(async () => {
  if (!before) return;
  const down = await cli('teardown', '--yes');
  rmSync(copy, { recursive: true, force: true });
  rmSync(context, { recursive: true, force: true });
  expectSuccess(down);
  expect(await engineObjectsOf(DOCKER_NAMES)).toEqual(before);
});

/** The copy's CLI, with the suite's environment. */
const cli = (...args: string[]) =>
  sh(join(copy, 'node_modules', '.bin', 'cdktf-pipeline'), args, env, copy);
/** `cdktf deploy STACK` in the copy. */
const deploy = (stack: string) => deployIn(stack, env, copy);
/** The readers of what is deployed, for this lane's environments and state. */
const verifiedRelease = (stage: string) => verifiedIn(stage, state);
const runningImages = (environment: string) => runningImagesOf(`${P}${environment}`);
const runs = (environment: string) => runsOf(`${P}${environment}`);
const serviceImagesOf = (environment: string) => serviceImagesOfLabel(`${P}${environment}`);
const serviceImages = () => serviceImagesIn(REPOSITORIES);

/** `status --json`: every environment's row, by name. */
async function status(): Promise<Record<string, EnvironmentStatus>> {
  const result = await cli('status', '--json');
  expectSuccess(result);
  const view = JSON.parse(result.output) as StatusView;
  return Object.fromEntries(view.environments.map((e) => [e.environment, e]));
}

/** The digest of a digest reference, `<repository>@sha256:…` → `sha256:…`. */
const digestOf = (image = '') => image.slice(image.indexOf('@') + 1);

/** web's health page when the path through api works. */
const HEALTHY = { status: 200, body: 'ok web (upstream: ok api )\n' };

describe('the pipeline, deployed with the cdktf CLI', () => {
  /** Release 1: web v1 and api v1, as the image stage built them; web's tag. */
  let first: Release = {};
  let tag = '';

  test('each stage alone: staging before dev has verified anything fails, saying what to deploy first', async () => {
    const result = await cdktf(['deploy', 'staging'], env, copy);
    expect(result.code).toBe(1);
    expect(result.output.replace(/\s+/g, ' ')).toContain(
      `The upstream stage dev has not been deployed yet (no state at ${state}/dev.tfstate), so it has ` +
        'verified no release. Deploy it first: cdktf deploy dev.',
    );
    expect(await runningImages('staging')).toEqual([]);
  });

  test('build once: the image stage builds and pushes each image once; dev, staging and a review env build none and run the release', async () => {
    // This run's contexts are unique, so their images cannot come from an earlier run.
    const imagesBefore = await serviceImages();
    const events = await watchImageEvents(Object.values(REPOSITORIES));
    await deploy('image');
    first = verifiedRelease('image') ?? {};
    expect(first).toEqual({
      api: expect.stringMatching(/^127\.0\.0\.1:5000\/sample-api-pipe@sha256:[0-9a-f]{64}$/),
      web: expect.stringMatching(/^127\.0\.0\.1:5000\/sample-web-pipe@sha256:[0-9a-f]{64}$/),
    });
    const built = (await serviceImages()).filter((id) => !imagesBefore.includes(id));
    expect(built).toHaveLength(2);

    await deploy('dev');
    await deploy('staging');
    await deploy(`review-${REVIEW}`);
    expect((await serviceImages()).filter((id) => !imagesBefore.includes(id))).toEqual(built);
    expect((await events.stop()).filter((e) => !e.startsWith('pull ')).sort()).toEqual([
      `push ${REPOSITORIES.api}`,
      `push ${REPOSITORIES.web}`,
    ]);

    // Every environment runs each service from its image of the release.
    for (const environment of ['dev', 'staging', `review-${REVIEW}`]) {
      expect(await runs(environment)).toEqual({
        api: [first.api],
        web: [first.web],
      });
    }
    tag = (await httpGet(`${URLS.dev}/cgi-bin/version`)).body.trim();
    expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect((await httpGet(`${URLS.staging}/cgi-bin/version`)).body.trim()).toBe(tag);
    expect(verifiedRelease('dev')).toEqual(first);
    expect(verifiedRelease('staging')).toEqual(first);
  });

  test('multi-service: web answers through api on every replica, and staging runs two web replicas', async () => {
    for (const url of [
      `${URLS.dev}/cgi-bin/health`,
      `${URLS.staging}/cgi-bin/health`,
      `${laneUrl(LANE, 8181)}/cgi-bin/health`,
    ]) {
      expect(await httpGet(url)).toEqual(HEALTHY);
    }
    // The delivery's own variables, and dev's, reach the running container.
    const env = (
      await docker('inspect', '--format', '{{json .Config.Env}}', `${P}dev-web-0`)
    ).trim();
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
        `${P}dev-api-0`,
        `${P}dev-web-0`,
        `${P}staging-api-0`,
        `${P}staging-web-0`,
        `${P}staging-web-1`,
      ]),
    );
  });

  test('approval: prod refuses a release nobody approved, naming it and each image, and changes nothing; then deploys it once approved by its id', async () => {
    const id = releaseId(first);
    const refused = await cdktf(['deploy', 'prod'], env, copy);
    expect(refused.code).toBe(1);
    expect(refused.output.replace(/\s+/g, ' ')).toContain(
      `Release ${id} is not approved for prod: not approved: api ${digestOf(first.api)}, web ${digestOf(first.web)}. ` +
        `Approve it with: npm run approve -- prod ${id} (commit the record), then deploy again.`,
    );
    expect(await runningImages('prod')).toEqual([]);

    const approve = await sh('npm', ['run', '-s', 'approve', '--', 'prod', id], env, copy);
    expectSuccess(approve);
    // Through the package's CLI, which records the deploy in the promotion history.
    const deployed = await cli('deploy', 'prod');
    expectSuccess(deployed);
    expect(deployed.output).toContain(
      `[deploy] deploying prod: release ${releaseId(first)} (api ${digestOf(first.api).slice(0, 19)}, web ${digestOf(first.web).slice(0, 19)}) from staging\n`,
    );
    expect(deployed.output).toContain(
      `[deploy]   api: ${first.api}\n[deploy]   web: ${first.web}\n`,
    );
    expect((await httpGet(`${URLS.prod}/cgi-bin/version`)).body.trim()).toBe(tag);
    expect(verifiedRelease('prod')).toEqual(first);
    expect(await runs('prod')).toEqual({ api: [first.api], web: [first.web] });
  });

  test("the sample's own resource: each environment's data volume, sized and labelled by its settings", async () => {
    const volumes: Record<string, { options: unknown; labels: unknown }> = {};
    for (const environment of ['dev', 'staging', 'prod', `review-${REVIEW}`]) {
      const [inspected] = JSON.parse(
        await docker('volume', 'inspect', `${P}${environment}-data`),
      ) as {
        Options: unknown;
        Labels: unknown;
      }[];
      volumes[environment] = { options: inspected.Options, labels: inspected.Labels };
    }
    const volume = (environment: string, size: number, retention: string) => ({
      options: { type: 'tmpfs', device: 'tmpfs', o: `size=${size}m` },
      labels: { 'cdktf-pipeline.environment': `${P}${environment}`, 'sample.retention': retention },
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
      const diff = await cdktf(['diff', stack], env, copy);
      expect({ stack, code: diff.code }).toEqual({ stack, code: 0 });
      expect(diff.output).toContain('No changes.');
    }
  });

  test('review environments: review-e2e answers on its own port, and destroy removes all it made and nothing else', async () => {
    const port = review(REVIEW).services.web.port;
    if (port === undefined) throw new Error(`review-${REVIEW} publishes no port for web`);
    expect(await httpGet(`${laneUrl(LANE, port)}/cgi-bin/health`)).toEqual(HEALTHY);
    // The port is the review's own: its web container publishes it on the lane's address, no
    // other container does (other lanes publish on addresses of their own).
    expect(await docker('port', `${P}review-${REVIEW}-web-0`, '8080/tcp')).toBe(
      `${LANE.address}:${port}`,
    );
    const publishers = await docker('ps', '--filter', `publish=${port}`, '--format', '{{.Ports}}');
    expect(
      publishers.split('\n').filter((ports) => ports.includes(`${LANE.address}:${port}->`)),
    ).toHaveLength(1);
    const othersBefore = await docker(
      'ps',
      '-q',
      '--no-trunc',
      '--filter',
      `label=cdktf-pipeline.environment=${P}staging`,
    );

    const result = await cdktf(['destroy', `review-${REVIEW}`], env, copy);
    expect(result.code).toBe(0);
    expect((await containerNames()).filter((n) => n.startsWith(`${P}review-${REVIEW}-`))).toEqual(
      [],
    );
    expect(await networkNames()).not.toContain(`${P}review-${REVIEW}-net`);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n');
    expect(volumes).not.toContain(`${P}review-${REVIEW}-data`);
    expect(volumes).toContain(`${P}staging-data`);
    const destroyed = JSON.parse(readFileSync(join(state, `review-${REVIEW}.tfstate`), 'utf8')) as {
      resources: unknown[];
    };
    expect(destroyed.resources).toEqual([]);
    expect(
      await docker(
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        `label=cdktf-pipeline.environment=${P}staging`,
      ),
    ).toBe(othersBefore);
    expect((await httpGet(`${URLS.dev}/cgi-bin/health`)).status).toBe(200);
  });

  test('smoke tests gate promotion: a release whose api breaks the path through web fails dev; dev keeps release 1, both digests, and staging is untouched', async () => {
    // The api is healthy inside its image and to docker's health check, but says it is broken.
    setService((dir) => {
      const health = join(dir, 'api', 'www', 'cgi-bin', 'health');
      writeFileSync(health, readFileSync(health, 'utf8').replace('echo "ok ', 'echo "broken '));
    });
    const events = await watchImageEvents(Object.values(REPOSITORIES));
    await deploy('image');
    // Only the api changed: only its image was built and pushed; web's digest is release 1's.
    expect((await events.stop()).filter((e) => e.startsWith('push '))).toEqual([
      `push ${REPOSITORIES.api}`,
    ]);
    const broken = verifiedRelease('image') ?? {};
    expect(broken.web).toBe(first.web);
    expect(broken.api).not.toBe(first.api);

    const stagingBefore = await environmentContainers([`${P}staging`]);
    const failed = await cdktf(['deploy', 'dev'], env, copy);
    expect(failed.code).toBe(1);
    expect(failed.output.replace(/\s+/g, ' ')).toContain(
      `smoke test 'web/cgi-bin/health' failed: GET ${URLS.dev}/cgi-bin/health expected status 200 and a body containing 'upstream: ok api'; received status 200, body: ok web (upstream: broken api )`,
    );
    expect(verifiedRelease('dev')).toEqual(first);
    // The state says that dev runs the broken release, unverified, and still promotes release 1.
    const rows = await status();
    expect(rows.dev).toMatchObject({
      runs: broken,
      runsId: releaseId(broken),
      verifiedRelease: first,
      verifiedReleaseId: releaseId(first),
      verified: false,
    });

    // staging has nothing new to deploy: it keeps release 1, every container as it was.
    await deploy('staging');
    expect(verifiedRelease('staging')).toEqual(first);
    expect(await environmentContainers([`${P}staging`])).toEqual(stagingBefore);
    expect(await runs('staging')).toEqual({ api: [first.api], web: [first.web] });
  });

  test('release 2, only the api changed: built alone, promoted with web v1 to dev and staging, refused by prod naming the api, then deployed there once approved', async () => {
    setService((dir) => writeFileSync(join(dir, 'api', 'www', 'release.txt'), '2\n'));
    const events = await watchImageEvents(Object.values(REPOSITORIES));
    await deploy('image');
    expect((await events.stop()).filter((e) => e.startsWith('push '))).toEqual([
      `push ${REPOSITORIES.api}`,
    ]);
    const second = verifiedRelease('image') ?? {};
    expect(second.web).toBe(first.web);
    expect(second.api).not.toBe(first.api);
    const id = releaseId(second);

    await deploy('dev');
    expect(verifiedRelease('dev')).toEqual(second);
    expect(verifiedRelease('staging')).toEqual(first);
    await deploy('staging');
    expect(verifiedRelease('staging')).toEqual(second);
    // prod waits: the status names the release, what changed in it, and that it is not approved.
    expect((await status()).prod).toMatchObject({
      verifiedReleaseId: releaseId(first),
      waiting: second,
      waitingId: id,
      waitingChanged: ['api'],
      waitingApproved: false,
    });
    // Refused for exactly this reason: the api of release 2 is not approved (web was, in release 1).
    const refused = await cdktf(['deploy', 'prod'], env, copy);
    expect(refused.code).toBe(1);
    expect(refused.output.replace(/\s+/g, ' ')).toContain(
      `Release ${id} is not approved for prod: not approved: api ${digestOf(second.api)}. ` +
        `Approve it with: npm run approve -- prod ${id} (commit the record), then deploy again.`,
    );
    expect(verifiedRelease('prod')).toEqual(first);

    expectSuccess(await sh('npm', ['run', '-s', 'approve', '--', 'prod', id], env, copy));
    const webBefore = (await serviceImagesOf('prod')).web;
    expectSuccess(await cli('deploy', 'prod'));
    expect(verifiedRelease('prod')).toEqual(second);
    // prod runs web v1 and api v2: web's image is the one it ran, and it answers through api v2.
    expect(await runs('prod')).toEqual({ api: [second.api], web: [first.web] });
    expect((await serviceImagesOf('prod')).web).toEqual(webBefore);
    expect((await httpGet(`${URLS.prod}/cgi-bin/version`)).body.trim()).toBe(tag);
    expect(await httpGet(`${URLS.prod}/cgi-bin/health`)).toEqual(HEALTHY);

    // prod's history: both releases, newest first, with their digests and what changed.
    const history = await cli('history', 'prod', '--json');
    expectSuccess(history);
    const deploys = JSON.parse(history.output) as Deployment[];
    expect(
      deploys.map((d) => ({
        id: d.releaseId,
        release: d.release,
        changed: d.changed,
        outcome: d.outcome,
      })),
    ).toEqual([
      { id, release: second, changed: ['api'], outcome: 'verified' },
      { id: releaseId(first), release: first, changed: undefined, outcome: 'verified' },
    ]);
    expect(deploys[0].approval).toMatch(
      new RegExp(
        `^api=${digestOf(second.api)} web=${digestOf(second.web)} # release ${id} approved by `,
      ),
    );
    const table = await cli('history', 'prod');
    expectSuccess(table);
    expect(table.output).toContain(
      `${id} (api ${digestOf(second.api).slice(0, 19)}, web ${digestOf(first.web).slice(0, 19)})  api `,
    );
  });
});

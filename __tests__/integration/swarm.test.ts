/**
 * The Swarm deployment target, deployed for real on a single-node swarm: a small delivery built
 * with the package's public API in a temporary project (two services, two environments, web
 * published and with two replicas in the second), deployed with the CLI. A new digest rolls out;
 * a digest whose containers never become healthy rolls back by itself while a client on the
 * environment's overlay network keeps calling the service. Every Docker object here is named
 * `swarmx-...` and every host port is 19xxx. The tests build on each other and run in order;
 * afterAll destroys everything, pass or fail, and leaves the swarm when it made it.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CommandResult, docker, expectSuccess, httpGet, sh } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/test-app';

jest.setTimeout(20 * 60 * 1000);

const project = mkdtempSync(join(tmpdir(), 'swarmx-e2e-'));
const QA = 'swarmx-qa';
const LIVE = 'swarmx-live';
const URLS = { [QA]: 'http://127.0.0.1:19080', [LIVE]: 'http://127.0.0.1:19180' };
const REPOSITORY = 'swarmx-service';
const BASE_IMAGE = 'cdktf-pipeline/busybox:1.35';
let madeSwarm = false;
/** The engine's networks before the tests, to leave as they were. */
let networksBefore: string[] = [];
const probes: string[] = [];
/** Stops the published-port probes still running when a test fails. */
const stoppers: (() => Promise<unknown>)[] = [];

/** The delivery, with the package's public API only. */
const MAIN = `import { App } from 'cdktf';
import { Approval, Delivery, DeploymentTarget, SmokeTest, StateStore } from '${join(PROJECT_ROOT, 'lib')}';

const environment = (name: string, upstream: string, port: number, replicas: number) => ({
  name,
  upstream,
  approval: Approval.none(),
  services: { web: { replicas, port }, api: { replicas: 1 } },
  source: 'main.ts',
});
const app = new App();
new Delivery(app, 'Delivery', {
  image: { context: 'service', repository: '${REPOSITORY}' },
  services: [
    { name: 'api', port: 8080 },
    {
      name: 'web',
      port: 8080,
      published: true,
      dependsOn: ['api'],
      healthCheck: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health.txt'],
    },
  ],
  smokeTests: [SmokeTest.http({ service: 'web', path: '/version.txt' })],
  environments: [
    environment('${QA}', 'image', 19080, 1),
    environment('${LIVE}', '${QA}', 19180, 2),
  ],
  state: StateStore.local(),
  target: DeploymentTarget.swarm(),
});
app.synth();
`;

/** Writes the service: it serves `version`, and is healthy only when `healthy` (web's check). */
function setService(version: string, healthy = true): void {
  const www = join(project, 'service', 'www');
  rmSync(join(project, 'service'), { recursive: true, force: true });
  mkdirSync(www, { recursive: true });
  writeFileSync(
    join(project, 'service', 'Dockerfile'),
    `FROM ${BASE_IMAGE}\nCOPY www /www\nEXPOSE 8080\nENTRYPOINT ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
  );
  writeFileSync(join(www, 'index.html'), `<p>swarm ${version}</p>\n`);
  writeFileSync(join(www, 'version.txt'), `${version}\n`);
  if (healthy) writeFileSync(join(www, 'health.txt'), 'ok\n');
}

/** The package's CLI in the project, as a user runs it. */
function cli(...args: string[]): Promise<CommandResult> {
  return sh('cdktf-pipeline', args, { PIPELINE_REVIEW_IDS: '', PIPELINE_STATE: 'local' }, project);
}

/** The CLI's log of the last deploy of a stage. */
function deployLog(stage: string): string {
  return readFileSync(join(project, '.pipeline', 'logs', `deploy-${stage}.log`), 'utf8');
}

function verified(stage: string): string | undefined {
  const file = join(project, '.pipeline', 'state', `${stage}.tfstate`);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    outputs: Record<string, { value: string } | undefined>;
  };
  return state.outputs.verified_image?.value;
}

/** One line per Swarm service of an environment, in `format` (a `docker service ls` template). */
async function serviceList(environment: string, format: string): Promise<string[]> {
  const out = await docker(
    'service',
    'ls',
    '--filter',
    `label=cdktf-pipeline.environment=${environment}`,
    '--format',
    format,
  );
  return out.split('\n').filter(Boolean);
}

/** `name replicas` of an environment's Swarm services, e.g. 'swarmx-live-web 2/2'. */
async function services(environment: string): Promise<string[]> {
  return (await serviceList(environment, '{{.Name}} {{.Replicas}}')).sort();
}

/** The images an environment's running task containers run (repo digests). */
async function serviceImages(environment: string): Promise<string[]> {
  return [...new Set(await serviceList(environment, '{{.Image}}'))];
}

interface ProbeResult {
  readonly ok: number;
  readonly failed: number;
  /** The answers in order, with runs of equal answers collapsed: e.g. ['v1', 'v2']. */
  readonly answers: string[];
}

/**
 * A client on the environment's overlay network that calls web by name (as another service
 * would) every 100 ms, from now until `stop()`: a container attached to the attachable network.
 */
async function networkProbe(environment: string): Promise<{ stop: () => Promise<ProbeResult> }> {
  const name = `swarmx-probe-${probes.length + 1}`;
  probes.push(name);
  const script = [
    'n=0',
    'while [ ! -f /stop ] && [ "$n" -lt 6000 ]; do',
    '  n=$((n + 1))',
    '  if answer=$(timeout 2 wget -q -O - http://web:8080/version.txt 2>&1); then echo "ok $answer"; else echo "failed $answer"; fi',
    '  sleep 0.1',
    'done',
    'echo end',
  ].join('\n');
  await docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    `${environment}-net`,
    BASE_IMAGE,
    'sh',
    '-c',
    script,
  );
  return {
    stop: async () => {
      await docker('exec', name, 'touch', '/stop');
      await docker('wait', name);
      const lines = (await docker('logs', name)).split('\n').filter((l) => l && l !== 'end');
      await docker('rm', '-f', name);
      return summarise(lines.map((l) => (l.startsWith('ok ') ? l.slice(3) : 'failed')));
    },
  };
}

/** The same from this machine, at the environment's published port. */
function publishedProbe(url: string): { stop: () => Promise<ProbeResult> } {
  const answers: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { status, body } = await httpGet(`${url}/version.txt`);
      answers.push(status === 200 ? body.trim() : 'failed');
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
    return summarise(answers);
  };
  stoppers.push(stop);
  return { stop };
}

function summarise(answers: readonly string[]): ProbeResult {
  const failed = answers.filter((a) => a === 'failed').length;
  return {
    ok: answers.length - failed,
    failed,
    answers: answers.filter((a, i) => a !== answers[i - 1]),
  };
}

beforeAll(async () => {
  const swarm = await docker(
    'info',
    '--format',
    '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}',
  );
  networksBefore = (await docker('network', 'ls', '--format', '{{.Name}}')).split('\n').sort();
  if (swarm.startsWith('inactive')) {
    await docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
    madeSwarm = true;
  } else if (swarm !== 'active true') {
    throw new Error(
      `The Swarm tests need this Docker engine to be a swarm manager, or in no swarm; it is '${swarm}'.`,
    );
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(project, 'node_modules'));
  writeFileSync(
    join(project, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: `node ${join(PROJECT_ROOT, 'scripts', 'synth.js')} main.ts`,
    }),
  );
  writeFileSync(join(project, 'main.ts'), MAIN);
  setService('v1');
});

afterAll(async () => {
  await Promise.all(stoppers.map((stop) => stop()));
  for (const probe of probes) await sh('docker', ['rm', '-f', probe]);
  if (existsSync(join(project, '.pipeline', 'state'))) {
    const down = await cli('teardown');
    if (down.code !== 0) console.error(`swarm teardown failed:\n${down.output}`);
  }
  // Swarm removes a removed service's containers shortly after; wait for them.
  for (let i = 0; i < 30; i++) {
    const left = await docker('ps', '-a', '-q', '--filter', 'name=swarmx-');
    if (!left) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const images = await docker('images', '-q', `127.0.0.1:5000/${REPOSITORY}`);
  if (images) await sh('docker', ['rmi', '-f', ...new Set(images.split('\n'))]);
  if (madeSwarm) {
    await docker('swarm', 'leave', '--force');
    // What joining a swarm made: the bridge that connects overlay tasks to the host.
    const made = (await docker('network', 'ls', '--format', '{{.Name}}'))
      .split('\n')
      .filter((n) => n === 'docker_gwbridge' && !networksBefore.includes(n));
    if (made.length > 0) await docker('network', 'rm', ...made);
  }
  rmSync(project, { recursive: true, force: true });
  expect(await docker('ps', '-a', '--format', '{{.Names}}', '--filter', 'name=swarmx-')).toBe('');
  expect(await docker('network', 'ls', '--format', '{{.Name}}', '--filter', 'name=swarmx-')).toBe(
    '',
  );
  if (madeSwarm) {
    expect((await docker('network', 'ls', '--format', '{{.Name}}')).split('\n').sort()).toEqual(
      networksBefore,
    );
  }
});

describe('the Swarm target on a single-node swarm', () => {
  test('deploys the image and two environments as Swarm services; the smoke tests pass; a second deploy changes nothing', async () => {
    const deployed = await cli('deploy', 'image', QA, LIVE);
    expectSuccess(deployed);
    expect(deployed.output).toContain(`[deploy] deployed ${LIVE} in `);
    expect(await services(QA)).toEqual([
      'swarmx-qa-api 1/1',
      'swarmx-qa-web 1/1',
      'swarmx-qa-web-published 1/1',
    ]);
    // Two replicas of web on one node: on the network; one more task publishes the port.
    expect(await services(LIVE)).toEqual([
      'swarmx-live-api 1/1',
      'swarmx-live-web 2/2',
      'swarmx-live-web-published 1/1',
    ]);
    for (const [stage, url] of Object.entries(URLS)) {
      expect(deployLog(stage)).toContain(
        `smoke test 'web/version.txt' passed: GET ${url}/version.txt answered 200`,
      );
      expect(await httpGet(`${url}/version.txt`)).toEqual({ status: 200, body: 'v1\n' });
    }
    const image = verified('image');
    expect(image).toMatch(/^127\.0\.0\.1:5000\/swarmx-service@sha256:[0-9a-f]{64}$/);
    expect([verified(QA), verified(LIVE)]).toEqual([image, image]);
    expect(await serviceImages(LIVE)).toEqual([image]);

    const again = await cli('deploy', LIVE);
    expectSuccess(again);
    expect(again.output).toMatch(new RegExp(`deployed ${LIVE} in \\d+s, no changes`));
  });

  test('a new digest rolls out start-first: a client on the network sees no failed request', async () => {
    setService('v2');
    expectSuccess(await cli('deploy', 'image', QA));
    const image = verified('image');
    const network = await networkProbe(LIVE);
    const published = publishedProbe(URLS[LIVE]);
    const started = Date.now();
    const deployed = await cli('deploy', LIVE);
    const seconds = Math.round((Date.now() - started) / 1000);
    await new Promise((r) => setTimeout(r, 1000));
    const [fromNetwork, atPort] = [await network.stop(), await published.stop()];
    console.log(
      `rollout of ${LIVE} in ${seconds}s: network client ${fromNetwork.ok} ok, ${fromNetwork.failed} failed; ` +
        `published port ${atPort.ok} ok, ${atPort.failed} failed (host mode, stop-first)`,
    );
    expectSuccess(deployed);
    // One task at a time: both versions answer while it rolls, then only the new one.
    expect(fromNetwork.failed).toBe(0);
    expect([fromNetwork.answers[0], fromNetwork.answers.at(-1)]).toEqual(['v1', 'v2']);
    expect(atPort.answers.filter((a) => a !== 'failed')).toEqual(['v1', 'v2']);
    // The services were updated in place (same IDs): the smoke test ran again all the same.
    expect(deployLog(LIVE)).toContain(`smoke test 'web/version.txt' passed`);
    expect(verified(LIVE)).toBe(image);
    expect(await serviceImages(LIVE)).toEqual([image]);
  });

  test('a digest whose containers never become healthy rolls back by itself: the deploy fails naming the service and why, the old version keeps serving, the verified digest stays', async () => {
    const before = verified(QA);
    setService('v3', false);
    expectSuccess(await cli('deploy', 'image'));
    const broken = verified('image');
    expect(broken).not.toBe(before);
    const network = await networkProbe(QA);
    const published = publishedProbe(URLS[QA]);
    const started = Date.now();
    const deployed = await cli('deploy', QA);
    const seconds = Math.round((Date.now() - started) / 1000);
    const [fromNetwork, atPort] = [await network.stop(), await published.stop()];
    console.log(
      `rolled back deploy of ${QA} in ${seconds}s: network client ${fromNetwork.ok} ok, ${fromNetwork.failed} failed; ` +
        `published port ${atPort.ok} ok, ${atPort.failed} failed`,
    );
    expect(deployed.code).toBe(1);
    expect(deployed.output).toContain('service rollback completed');
    expect(deployed.output).toMatch(
      new RegExp(
        `\\[deploy\\] error: deploy ${QA} failed: Swarm rolled back service 'web' \\(${QA}-web\\): its new tasks failed \\(task: non-zero exit \\(\\d+\\): dockerexec: unhealthy container\\)\\. ${QA} runs the version it ran before, and its verified image is unchanged\\.`,
      ),
    );
    expect(fromNetwork).toMatchObject({ failed: 0, answers: ['v2'] });
    expect(atPort).toMatchObject({ failed: 0, answers: ['v2'] });
    expect(verified(QA)).toBe(before);
    expect(await httpGet(`${URLS[QA]}/version.txt`)).toEqual({ status: 200, body: 'v2\n' });
  });
});

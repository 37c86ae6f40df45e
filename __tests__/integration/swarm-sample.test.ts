/**
 * The sample delivery on the Swarm target, on a swarm of two nodes: this engine and a second
 * engine that scripts/swarm-node starts in its own network namespace. The whole pipeline (image,
 * dev, staging, the approval, prod, a review environment) runs in a copy of this project with
 * PIPELINE_TARGET=swarm, every task placed by node label, published ports answering on both
 * nodes. Then a new digest rolls over staging one task at a time while clients call it: the
 * other node keeps serving; a release that never turns healthy rolls back by itself while dev
 * keeps serving; and a secret reaches the api tasks as a Docker secret. The tests build on each
 * other and run in order; afterAll destroys everything, pass or fail, and removes the second node
 * and the swarm (under scripts/test, which made the swarm, scripts/test removes both once every
 * suite has ended).
 *
 * It runs beside the other end-to-end suites (scripts/test makes the swarm before they start), in
 * a lane of its own: the name prefix `sw-`, image repositories `sample-*-sw`, and the sample's
 * ports plus 1000 (Swarm publishes on every address, so an address of its own would not do).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Release, releaseKey } from '../../lib';
import { docker, expectSuccess, httpGet, sh, until } from '../helpers/cli';
import {
  clearEngineFix,
  engineObjectsOf,
  enterSwarmLane,
  runningEnvironments,
  SWARM_LANE,
} from '../helpers/lane';
import { giveApiSecret, pipelineEnv, projectCopy, start, Started } from '../helpers/project-copy';
import { PROJECT_ROOT } from '../helpers/test-app';

jest.setTimeout(20 * 60 * 1000);

/** Its lane: names, image repositories and ports of its own, as it runs beside the other suites. */
const P = SWARM_LANE.namePrefix;
/** A host port of the sample's environments, in this suite's lane. */
const port = (sample: number) => sample + SWARM_LANE.portOffset;
const URLS = {
  dev: `http://127.0.0.1:${port(8080)}`,
  staging: `http://127.0.0.1:${port(8180)}`,
  prod: `http://127.0.0.1:${port(8280)}`,
};
const HEALTHY = { status: 200, body: 'ok web (upstream: ok api )\n' };
const REVIEW = 'swarm';
const STAGES = ['dev', 'staging', 'prod', `review-${REVIEW}`];
/** The Docker names of its environments. */
const DOCKER_NAMES = STAGES.map((stage) => `${P}${stage}`);
/** What scripts/swarm-node uses unless told otherwise. */
const NODE_NETNS = '/var/run/netns/cdktf-pipeline-node2';
const MANAGER_ADDRESS = '10.231.0.1';
const POOL_LABEL = 'cdktf-pipeline.pool';
/** Set by scripts/test, which made the swarm before the suites started and leaves it after them. */
const KEEP_SWARM = process.env.PIPELINE_KEEP_SWARM === '1';
const BASE_IMAGE = 'cdktf-pipeline/busybox:1.35';

let copy = '';
let env: NodeJS.ProcessEnv = {};
let nodes: string[] = [];
let before: { containers: string[]; networks: string[] } | undefined;
const running: { name: string; stop: () => Promise<unknown> }[] = [];
/** Where the last test keeps its secret values (outside the copy). */
let secretsDir = '';

function cli(args: readonly string[]) {
  return sh(join(copy, 'node_modules', '.bin', 'cdktf-pipeline'), args, env, copy);
}

/** The release a stage verified, as its key (`api=sha256:…,web=sha256:…`). */
function verified(stage: string): string | undefined {
  const file = join(copy, '.pipeline', 'state', `${stage}.tfstate`);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    outputs: Record<string, { value: Release } | undefined>;
  };
  const release = state.outputs.verified_release?.value;
  return release && releaseKey(release);
}

/** The node IDs that run a service's running tasks, one entry per task, sorted. */
async function taskNodes(service: string): Promise<string[]> {
  const tasks = (
    await docker('service', 'ps', '-q', '--filter', 'desired-state=running', service)
  ).split('\n');
  const ids = await Promise.all(
    tasks.filter(Boolean).map((task) => docker('inspect', '--format', '{{.NodeID}}', task)),
  );
  return ids.sort();
}

/** The build a web task answers with, from this machine's side and from the second node's. */
async function buildAt(url: string): Promise<string> {
  return (await httpGet(`${url}/cgi-bin/version`)).body.trim();
}

/** Runs `script` (sh) in the second node's network namespace: its loopback is that node's. */
function onSecondNode(script: string): Started {
  return start('nsenter', [`--net=${NODE_NETNS}`, 'sh', '-c', script], {}, copy);
}

interface Answers {
  readonly failed: number;
  /** The answers in order, runs of equal answers collapsed: e.g. ['build 1', 'build 2']. */
  readonly builds: string[];
}

function answers(lines: readonly string[]): Answers {
  const builds = lines.filter((l) => l !== 'failed');
  return {
    failed: lines.length - builds.length,
    builds: builds.filter((b, i) => b !== builds[i - 1]),
  };
}

/**
 * Seconds a probe's request may take before it counts as failed: long enough that a slow answer
 * of a busy machine is not taken for an outage (a refused or reset connection fails at once).
 */
const PROBE_TIMEOUT = 10;

/**
 * A client on the environment's overlay network (a container on this node) that calls web by
 * name every 100 ms, as another service would, until `stop()`; `latest()` is the last answer so
 * far.
 */
async function networkProbe(
  environment: string,
): Promise<{ stop: () => Promise<Answers>; latest: () => Promise<string | undefined> }> {
  const name = `swarm-sample-probe-${running.length + 1}`;
  const script = [
    'n=0',
    'while [ ! -f /stop ] && [ "$n" -lt 6000 ]; do',
    '  n=$((n + 1))',
    `  if b=$(timeout ${PROBE_TIMEOUT} wget -q -O - http://web:8080/cgi-bin/version 2>/dev/null); then echo "$b"; else echo failed; fi`,
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
    `${P}${environment}-net`,
    BASE_IMAGE,
    'sh',
    '-c',
    script,
  );
  const stop = async () => {
    await docker('exec', name, 'touch', '/stop');
    await docker('wait', name);
    const lines = (await docker('logs', name)).split('\n').filter((l) => l && l !== 'end');
    await docker('rm', '-f', name);
    return answers(lines);
  };
  running.push({ name, stop });
  const latest = async () =>
    (await docker('logs', name))
      .split('\n')
      .filter((l) => l && l !== 'end')
      .at(-1);
  return { stop, latest };
}

/**
 * A load balancer's view of the published port: every 100 ms, both nodes at once (this one at
 * its address on the namespace's link, the second one on its own loopback), until `stop()`. Each
 * line is one round: '<node 1 answer> <node 2 answer>'.
 */
function publishedProbe(port: number): {
  stop: () => Promise<[Answers, Answers, number]>;
  latest: () => string[];
} {
  const stopFile = join(copy, `.probe-${port}-stop`);
  const outFile = join(copy, `.probe-${port}-out`);
  rmSync(stopFile, { force: true });
  writeFileSync(outFile, '');
  const call = (host: string) =>
    `$(curl -fsS -m ${PROBE_TIMEOUT} http://${host}:${port}/cgi-bin/version 2>/dev/null | tr -d ' ')`;
  const probe = onSecondNode(
    [
      'n=0',
      `while [ ! -f ${stopFile} ] && [ "$n" -lt 6000 ]; do`,
      '  n=$((n + 1))',
      `  a=${call(MANAGER_ADDRESS)}; b=${call('127.0.0.1')}`,
      `  echo "\${a:-failed} \${b:-failed}" >> ${outFile}`,
      '  sleep 0.1',
      'done',
    ].join('\n'),
  );
  const rounds = () =>
    readFileSync(outFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '));
  const stop = async (): Promise<[Answers, Answers, number]> => {
    writeFileSync(stopFile, '');
    expectSuccess(await probe.result);
    const all = rounds();
    return [
      answers(all.map((r) => r[0])),
      answers(all.map((r) => r[1])),
      all.filter((r) => r[0] === 'failed' && r[1] === 'failed').length,
    ];
  };
  running.push({ name: `published port ${port}`, stop });
  return { stop, latest: () => rounds().at(-1) ?? [] };
}

beforeAll(async () => {
  before = await engineObjectsOf(DOCKER_NAMES);
  const swarm = await docker(
    'info',
    '--format',
    '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}',
  );
  if (!swarm.startsWith('inactive') && swarm !== `active true ${MANAGER_ADDRESS}`) {
    throw new Error(
      `The two-node Swarm test needs this engine in no swarm, or managing one advertised on ${MANAGER_ADDRESS} (scripts/swarm-node up makes it); it is '${swarm}'.`,
    );
  }
  const running = await runningEnvironments(DOCKER_NAMES);
  if (running.length > 0) {
    throw new Error(
      `The engine runs this suite's environments (${running.join(', ')}); ${clearEngineFix(DOCKER_NAMES)}`,
    );
  }
  const up = await sh('scripts/swarm-node', ['up'], {}, PROJECT_ROOT);
  expectSuccess(up);
  const second = up.output.trim().split('\n').at(-1) ?? '';
  const first = await docker('info', '--format', '{{.Swarm.NodeID}}');
  nodes = [first, second].sort();
  expect(second).toMatch(/^[a-z0-9]{25}$/);
  for (const node of nodes)
    await docker('node', 'update', '--label-add', `${POOL_LABEL}=apps`, node);

  copy = await projectCopy('swarm-sample-');
  const lane = enterSwarmLane(copy);
  expectSuccess(await sh('scripts/setup', [], { PIPELINE_TARGET: 'swarm' }, copy));
  env = {
    ...pipelineEnv(copy),
    ...lane,
    PIPELINE_REVIEW_IDS: '',
    PIPELINE_TARGET: 'swarm',
    PIPELINE_SWARM_PLACEMENT: `node.labels.${POOL_LABEL} == apps`,
    PIPELINE_SWARM_PUBLISHERS: '2',
  };
});

afterAll(async () => {
  for (const probe of running) await probe.stop().catch(() => undefined);
  const failed: string[] = [];
  if (copy) {
    const down = await cli(['teardown', '--yes']);
    if (down.code !== 0) failed.push(`teardown failed:\n${down.output}`);
  }
  // Swarm removes a removed service's containers shortly after; wait for them.
  for (let i = 0; i < 30; i++) {
    if ((await runningEnvironments(DOCKER_NAMES)).length === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const node of nodes) await sh('docker', ['node', 'update', '--label-rm', POOL_LABEL, node]);
  // Under scripts/test the swarm outlives the suite: left while the other suites' environments
  // run, their new containers could not reach their services by name; scripts/test leaves it
  // once they have ended.
  if (!KEEP_SWARM) {
    const down = await sh('scripts/swarm-node', ['down'], {}, PROJECT_ROOT);
    if (down.code !== 0) failed.push(`scripts/swarm-node down failed:\n${down.output}`);
  }
  if (copy) rmSync(copy, { recursive: true, force: true });
  if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
  expect(failed).toEqual([]);
  if (!before) return;
  expect(await engineObjectsOf(DOCKER_NAMES)).toEqual(before);
  if (!KEEP_SWARM) expect(existsSync(NODE_NETNS)).toBe(false);
});

describe('the sample delivery on a two-node swarm', () => {
  test('the whole pipeline: image, dev, staging, approval, prod and a review environment; replicas spread over both nodes, published ports answer on both', async () => {
    expectSuccess(await cli(['deploy', 'image', 'dev', 'staging']));
    expectSuccess(await cli(['approve', 'prod', '--from', 'staging']));
    // prod and the review environment (whose upstream is the image stage) at once, as two
    // processes of one clone.
    const [prod, review] = await Promise.all([
      cli(['deploy', 'prod']),
      cli(['deploy', `review-${REVIEW}`]),
    ]);
    expectSuccess(prod);
    expectSuccess(review);

    const release = verified('image');
    expect(release).toMatch(/^api=sha256:[0-9a-f]{64},web=sha256:[0-9a-f]{64}$/);
    for (const stage of STAGES)
      expect({ stage, verified: verified(stage) }).toEqual({ stage, verified: release });
    for (const url of Object.values(URLS)) {
      expect(await httpGet(`${url}/cgi-bin/health`)).toEqual(HEALTHY);
    }
    expect(await cli(['check', 'prod'])).toMatchObject({ code: 0 });
    const again = await cli(['deploy', 'prod']);
    expectSuccess(again);
    expect(again.output).toMatch(/deployed prod in \d+s, no changes/);

    // Two replicas: one on each node (the scheduler spreads a service over the nodes that
    // qualify); two publishers: one on each node, since a node gives a host port to one task.
    for (const name of ['staging-web', 'prod-web', 'prod-api', 'prod-web-published']) {
      const service = `${P}${name}`;
      expect({ service, nodes: await taskNodes(service) }).toEqual({ service, nodes });
    }
    const constraints = await docker(
      'service',
      'inspect',
      '--format',
      '{{json .Spec.TaskTemplate.Placement.Constraints}}',
      `${P}prod-api`,
    );
    expect(JSON.parse(constraints)).toEqual([`node.labels.${POOL_LABEL} == apps`]);
    // The second node answers on prod's port too, with the same build, through its own task.
    const onSecond = onSecondNode(
      `curl -fsS -m 5 ${URLS.prod}/cgi-bin/health && curl -fsS -m 5 ${URLS.prod}/cgi-bin/version`,
    );
    expect(await onSecond.result).toEqual({
      code: 0,
      output: `${HEALTHY.body}${await buildAt(URLS.prod)}\n`,
    });
  });

  test('a new digest rolls over staging one task at a time: the other node keeps serving, by name and at the published port', async () => {
    const old = await buildAt(URLS.staging);
    const index = join(copy, 'service', 'web', 'www', 'index.html');
    writeFileSync(index, `${readFileSync(index, 'utf8')}<!-- rolling update -->\n`);
    expectSuccess(await cli(['deploy', 'image', 'dev']));
    const next = await buildAt(URLS.dev);
    expect(next).not.toBe(old);

    const network = await networkProbe('staging');
    const published = publishedProbe(port(8180));
    const started = Date.now();
    const deployed = await cli(['deploy', 'staging']);
    const seconds = Math.round((Date.now() - started) / 1000);
    // Until every client has had an answer from the new build (the last old task may still
    // answer just after the deploy ends), with no fixed wait.
    await until(
      'the network client and both nodes to answer with the new build',
      async () =>
        (await network.latest()) === next && published.latest().join(' ') === `${next} ${next}`,
      60,
    );
    const fromNetwork = await network.stop();
    const [first, second, bothDown] = await published.stop();
    console.log(
      `rolling update of staging over two nodes in ${seconds}s: network client ${fromNetwork.failed} failed; ` +
        `published port: node 1 ${first.failed} failed, node 2 ${second.failed} failed, both at once ${bothDown}`,
    );
    expectSuccess(deployed);
    // Both versions answer while it rolls (one task each), never a failure; then only the new one.
    expect(fromNetwork.failed).toBe(0);
    expect([fromNetwork.builds[0], fromNetwork.builds.at(-1)]).toEqual([old, next]);
    // Each node's publisher restarts with a short gap (stop-first), never both at once.
    expect(bothDown).toBe(0);
    expect([first.builds, second.builds]).toEqual([
      [old, next],
      [old, next],
    ]);
    expect(verified('staging')).toBe(verified('dev'));
    // Each node still publishes the port (the replicas may now share a node: start-first places
    // each new task before the old one leaves, and Swarm does not rebalance afterwards).
    expect(await taskNodes(`${P}staging-web-published`)).toEqual(nodes);
  });

  test('a release that never turns healthy in the environment rolls back by itself: the deploy fails naming the service and why, dev keeps serving on both nodes, its verified digest stays', async () => {
    const before = verified('dev');
    const serving = await buildAt(URLS.dev);
    // Healthy inside the image stage's smoke test, unhealthy with an environment's settings:
    // the kind of fault only a deploy finds.
    const health = join(copy, 'service', 'api', 'www', 'cgi-bin', 'health');
    writeFileSync(
      health,
      readFileSync(health, 'utf8').replace(
        '#!/bin/sh\n',
        '#!/bin/sh\nif [ -n "$SERVICE_NAME" ]; then printf \'Status: 500 Broken\\r\\n\\r\\n\'; exit 0; fi\n',
      ),
    );
    expectSuccess(await cli(['deploy', 'image']));
    const broken = verified('image');
    expect(broken).not.toBe(before);

    const network = await networkProbe('dev');
    const published = publishedProbe(port(8080));
    const deployed = await cli(['deploy', 'dev']);
    const fromNetwork = await network.stop();
    const [first, second, bothDown] = await published.stop();
    expect(deployed.code).toBe(1);
    // api updates first (web depends on it): its new task never turns healthy.
    expect(deployed.output).toMatch(
      /\[deploy\] error: deploy dev failed: Swarm rolled back service 'api' \(sw-dev-api\): its new tasks failed \(task: non-zero exit \(\d+\): dockerexec: unhealthy container\)\. dev runs the version it ran before, and its verified release is unchanged\./,
    );
    expect(fromNetwork).toEqual({ failed: 0, builds: [serving] });
    expect([first, second, bothDown]).toEqual([
      { failed: 0, builds: [serving] },
      { failed: 0, builds: [serving] },
      0,
    ]);
    expect(verified('dev')).toBe(before);
    expect(await httpGet(`${URLS.dev}/cgi-bin/health`)).toEqual(HEALTHY);
  });

  test("a secret on Swarm: a Docker secret the api task reads as a file of its own user, in no file of the project or the package's cache and in no output; a new value is a new secret", async () => {
    // Undo the broken release of the test before, and give the api service a secret.
    const health = join(copy, 'service', 'api', 'www', 'cgi-bin', 'health');
    writeFileSync(
      health,
      readFileSync(join(PROJECT_ROOT, 'service', 'api', 'www', 'cgi-bin', 'health')),
    );
    // State encryption has its own suite: here the state stays plain, by the explicit choice.
    giveApiSecret(copy, 'StateEncryption.none()');
    secretsDir = mkdtempSync(join(tmpdir(), 'swarm-secrets-'));
    const values = [
      `first-${randomBytes(12).toString('hex')}`,
      `second-${randomBytes(12).toString('hex')}`,
    ];
    env = { ...env, PIPELINE_SECRETS_DIR: secretsDir };

    const shown = (value: string) =>
      `ok web (upstream: ok api secret API_TOKEN ${createHash('sha256').update(value).digest('hex').slice(0, 12)} )\n`;
    const secretOf = async () => {
      const mounted = JSON.parse(
        await docker(
          'service',
          'inspect',
          '--format',
          '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}',
          `${P}dev-api`,
        ),
      ) as { SecretName: string; File: { Name: string; UID: string; GID: string; Mode: number } }[];
      expect(mounted.map((m) => m.File)).toEqual([
        { Name: '/run/secrets/API_TOKEN', UID: '65534', GID: '65534', Mode: 0o400 },
      ]);
      return mounted[0].SecretName;
    };

    // Everything the commands of this test print.
    const outputs: string[] = [];
    const deploy = async (...args: string[]) => {
      const result = await cli(['deploy', ...args]);
      outputs.push(result.output);
      expectSuccess(result);
    };
    writeFileSync(join(secretsDir, 'dev.env'), `API_TOKEN=${values[0]}\n`);
    await deploy('image', 'dev');
    expect(await httpGet(`${URLS.dev}/cgi-bin/health`)).toEqual({
      status: 200,
      body: shown(values[0]),
    });
    const first = await secretOf();
    const env0 = await docker(
      'service',
      'inspect',
      '--format',
      '{{json .Spec.TaskTemplate.ContainerSpec.Env}}',
      `${P}dev-api`,
    );
    expect(JSON.parse(env0)).toContain('API_TOKEN_FILE=/run/secrets/API_TOKEN');

    writeFileSync(join(secretsDir, 'dev.env'), `API_TOKEN=${values[1]}\n`);
    await deploy('dev');
    expect(await httpGet(`${URLS.dev}/cgi-bin/health`)).toEqual({
      status: 200,
      body: shown(values[1]),
    });
    const second = await secretOf();
    expect(second).not.toBe(first);
    // The first secret went with the update that replaced it.
    expect((await docker('secret', 'ls', '--format', '{{.Name}}')).split('\n')).not.toContain(
      first,
    );

    const status = await cli(['status']);
    outputs.push(status.output);
    expectSuccess(status);
    // The project copy (state, logs, synthesized stacks) and the package's cache (plugin cache,
    // run files, the registry's data); the secrets folder is the one place that holds the values.
    // Not the second node's data root that scripts/swarm-node keeps in the cache (node2/): it is
    // another host's engine, which holds a running task's secret there (on a tmpfs), as every
    // node of a swarm does; where the api task runs is the scheduler's choice.
    const home = env.CDKTF_PIPELINE_HOME ?? '';
    expect(home !== '' && existsSync(copy) && existsSync(home)).toBe(true);
    const places = [
      copy,
      ...readdirSync(home)
        .filter((name) => name !== 'node2')
        .map((name) => join(home, name)),
    ];
    for (const value of values) {
      const found = await sh('grep', ['-rlsF', '--binary-files=text', '-e', value, ...places]);
      expect({
        value,
        files: found.output.split('\n').filter(Boolean),
        outputs: outputs.filter((output) => output.includes(value)).length,
      }).toEqual({ value, files: [], outputs: 0 });
    }
  });
});

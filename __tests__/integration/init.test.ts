/**
 * A new user's first steps, for real: `cdktf-pipeline init` in an empty folder outside this
 * repository, `npm install` of the packed package, the scaffold's own lint and tests, `doctor`,
 * a deploy of the image and dev, `plan` before and after a change, and `doctor` with no Docker
 * engine answering. Its names (`hello-`) and port are its own, so it runs beside the other suites.
 * The tests build on each other and run in order.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expectSuccess, httpGet, PACK_LOCK, sh } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/test-app';

jest.setTimeout(15 * 60 * 1000);

const parent = mkdtempSync(join(tmpdir(), 'init-'));
/** The README's project. */
const project = join(parent, 'hello');
const DEV = 'http://127.0.0.1:18680';
/** This setup's local busybox: no image can be pulled here (a project elsewhere keeps the default). */
const BASE_IMAGE = 'cdktf-pipeline/busybox:1.35';
const VERSION = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The README's quick start for a project of one's own: its commands, without their comments. */
function quickStart(): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start: your own project'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/**
 * A command of the quick start on this machine: in the suite's temporary folder instead of /tmp,
 * init with a free port and a base image the Docker host has (no image can be pulled here), and
 * `npm pack` under the tests' pack lock (the consumer suite packs this checkout too).
 */
function here(command: string): string {
  return command
    .replace(/\/tmp\b/g, parent)
    .replace(/^npm pack /, `flock ${PACK_LOCK} npm pack `)
    .replace(
      / cdktf-pipeline init$/,
      ` cdktf-pipeline init --port 18680 --base-image ${BASE_IMAGE}`,
    )
    .replace('127.0.0.1:8080', '127.0.0.1:18680');
}

/** The CLI the project installed from the tarball. */
const cli = (...args: string[]) => sh('npx', ['cdktf-pipeline', ...args], {}, project);

afterAll(async () => {
  // Whatever the tests left deployed, pass or fail.
  if (existsSync(join(project, 'node_modules', '.bin', 'cdktf-pipeline'))) {
    expectSuccess(await cli('teardown', '--yes'));
  }
  rmSync(parent, { recursive: true, force: true });
});

describe('a project that init writes', () => {
  test("the README's quick start, as written (but for this machine's port and base image): the service answers", async () => {
    const tarball = `/tmp/cdktf-deployment-pipeline-${VERSION}.tgz`;
    expect(quickStart()).toEqual([
      'npm pack --pack-destination /tmp',
      'mkdir /tmp/hello && cd /tmp/hello',
      `npx --yes --package ${tarball} cdktf-pipeline init`,
      `npm install ${tarball}`,
      'npx cdktf-pipeline doctor',
      'npx cdktf-pipeline deploy',
      'curl http://127.0.0.1:8080/cgi-bin/greeting',
    ]);
    // One shell session from this repository, stopping at the first command that fails; its
    // output in the order it was written.
    const session = await sh('bash', ['-ec', ['exec 2>&1', ...quickStart().map(here)].join('\n')]);
    expectSuccess(session);
    expect(session.output).toContain(`[init] wrote 15 files in ${project}\n`);
    expect(session.output).toMatch(
      /\[deploy\] deployed dev in \d+s: http:\/\/127\.0\.0\.1:18680\//,
    );
    expect(session.output.endsWith('hello from dev\n')).toBe(true);
    expect(readFileSync(join(project, 'service', 'Dockerfile'), 'utf8')).toContain(
      `FROM ${BASE_IMAGE}\n`,
    );
  });

  test('init refuses to write over a project, naming every file in the way', async () => {
    const again = await sh(
      'npx',
      [
        '--yes',
        '--package',
        join(parent, `cdktf-deployment-pipeline-${VERSION}.tgz`),
        'cdktf-pipeline',
        'init',
      ],
      {},
      project,
    );
    expect(again).toEqual({
      code: 64,
      output:
        '[init] error: 1 problem; nothing was written:\n' +
        `  - init: ${project} already holds .gitignore, README.md, approvals/prod.txt, cdktf.json, delivery.test.ts, delivery.ts, environments/dev.ts, environments/prod.ts, jest.config.js, main.ts, package.json, service/Dockerfile, service/www/cgi-bin/greeting, service/www/index.html, tsconfig.json, which init would write. Run init in an empty folder, or move them away.\n` +
        '[init] fix: Fix them and run init again.\n',
    });
  });

  test('the project type-checks and its own tests pass', async () => {
    expectSuccess(await sh('npm', ['run', 'lint'], {}, project));
    // The parity matcher and dev's plan: written as a snapshot, then compared with --ci.
    expectSuccess(await sh('npx', ['jest', '--ci=false'], {}, project));
    expect(existsSync(join(project, '__snapshots__', 'delivery.test.ts.snap'))).toBe(true);
    expectSuccess(await sh('npx', ['jest', '--ci'], {}, project));
  });

  test('doctor passes', async () => {
    const doctor = await cli('doctor');
    expect(doctor.code).toBe(0);
    expect(doctor.output.split('\n').map((line) => line.split(':')[0])).toEqual([
      '[doctor] ok   docker',
      '[doctor] ok   engine',
      '[doctor] ok   provider',
      '[doctor] ok   registry',
      '',
    ]);
  });

  test("plan dev: after a change to dev's settings exit 2 with the replaced container; after a deploy exit 0", async () => {
    const dev = join(project, 'environments', 'dev.ts');
    writeFileSync(dev, readFileSync(dev, 'utf8').replace("'hello from dev'", "'hello again'"));
    expect(await cli('plan', 'dev')).toEqual({
      code: 2,
      output:
        '[plan] planning dev\n' +
        '[plan] dev: 2 to add, 0 to change, 2 to destroy\n' +
        '[plan]   -/+ docker_container.Services_Web_00C5A910[0] (replaced for env)\n' +
        '[plan]   -/+ terraform_data.SmokeTest1 (replaced for triggers_replace)\n',
    });
    expectSuccess(await cli('deploy', 'dev'));
    expect(await httpGet(`${DEV}/cgi-bin/greeting`)).toEqual({
      status: 200,
      body: 'hello again\n',
    });
    expect(await cli('plan', 'dev')).toEqual({
      code: 0,
      output: '[plan] planning dev\n[plan] dev: no changes\n',
    });
  });

  test('with no Docker engine answering, doctor names the host and its fix', async () => {
    // What a stopped engine leaves: a socket path where nothing listens. The engine the other
    // suites use keeps running.
    const host = `unix://${join(parent, 'stopped-engine.sock')}`;
    const doctor = await sh('npx', ['cdktf-pipeline', 'doctor'], { DOCKER_HOST: host }, project);
    expect(doctor.code).toBe(1);
    expect(doctor.output.split('\n')).toEqual([
      expect.stringMatching(/^\[doctor\] ok {3}engine: /),
      expect.stringMatching(/^\[doctor\] ok {3}provider: /),
      expect.stringMatching(/^\[doctor\] ok {3}registry: /),
      `[doctor] FAIL docker: the Docker host at ${host} does not answer. Fix: Start Docker, or point DOCKER_HOST at a Docker host that runs; the docker client must be on the PATH.`,
      '',
    ]);
  });
});

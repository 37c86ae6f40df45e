/**
 * Interrupted deploys and faults, for real: a copy of this project, real deploys killed with
 * SIGKILL (the whole process group) or interrupted with one SIGINT at chosen points, a port held
 * by another process, an unreadable upstream state, an engine that does not answer or is killed
 * during a deploy, the registry down. After each: the exact error, what ran before still serves,
 * and a plain redeploy succeeds.
 * The tests build on each other and run in order; afterAll destroys everything, pass or fail.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Release, releaseKey } from '../../lib';
import {
  CommandResult,
  containerNames,
  docker,
  expectSuccess,
  httpGet,
  networkNames,
  sh,
  alive,
  until,
} from '../helpers/cli';
import { clearEngineFix } from '../helpers/lane';
import { lastLines } from '../helpers/output';
import { giveApiSecret, pipelineEnv, projectCopy, start, Started } from '../helpers/project-copy';

jest.setTimeout(15 * 60 * 1000);

const DEV = 'http://127.0.0.1:8080';
const STAGING = 'http://127.0.0.1:8180';
const HEALTHY = { status: 200, body: 'ok web (upstream: ok api )\n' };

let copy = '';
let env: NodeJS.ProcessEnv = {};
let before: { containers: string[]; networks: string[] } | undefined;

const cliPath = () => join(copy, 'node_modules', '.bin', 'cdktf-pipeline');
const cli = (args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<CommandResult> =>
  sh(cliPath(), args, { ...env, ...extra }, copy);
const startCli = (args: readonly string[]): Started => start(cliPath(), args, env, copy);

/** The release a stage's local state holds as verified, as its key (`api=sha256:…,web=…`). */
function verified(stage: string): string {
  const state = JSON.parse(
    readFileSync(join(copy, '.pipeline', 'state', `${stage}.tfstate`), 'utf8'),
  ) as { outputs: Record<string, { value: Release }> };
  const release = state.outputs.verified_release?.value;
  return release ? releaseKey(release) : '';
}

/** Whether the running deploy's log has reached a line matching `pattern`. */
function logShows(stack: string, pattern: RegExp): boolean {
  try {
    return pattern.test(
      readFileSync(join(copy, '.pipeline', 'logs', `deploy-${stack}.log`), 'utf8'),
    );
  } catch {
    return false;
  }
}

/** Kills a started command's whole process group with SIGKILL and waits for it to end. */
async function killGroup(started: Started, signal: NodeJS.Signals = 'SIGKILL') {
  process.kill(-started.pid, signal);
  return started.result;
}

/** A change of dev's greeting: a change that replaces dev's web container. */
function setGreeting(greeting: string): void {
  const file = join(copy, 'environments', 'dev.ts');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/GREETING: '[^']*'/, `GREETING: '${greeting}'`),
  );
}

/** A new version of web: a change of its build context, so a new digest, so a new release. */
function newVersion(label: string): void {
  const file = join(copy, 'service', 'web', 'www', 'index.html');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n<!-- ${label} -->\n`);
}

async function containerId(name: string): Promise<string> {
  const r = await sh('docker', [
    'ps',
    '-a',
    '--no-trunc',
    '--filter',
    `name=^${name}$`,
    '--format',
    '{{.ID}}',
  ]);
  return r.output.trim();
}

/** Waits until a container of that name exists that is not `old`. */
async function replaced(name: string, old: string): Promise<void> {
  await until(`a new ${name}`, async () => {
    const id = await containerId(name);
    return id !== '' && id !== old;
  });
}

beforeAll(async () => {
  copy = await projectCopy('recovery-');
  expectSuccess(await sh('scripts/setup', [], {}, copy));
  env = { ...pipelineEnv(copy), PIPELINE_REVIEW_IDS: '' };
  const running = await docker('ps', '-a', '-q', '--filter', 'label=cdktf-pipeline.environment');
  if (running) {
    throw new Error(
      `the engine runs pipeline containers (${running.split('\n').length}); ${clearEngineFix()}`,
    );
  }
  before = { containers: await containerNames(), networks: await networkNames() };
  expectSuccess(await cli(['deploy', 'image', 'dev', 'staging']));
});

afterAll(async () => {
  if (!before) return;
  const down = await cli(['teardown', '--yes']);
  rmSync(copy, { recursive: true, force: true });
  if (env.PIPELINE_SECRETS_DIR) rmSync(env.PIPELINE_SECRETS_DIR, { recursive: true, force: true });
  expectSuccess(down);
  expect(await containerNames()).toEqual(before.containers);
  expect(await networkNames()).toEqual(before.networks);
});

describe('an interrupted deploy is followed by a plain redeploy', () => {
  test('SIGKILL while the new container starts: the redeploy removes what the state never recorded', async () => {
    const served = verified('dev');
    const old = await containerId('dev-web-0');
    setGreeting('hello after a kill');
    const deploy = startCli(['deploy', 'dev']);
    await replaced('dev-web-0', old);
    const killed = await killGroup(deploy);
    expect(killed.code).not.toBe(0);
    const orphan = await containerId('dev-web-0');
    expect(orphan).not.toBe('');

    const again = await cli(['deploy', 'dev']);
    expectSuccess(again);
    expect(again.output).toContain(
      '[deploy] removing container dev-web-0: labelled for dev but in no state (an interrupted deploy left it)\n[deploy] deploying dev again\n',
    );
    expect(await containerId('dev-web-0')).not.toBe(orphan);
    expect(verified('dev')).toBe(served);
    expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
    const greeting = await docker('inspect', '--format', '{{json .Config.Env}}', 'dev-web-0');
    expect(greeting).toContain('GREETING=hello after a kill');
  });

  test('one SIGINT: the deploy stops gracefully, and the redeploy finishes it', async () => {
    const old = await containerId('dev-web-0');
    setGreeting('hello after an interrupt');
    const deploy = startCli(['deploy', 'dev']);
    await replaced('dev-web-0', old);
    const interrupted = await killGroup(deploy, 'SIGINT');
    expect(interrupted.code).toBe(130);
    expect(interrupted.output).toMatch(
      lastLines(
        '[deploy] interrupted: waiting for the engine to stop and record what it did; Ctrl-C again stops at once, leaving it unrecorded.',
        '[deploy] error: deploy dev was interrupted: the engine stopped and recorded what it had done. The full log is .pipeline/logs/deploy-dev.log.',
        '[deploy] fix: Run deploy dev again: it finishes what this one began.',
      ),
    );
    // The engine heard the Ctrl-C and stopped on its own terms, writing its state: the redeploy
    // finds nothing of dev outside the state to remove.
    expect(logShows('dev', /Interrupt received/)).toBe(true);
    const again = await cli(['deploy', 'dev']);
    expectSuccess(again);
    expect(again.output).not.toMatch(/removing \S+ \S+: labelled for dev but in no state/);
    expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
    expect(await cli(['drift', 'dev'])).toEqual({
      code: 0,
      output: '[drift] dev: in sync with its last deploy\n',
    });
  });

  test('SIGKILL as the image is pushed: the redeploy pushes it, and no stage saw it', async () => {
    const released = verified('image');
    newVersion('pushed after a kill');
    const deploy = startCli(['deploy', 'image']);
    // A local push takes well under a second: the kill comes as it starts (the in-image test
    // has passed, the push is next).
    await until('the push', () =>
      logShows(
        'image',
        /terraform_data\.ImageWeb_SmokeTest\S*: Creation complete|docker_registry_image\.\S+: Creating\.\.\./,
      ),
    );
    await killGroup(deploy);
    expect(verified('image')).toBe(released);
    const again = await cli(['deploy', 'image']);
    expectSuccess(again);
    expect(verified('image')).not.toBe(released);
    expect(verified('dev')).toBe(released);
    // The redeploy pushed the new web image: its log says so, and the registry serves it by the
    // digest the image stage now publishes (a digest that no push before this test made).
    expect(logShows('image', /docker_registry_image\.ImageWeb_Push_\w+: Creation complete/)).toBe(
      true,
    );
    const web = /web=(sha256:[0-9a-f]{64})/.exec(verified('image'))?.[1];
    const manifest = await sh('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Accept: application/vnd.docker.distribution.manifest.v2+json',
      `http://127.0.0.1:5000/v2/sample-web/manifests/${web}`,
    ]);
    expect(manifest.output).toBe('200');
  });

  test('SIGKILL during the smoke tests: the new digest is not verified, so staging does not get it; the redeploy verifies it', async () => {
    const served = verified('dev');
    const release = verified('image');
    expect(release).not.toBe(served);
    const deploy = startCli(['deploy', 'dev']);
    await until('the smoke tests', () =>
      logShows('dev', /terraform_data\.SmokeTest1\S*: Creating\.\.\./),
    );
    await killGroup(deploy);
    // The containers run the new release, but dev has not verified it.
    expect(verified('dev')).toBe(served);
    expectSuccess(await cli(['deploy', 'staging']));
    expect(verified('staging')).toBe(served);

    expectSuccess(await cli(['deploy', 'dev']));
    expect(verified('dev')).toBe(release);
    expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
  });
});

describe('faults: a clear error, and what runs keeps running', () => {
  test('a published port that another process holds is refused before anything changes', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(18555, '127.0.0.1', resolve));
    const file = join(copy, 'environments', 'dev.ts');
    const config = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, config.replace('port: 8080', 'port: 18555'));
      const refused = await cli(['deploy', 'dev']);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(
        lastLines(
          '[deploy] error: dev publishes on 127.0.0.1:18555 (service web), which another process holds. Nothing was deployed; what runs keeps running.',
          "[deploy] fix: Free the port (ss -ltnp 'sport = :18555' names the process), or give services.web.port a free port in dev's environment config.",
        ),
      );
      expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
    } finally {
      writeFileSync(file, config);
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  test("an upstream's state cut short is named, with its backup as the fix", async () => {
    const state = join(copy, '.pipeline', 'state', 'dev.tfstate');
    const whole = readFileSync(state, 'utf8');
    try {
      writeFileSync(state, whole.slice(0, 200));
      const refused = await cli(['deploy', 'staging']);
      expect(refused).toEqual({
        code: 1,
        output: `[deploy] error: the state at ${state} is not valid JSON (200 bytes): it was cut short or overwritten.\n[deploy] fix: Restore it from its backup (a local state keeps <stack>.tfstate.backup beside it), then deploy again.\n`,
      });
      expect(await httpGet(`${STAGING}/cgi-bin/health`)).toEqual(HEALTHY);
    } finally {
      writeFileSync(state, whole);
    }
  });

  test('an engine that does not answer is refused before anything runs', async () => {
    const refused = await cli(['deploy', 'dev'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(refused).toEqual({
      code: 1,
      output:
        '[deploy] error: the Docker host at unix:///nonexistent/docker.sock does not answer; nothing was deployed.\n' +
        '[deploy] fix: Start Docker, or point DOCKER_HOST at a Docker host that runs.\n',
    });
    expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
  });

  test('the engine killed during a deploy: named; what it ran serves again once it is back, and the redeploy finishes', async () => {
    // scripts/setup starts its engine with live-restore: containers outlive a crash of it.
    expect(await docker('info', '--format', '{{.LiveRestoreEnabled}}')).toBe('true');
    const engine = Number(
      readFileSync(join(env.CDKTF_PIPELINE_HOME ?? '', 'run', 'dockerd.pid'), 'utf8'),
    );
    const served = verified('dev');
    rmSync(join(copy, '.pipeline', 'logs', 'deploy-dev.log'), { force: true });
    setGreeting('hello after the engine came back');
    const deploy = startCli(['deploy', 'dev']);
    await until('a container to be created', () =>
      logShows('dev', /docker_container\.\S+: Creating\.\.\./),
    );
    // Killed once the new web container runs, while the deploy waits for it to turn healthy (its
    // first check comes seconds later): killed in the middle of starting it, the engine would
    // leave its port proxy behind, holding the port, and know nothing of it once back.
    await until('the new web container to run', async () => {
      const web = await sh('docker', [
        'inspect',
        '--format',
        '{{.State.Running}} {{json .Config.Env}}',
        'dev-web-0',
      ]);
      return (
        web.code === 0 &&
        web.output.startsWith('true ') &&
        web.output.includes('GREETING=hello after the engine came back')
      );
    });
    process.kill(engine, 'SIGKILL');
    try {
      const failed = await deploy.result;
      expect(failed.code).toBe(1);
      expect(failed.output).toMatch(
        /\[deploy\] error: deploy dev failed: the Docker host at unix:\/\/\/var\/run\/docker\.sock stopped answering during the deploy( \([^)\n]+\))?\. dev's verified release is unchanged, and nothing was promoted\. The full log is \.pipeline\/logs\/deploy-dev\.log\.\n\[deploy\] fix: Start Docker: what it ran starts again with it\. Then deploy dev again: it finishes what this one began\.\n$/,
      );
      expect(verified('dev')).toBe(served);
    } finally {
      // The engine comes back whatever the assertions found, so the tests after this one run.
      await until('the engine to exit', () => !alive(engine), 30);
      expectSuccess(await sh('scripts/setup', [], {}, copy));
    }
    // Staging took no part: with the engine back it serves its digest again, without a deploy.
    await until(
      'staging to answer',
      async () => (await httpGet(`${STAGING}/cgi-bin/health`)).status === 200,
      30,
    );
    expect(await httpGet(`${STAGING}/cgi-bin/health`)).toEqual(HEALTHY);
    expectSuccess(await cli(['deploy', 'dev']));
    expect(verified('dev')).toBe(served);
    expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
    const greeting = await docker('inspect', '--format', '{{json .Config.Env}}', 'dev-web-0');
    expect(greeting).toContain('GREETING=hello after the engine came back');
  });

  test('the registry down during the image stage: named, nothing promoted', async () => {
    const released = verified('image');
    newVersion('while the registry is down');
    const registry = join(env.CDKTF_PIPELINE_HOME ?? '', 'run', 'registry.pid');
    const pid = Number(readFileSync(registry, 'utf8'));
    process.kill(pid, 'SIGTERM');
    await until(
      'the registry to stop',
      async () => (await sh('curl', ['-sf', 'http://127.0.0.1:5000/v2/'])).code !== 0,
      30,
    );
    try {
      const failed = await cli(['deploy', 'image']);
      expect(failed.code).toBe(1);
      expect(failed.output).toMatch(
        /\[deploy\] error: deploy image failed: the registry at 127\.0\.0\.1:5000 does not answer \(connection refused\)\. Nothing was pushed or promoted; every environment keeps what it runs\. The full log is \.pipeline\/logs\/deploy-image\.log\.\n\[deploy\] fix: Start the registry, then deploy again\.\n$/,
      );
      expect(verified('image')).toBe(released);
      expect(await httpGet(`${DEV}/cgi-bin/health`)).toEqual(HEALTHY);
    } finally {
      expectSuccess(await sh('scripts/setup', [], {}, copy));
    }
    expectSuccess(await cli(['deploy', 'image']));
    expect(verified('image')).not.toBe(released);
  });
});

describe('npm run down', () => {
  test('after a teardown that fails (the state passphrase missing): exit 1, what is still deployed named, and no dockerd, registry or PostgreSQL process left', async () => {
    // api reads a secret from here on: the next deploy encrypts every stage's state.
    const secrets = mkdtempSync(join(tmpdir(), 'recovery-secrets-'));
    const passphrase = join(secrets, 'state.passphrase');
    writeFileSync(join(secrets, 'dev.env'), 'API_TOKEN=recovery-token-0123456789\n');
    writeFileSync(passphrase, 'recovery-passphrase-0123456789\n');
    env = { ...env, PIPELINE_SECRETS_DIR: secrets };
    giveApiSecret(copy, null); // OpenTofu's own key derivation settings, as a team's default
    expectSuccess(await cli(['deploy', 'dev']));
    // PostgreSQL too (set-up starts it for PIPELINE_STATE=pg); then the copy's own set-up again.
    expectSuccess(await sh('scripts/setup', [], { PIPELINE_STATE: 'pg' }, copy));
    expectSuccess(await sh('scripts/setup', [], {}, copy));
    const home = env.CDKTF_PIPELINE_HOME ?? '';
    const pids = {
      dockerd: Number(readFileSync(join(home, 'run', 'dockerd.pid'), 'utf8')),
      registry: Number(readFileSync(join(home, 'run', 'registry.pid'), 'utf8')),
      postgres: Number(
        readFileSync(join(home, 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
      ),
    };
    expect(Object.values(pids).map(alive)).toEqual([true, true, true]);
    const deployed = (await containerNames()).filter((n) => /^(dev|staging)-/.test(n)).sort();
    expect(deployed.length).toBeGreaterThan(0);

    renameSync(passphrase, `${passphrase}.away`);
    try {
      const down = await sh('npm', ['run', '-s', 'down'], env, copy);
      expect(down.code).toBe(1);
      for (const line of [
        `[teardown] error: the delivery encrypts its state, and no passphrase is given (neither TF_VAR_state_passphrase nor ${passphrase}). Nothing was read or changed.`,
        '[teardown] the teardown failed (its error is above); still deployed, on the Docker engine:',
        ...deployed.map((n) => `[sweep] found container ${n} (environment ${n.split('-')[0]})`),
        '[teardown] error: stopped the daemons; what is listed above is still deployed',
        '[teardown] fix: Fix the error above, then run scripts/setup and npm run down again: the teardown destroys what is left.',
      ]) {
        expect(down.output.split('\n')).toContain(line);
      }
      for (const [daemon, pid] of Object.entries(pids)) {
        await until(`${daemon} (pid ${pid}) to exit`, () => !alive(pid), 30);
      }
    } finally {
      renameSync(`${passphrase}.away`, passphrase);
      // The daemons come back whatever the assertions found: afterAll destroys with them.
      expectSuccess(await sh('scripts/setup', [], {}, copy));
    }
  });
});

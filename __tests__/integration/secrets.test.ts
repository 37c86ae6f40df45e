/**
 * Secrets, encrypted state and hardened containers, for real: a copy of this project whose api
 * service reads a secret, real deploys of image, dev, staging and prod, a real search of every
 * file for the values. The tests build on each other and run in order; afterAll destroys
 * everything, pass or fail.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

import { Release, releaseId } from '../../lib';
import { CommandResult, containerNames, docker, expectSuccess, httpGet, sh } from '../helpers/cli';
import {
  engineObjectsOf,
  enterLane,
  laneNames,
  LANES,
  laneUrl,
  claimEnvironments,
} from '../helpers/lane';
import { giveApiSecret, pipelineEnv, projectCopy } from '../helpers/project-copy';

jest.setTimeout(15 * 60 * 1000);

/** This suite's lane: it runs beside the other suites on one engine. */
const LANE = LANES.secrets;
const P = LANE.namePrefix;
const URLS = {
  dev: laneUrl(LANE, 8080),
  staging: laneUrl(LANE, 8180),
  prod: laneUrl(LANE, 8280),
};
const DOCKER_NAMES = laneNames(LANE, ['dev', 'staging', 'prod']);
const STAGES = ['dev', 'staging', 'prod'] as const;

let copy = '';
let secretsDir = '';
let env: NodeJS.ProcessEnv = {};
let before: { containers: string[]; networks: string[] } | undefined;
/** Every output the commands of this suite printed, searched for the secrets at the end. */
const outputs: string[] = [];
const values: Record<(typeof STAGES)[number], string> = {
  dev: `dev-token-${randomBytes(12).toString('hex')}`,
  staging: `staging-token-${randomBytes(12).toString('hex')}`,
  prod: `prod-token-${randomBytes(12).toString('hex')}`,
};
const passphrase = `passphrase-${randomBytes(16).toString('hex')}`;

/** Runs a command in the copy with its environment; its output is kept for the search. */
async function recorded(
  command: string,
  args: readonly string[],
  extra: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  const result = await sh(command, args, { ...env, ...extra }, copy);
  outputs.push(result.output);
  return result;
}

function cli(args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return recorded(join(copy, 'node_modules', '.bin', 'cdktf-pipeline'), args, extra);
}

/** A container's state: running, exited, ... */
async function containerState(name: string): Promise<string> {
  return (await docker('inspect', '--format', '{{.State.Status}}', name)).trim();
}

/** What the sample's health page shows of a secret: the start of its SHA-256. */
function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/**
 * The files under `dir` that contain `needle`, as grep finds them (binary files too). Network
 * namespace files (`netns/`: what the Swarm suite's second engine mounts under the package's run
 * folder while it runs beside this one) are not files one can read.
 */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found = await sh('grep', [
    '-rlF',
    '--binary-files=text',
    '--exclude-dir=netns',
    '-e',
    needle,
    dir,
  ]);
  if (found.code > 1) throw new Error(`grep failed in ${dir}:\n${found.output}`);
  return found.output.split('\n').filter(Boolean);
}

/** Runs the engine in a scratch folder against a state file: `show`, with a passphrase. */
async function showState(stateFile: string, withPassphrase: string): Promise<CommandResult> {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-show-'));
  try {
    // What docs/secrets.md documents for reading the state with the engine by hand.
    const method = 'method.aes_gcm.pipeline';
    const encryption = {
      key_provider: { pbkdf2: { pipeline: { passphrase: '${var.state_passphrase}' } } },
      method: { aes_gcm: { pipeline: { keys: '${key_provider.pbkdf2.pipeline}' } } },
      state: { method, enforced: true },
    };
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({
        terraform: { backend: { local: { path: stateFile } }, encryption },
        variable: { state_passphrase: { type: 'string', sensitive: true } },
      }),
    );
    const engine = env.TERRAFORM_BINARY_NAME ?? 'tofu';
    const engineEnv = {
      ...env,
      TF_VAR_state_passphrase: withPassphrase,
      TF_DATA_DIR: join(dir, '.terraform'),
    };
    // init reads the state already: with a wrong passphrase, it is init that fails.
    const init = await sh(engine, ['init', '-input=false', '-no-color'], engineEnv, dir);
    return init.code === 0 ? await sh(engine, ['show', '-no-color'], engineEnv, dir) : init;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  copy = await projectCopy('secrets-');
  secretsDir = mkdtempSync(join(tmpdir(), 'secrets-values-'));
  const laneEnv = enterLane(copy, LANE);
  expectSuccess(await sh('scripts/setup', [], {}, copy));
  env = {
    ...pipelineEnv(copy),
    ...laneEnv,
    PIPELINE_REVIEW_IDS: '',
    PIPELINE_SECRETS_DIR: secretsDir,
  };
  before = await claimEnvironments(DOCKER_NAMES);
});

afterAll(async () => {
  if (!before) return;
  const down = await cli(['teardown', '--yes'], { TF_VAR_state_passphrase: passphrase });
  rmSync(copy, { recursive: true, force: true });
  rmSync(secretsDir, { recursive: true, force: true });
  expectSuccess(down);
  expect(await engineObjectsOf(DOCKER_NAMES)).toEqual(before);
});

describe('secrets and encrypted state', () => {
  test('state written in plain text before the delivery had a secret is encrypted on the next deploy, without loss', async () => {
    expectSuccess(await cli(['deploy', 'image', 'dev']));
    const plain = JSON.parse(
      readFileSync(join(copy, '.pipeline', 'state', 'dev.tfstate'), 'utf8'),
    ) as {
      outputs: { verified_release: { value: Release } };
    };
    const verified = plain.outputs.verified_release.value;

    // The api service now reads a secret: the delivery encrypts its state from here on.
    giveApiSecret(copy);
    for (const stage of STAGES) {
      writeFileSync(join(secretsDir, `${stage}.env`), `# ${stage}\nAPI_TOKEN=${values[stage]}\n`);
    }
    writeFileSync(join(secretsDir, 'state.passphrase'), `${passphrase}\n`);

    const deployed = await cli(['deploy', 'dev']);
    expectSuccess(deployed);
    expect(deployed.output).toContain(
      '[deploy] encrypting the state of image (.pipeline/state/image.tfstate), written in plain text\n',
    );
    expect(deployed.output).toContain(
      '[deploy] encrypting the state of dev (.pipeline/state/dev.tfstate), written in plain text\n',
    );
    expect(deployed.output).toContain(`(verified release ${releaseId(verified)} (`);
    for (const stage of ['image', 'dev']) {
      const state = JSON.parse(
        readFileSync(join(copy, '.pipeline', 'state', `${stage}.tfstate`), 'utf8'),
      ) as object;
      expect(Object.keys(state).sort()).toEqual([
        'encrypted_data',
        'encryption_version',
        'lineage',
        'meta',
        'serial',
      ]);
    }
    const health = await httpGet(`${URLS.dev}/cgi-bin/health`);
    expect(health).toEqual({
      status: 200,
      body: `ok web (upstream: ok api secret API_TOKEN ${fingerprint(values.dev)} )\n`,
    });
  });

  test('a stage whose secret is not given is refused before anything is deployed, naming the secret and where to give it', async () => {
    const file = join(secretsDir, 'staging.env');
    renameSync(file, `${file}.away`);
    try {
      const refused = await cli(['deploy', 'staging']);
      expect(refused.code).toBe(1);
      expect(refused.output).toContain(
        `[deploy] error: staging needs a secret that is not given: API_TOKEN (read by api). Nothing was deployed.\n` +
          `[deploy] fix: Set TF_VAR_secret_api_token in the environment, or add NAME=value lines to ${file} (outside the repository).\n`,
      );
    } finally {
      renameSync(`${file}.away`, file);
    }
    expect((await docker('ps', '-q', '--filter', `name=${P}staging-`)).trim()).toBe('');
  });

  test("render maps the delivery's secret and the passphrase into the GitHub workflow, by name", async () => {
    const file = join(copy, '.github', 'workflows', 'deploy.yml');
    const secretEnv = {
      TF_VAR_secret_api_token: '${{ secrets.API_TOKEN }}',
      TF_VAR_state_passphrase: '${{ secrets.STATE_PASSPHRASE }}',
    };
    // The committed workflow is the sample's, which has no secret: the check finds it stale.
    const workflowEnv = () => (parse(readFileSync(file, 'utf8')) as { env: object }).env;
    expect(workflowEnv()).not.toMatchObject(secretEnv);
    // The copy's own CLI reads the copy's model: the linked one (node_modules/.bin) runs this
    // checkout's library, whose DeliveryPipeline is another class than the one the model is built
    // from, and render checks what the model module exports by its class.
    const render = (...args: string[]) =>
      recorded('node', [
        join(copy, 'bin', 'cdktf-pipeline-app.js'),
        join(copy, 'lib', 'cli', 'bin.ts'),
        'render',
        ...args,
      ]);
    const stale = await render('--check');
    expect(stale.code).toBe(1);
    expect(stale.output).toContain(
      '[render] .github/workflows/deploy.yml differs from the model; run cdktf-pipeline render and commit it\n',
    );
    const rendered = await render();
    expectSuccess(rendered);
    expect(rendered.output).toContain('[render] wrote .github/workflows/deploy.yml\n');
    expect(workflowEnv()).toMatchObject(secretEnv);
    expectSuccess(await render('--check'));
  });

  test('dev, staging and prod each run with their own secret; no value is in any file, the state or any output', async () => {
    expectSuccess(await cli(['deploy', 'staging']));
    expectSuccess(await cli(['approve', 'prod', '--from', 'staging']));
    expectSuccess(await cli(['deploy', 'prod']));
    expectSuccess(await cli(['check', 'prod']));
    for (const stage of STAGES) {
      expect(await httpGet(`${URLS[stage]}/cgi-bin/health`)).toEqual({
        status: 200,
        body: `ok web (upstream: ok api secret API_TOKEN ${fingerprint(values[stage])} )\n`,
      });
    }
    // The process that deploys gives a secret too, before the file.
    const given = `given-token-${randomBytes(12).toString('hex')}`;
    const redeployed = await cli(['deploy', 'dev'], { TF_VAR_secret_api_token: given });
    expectSuccess(redeployed);
    expect((await httpGet(`${URLS.dev}/cgi-bin/health`)).body).toContain(fingerprint(given));

    // Every file of the project (state, logs, outputs, the generated CI files), the cache
    // folder, and everything printed: not one value, not the passphrase.
    expectSuccess(await cli(['parity', '--review', 'secrets']));
    const cache = env.CDKTF_PIPELINE_HOME ?? '';
    expect(cache).not.toBe('');
    for (const needle of [...Object.values(values), given, passphrase]) {
      expect({ needle, files: await filesContaining(copy, needle) }).toEqual({ needle, files: [] });
      expect({ needle, files: await filesContaining(cache, needle) }).toEqual({
        needle,
        files: [],
      });
      expect({ needle, outputs: outputs.filter((o) => o.includes(needle)).length }).toEqual({
        needle,
        outputs: 0,
      });
    }
  });

  test('state cannot be read without the passphrase; with it, a redeploy changes nothing', async () => {
    const state = join(copy, '.pipeline', 'state', 'prod.tfstate');
    const wrong = await showState(state, `wrong-${passphrase}`);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/decryption failed/);
    expect(wrong.output).not.toContain(values.prod);
    const right = await showState(state, passphrase);
    expectSuccess(right);
    expect(right.output).toContain('docker_container.Services_Api_');
    expect(right.output).not.toContain(values.prod);

    const checked = await cli(['check', 'prod'], {
      TF_VAR_state_passphrase: `wrong-${passphrase}`,
    });
    expect(checked).toEqual({
      code: 1,
      output:
        `[check] error: the state at ${join(copy, '.pipeline', 'state', 'prod.tfstate')} is encrypted, and the passphrase given (TF_VAR_state_passphrase, else ${join(secretsDir, 'state.passphrase')}) does not decrypt it. Nothing was changed.\n` +
        '[check] fix: Give the passphrase this state was encrypted with.\n',
    });
    const again = await cli(['deploy', 'prod']);
    expectSuccess(again);
    expect(again.output).toMatch(/\[deploy\] deployed prod in \d+s, no changes: /);
  });

  test('every command that reads the encrypted state refuses without the passphrase with one message, and with a wrong one with another; nothing changes', async () => {
    const file = join(secretsDir, 'state.passphrase');
    const stateDir = join(copy, '.pipeline', 'state');
    const states = () =>
      Object.fromEntries(
        readdirSync(stateDir).map((f) => [f, readFileSync(join(stateDir, f), 'utf8')]),
      );
    const approvals = readFileSync(join(copy, 'approvals', 'prod.txt'), 'utf8');
    const statesBefore = states();
    const engineBefore = await engineObjectsOf(DOCKER_NAMES);
    const commands = [
      ['deploy', 'dev'],
      ['plan', 'dev'],
      ['destroy', 'dev', '--yes'],
      ['teardown', '--yes'],
      ['status'],
      ['drift', 'dev'],
      ['check', 'dev'],
      ['approve', 'prod', '--from', 'staging'],
      ['migrate-state', '--to', 'pg'],
      ['expire-reviews', '1 hour', '--yes'],
    ];
    const missing = (command: string) =>
      `[${command}] error: the delivery encrypts its state, and no passphrase is given (neither TF_VAR_state_passphrase nor ${file}). Nothing was read or changed.\n` +
      `[${command}] fix: Set TF_VAR_state_passphrase, or write the passphrase (at least 16 characters) to ${file}.\n`;
    const wrong = (command: string, stage: string) =>
      `[${command}] error: the state at ${join(stateDir, `${stage}.tfstate`)} is encrypted, and the passphrase given (TF_VAR_state_passphrase, else ${file}) does not decrypt it. Nothing was changed.\n` +
      `[${command}] fix: Give the passphrase this state was encrypted with.\n`;
    renameSync(file, `${file}.away`);
    const refusals = [];
    try {
      for (const args of commands) refusals.push({ args, result: await cli(args) });
    } finally {
      renameSync(`${file}.away`, file);
    }
    expect(refusals).toEqual(
      commands.map((args) => ({ args, result: { code: 1, output: missing(args[0]) } })),
    );
    // The variable comes before the file: a wrong one there is used, and refused. Each command
    // names the first state it reads; plan says what it plans first.
    const firstRead: Record<string, string> = { deploy: 'image', approve: 'staging' };
    const wrongly = [];
    for (const args of commands) {
      wrongly.push({
        args,
        result: await cli(args, { TF_VAR_state_passphrase: `wrong-${passphrase}` }),
      });
    }
    expect(wrongly).toEqual(
      commands.map((args) => ({
        args,
        result: {
          code: 1,
          output:
            (args[0] === 'plan' ? '[plan] planning dev\n' : '') +
            wrong(args[0], firstRead[args[0]] ?? 'dev'),
        },
      })),
    );
    expect(states()).toEqual(statesBefore);
    expect(readFileSync(join(copy, 'approvals', 'prod.txt'), 'utf8')).toBe(approvals);
    expect(await engineObjectsOf(DOCKER_NAMES)).toEqual(engineBefore);
  });

  test('every container of every environment runs hardened: a non-root user, read-only root filesystem, no capabilities, no new privileges, limits, only web published, on loopback', async () => {
    const names = (await containerNames()).filter((n) =>
      new RegExp(`^${P}(dev|staging|prod)-(api|web)-\\d+$`).test(n),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        `${P}dev-api-0`,
        `${P}dev-web-0`,
        `${P}prod-api-0`,
        `${P}prod-web-1`,
      ]),
    );
    const inspected = JSON.parse(await docker('inspect', ...names)) as {
      Name: string;
      Config: { User: string; Env: string[] };
      HostConfig: {
        ReadonlyRootfs: boolean;
        CapDrop: string[];
        CapAdd: string[] | null;
        SecurityOpt: string[];
        Memory: number;
        MemorySwap: number;
        NanoCpus: number;
        Privileged: boolean;
        PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null;
      };
    }[];
    expect(inspected).toHaveLength(names.length);
    for (const c of inspected) {
      const published = /-web-\d+$/.test(c.Name);
      const ports = c.HostConfig.PortBindings ?? {};
      const bindings = Object.keys(ports).length > 0 ? ports : null;
      expect({ name: c.Name, user: c.Config.User, bindings }).toEqual({
        name: c.Name,
        user: '65534:65534',
        bindings: published
          ? { '8080/tcp': [{ HostIp: LANE.address, HostPort: expect.stringMatching(/^\d+$/) }] }
          : null,
      });
      expect(c.HostConfig).toMatchObject({
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        CapAdd: null,
        SecurityOpt: ['no-new-privileges:true'],
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        NanoCpus: 500_000_000,
        Privileged: false,
      });
    }
    expect(inspected.find((c) => c.Name === `/${P}prod-web-1`)?.HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: LANE.address, HostPort: '8281' }],
    });
    const write = await sh('docker', ['exec', `${P}prod-web-1`, 'sh', '-c', 'id -u; touch /www/x']);
    expect(write.code).not.toBe(0);
    expect(write.output).toContain('65534\n');
    expect(write.output).toContain('Read-only file system');
  });
});

describe('drift', () => {
  const drift = (...args: string[]) => cli(['drift', ...args]);

  test('right after a deploy every environment is in sync: exit 0', async () => {
    const result = await drift();
    expect(result).toEqual({
      code: 0,
      output:
        '[drift] dev: in sync with its last deploy\n' +
        '[drift] staging: in sync with its last deploy\n' +
        '[drift] prod: in sync with its last deploy\n',
    });
  });

  test('a replica removed, one stopped and one cut from its network are each named: exit 2; a redeploy heals it', async () => {
    await docker('rm', '-f', `${P}prod-web-1`);
    await docker('stop', `${P}prod-api-1`);
    await docker('network', 'disconnect', `${P}prod-net`, `${P}prod-web-0`);
    const result = await drift('prod');
    expect(result.code).toBe(2);
    // The report (by address), then the verdict on stderr.
    const lines = result.output.split('\n').filter(Boolean);
    expect(lines).toEqual([
      '[drift] prod: drifted, 3 resources differ from the last deploy:',
      expect.stringMatching(
        new RegExp(
          `^\\[drift\\] {3}docker_container\\.Services_Api_\\w+\\[1\\] \\(${P}prod-api-1\\): stopped outside a deploy: .*must_run`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^\\[drift\\] {3}docker_container\\.Services_Web_\\w+\\[0\\] \\(${P}prod-web-0\\): changed outside a deploy: .*network_data`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^\\[drift\\] {3}docker_container\\.Services_Web_\\w+\\[1\\] \\(${P}prod-web-1\\): removed outside a deploy$`,
        ),
      ),
      '[drift] 1 of 1 environment drifted. Heal with a redeploy: cdktf-pipeline deploy prod (it puts back what the last deploy recorded).',
    ]);
    expect(result.output).not.toContain(values.prod);
    // Nothing was changed by looking.
    expect(await containerState(`${P}prod-api-1`)).toBe('exited');

    expectSuccess(await cli(['deploy', 'prod']));
    expect(await drift('prod')).toEqual({
      code: 0,
      output: '[drift] prod: in sync with its last deploy\n',
    });
    expect(await httpGet(`${URLS.prod}/cgi-bin/health`)).toEqual({
      status: 200,
      body: `ok web (upstream: ok api secret API_TOKEN ${fingerprint(values.prod)} )\n`,
    });
  });
});

/**
 * The package as another project uses it: packed with `npm pack`, installed from the tarball into
 * a new project in a temporary folder outside this repository (its own package.json, service and
 * environments: __tests__/fixtures/consumer), loaded, synthesized, deployed for real, tested with
 * the testing kit, and destroyed. The tests build on each other and run in order.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import {
  CommandResult,
  containerNames,
  docker,
  expectSuccess,
  httpGet,
  networkNames,
  sh,
} from '../helpers/cli';
import { consumerProject } from '../helpers/consumer-project';
import { claimEnvironments, engineObjectsOf } from '../helpers/lane';

jest.setTimeout(15 * 60 * 1000);

const project = mkdtempSync(join(tmpdir(), 'consumer-'));
const QA_URL = 'http://127.0.0.1:18480';
/** The Docker names of the consumer's environments: the engine objects that are its own. */
const DOCKER_NAMES = ['qa', 'live'];
let before: { containers: string[]; networks: string[] } | undefined;

/** A command in the consumer project; throws with its output when it fails. */
async function inProject(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  return sh(command, args, env, project);
}

async function ok(command: string, ...args: string[]): Promise<string> {
  const result = await inProject(command, args);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code}):\n${result.output}`);
  }
  return result.output;
}

/** A cdk.tf.json as the engine receives it, without cdktf metadata and the backend. */
function comparable(stack: string, outdir = 'cdktf.out'): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== '//')
          .map(([key, v]) => [key, strip(v)]),
      );
    }
    return value;
  };
  const json = strip(
    JSON.parse(readFileSync(join(project, outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')),
  ) as { terraform: { backend?: unknown } };
  delete json.terraform.backend;
  return json;
}

function stagesOf(outdir: string): string[] {
  const delivery = JSON.parse(readFileSync(join(project, outdir, 'delivery.json'), 'utf8')) as {
    stages: { name: string }[];
  };
  return delivery.stages.map((s) => s.name);
}

beforeAll(async () => {
  before = await claimEnvironments(DOCKER_NAMES, "the consumer's environments");
  await consumerProject(project);
});

afterAll(async () => {
  if (!before) return;
  // Whatever the tests left deployed, pass or fail; a teardown that fails fails the suite.
  if (existsSync(join(project, 'node_modules', '.bin', 'cdktf-pipeline'))) {
    const down = await inProject('npx', ['cdktf-pipeline', 'teardown', '--yes']);
    rmSync(project, { recursive: true, force: true });
    expectSuccess(down);
  }
  rmSync(project, { recursive: true, force: true });
  expect(await engineObjectsOf(DOCKER_NAMES)).toEqual(before);
});

describe('a project that installs the package from its tarball', () => {
  test("the package ships compiled JavaScript, declarations and init's project files, and loads with plain node, with its app runner and with ts-node", async () => {
    const installed = join(project, 'node_modules', 'cdktf-deployment-pipeline');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [relative(installed, join(dir, e.name))],
      );
    const shipped = files(installed);
    // TypeScript only as declarations, and as the files of the project `init` writes.
    expect(
      shipped.filter(
        (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('templates/init/'),
      ),
    ).toEqual([]);
    expect(shipped).toContain('bin/cdktf-pipeline-app.js');
    expect(shipped).toEqual(expect.arrayContaining(['dist/index.js', 'dist/testing/index.js']));

    // Plain node on the project's compiled JavaScript.
    await ok('npx', 'tsc', '-p', '.');
    const node = await inProject('node', ['build/main.js'], {
      CDKTF_OUTDIR: join(project, 'out-node'),
    });
    expect(node).toEqual({ code: 0, output: '' });
    expect(stagesOf('out-node')).toEqual(['image', 'qa', 'live']);
    const kit = await inProject('node', [
      '-e',
      "const t = require('cdktf-deployment-pipeline/testing'); console.log(typeof t.planOf, typeof t.parityMatchers.toHaveEnvironmentParity)",
    ]);
    expect(kit).toEqual({ code: 0, output: 'function function\n' });

    // The package's app runner, as the project's cdktf.json runs the app: its JavaScript kept in the project's
    // node_modules/.cache, one file for each of the project's TypeScript files it loaded.
    const cache = join(project, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');
    rmSync(cache, { recursive: true, force: true });
    const runner = await inProject(
      'node',
      ['-r', 'cdktf-deployment-pipeline/register', 'main.ts'],
      {
        CDKTF_OUTDIR: join(project, 'out-runner'),
      },
    );
    expect(runner).toEqual({ code: 0, output: '' });
    expect(stagesOf('out-runner')).toEqual(['image', 'qa', 'live']);
    expect(readdirSync(cache).filter((f) => f.endsWith('.js'))).toHaveLength(
      ['main.ts', 'delivery.ts'].length,
    );

    // ts-node on the TypeScript sources, as the cdktf template runs an app.
    const tsNode = await inProject('npx', ['ts-node', 'main.ts'], {
      CDKTF_OUTDIR: join(project, 'out-ts-node'),
    });
    expect(tsNode).toEqual({ code: 0, output: '' });
    expect(stagesOf('out-ts-node')).toEqual(['image', 'qa', 'live']);
  });

  test('cdktf synth with the app runner writes what it writes with ts-node; identical Terraform for qa and live, and the parity command says so', async () => {
    await ok('npx', 'cdktf', 'synth');
    await ok(
      'npx',
      'cdktf',
      'synth',
      '--app',
      'npx ts-node main.ts',
      '--output',
      'out-synth-ts-node',
    );
    const written = (outdir: string) =>
      Object.fromEntries(
        readdirSync(join(project, outdir, 'stacks')).map((stack) => [
          stack,
          readFileSync(join(project, outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'),
        ]),
      );
    expect(Object.keys(written('cdktf.out')).sort()).toEqual(['image', 'live', 'qa']);
    expect(written('out-synth-ts-node')).toEqual(written('cdktf.out'));
    expect(comparable('live')).toEqual(comparable('qa'));
    // What differs is in the variables files, and no path of the package reaches the engine.
    const values = (stack: string) =>
      JSON.parse(
        readFileSync(join(project, 'cdktf.out', 'stacks', stack, 'terraform.tfvars.json'), 'utf8'),
      ) as Record<string, unknown>;
    expect(values('qa')).toMatchObject({
      environment: 'qa',
      hello_port: 18480,
      hello_replicas: 1,
      // The project's own settings, a setting's default where the environment gives none.
      setting_data_size_mb: 8,
      setting_tier: 'test',
      setting_backups: false,
      setting_owners: ['qa-team'],
      setting_labels: {},
    });
    expect(values('live')).toMatchObject({
      environment: 'live',
      hello_port: 18580,
      hello_replicas: 2,
      setting_data_size_mb: 32,
      setting_tier: 'live',
      setting_backups: true,
      setting_owners: ['ops', 'dev'],
      setting_labels: { cost: 'c1' },
    });
    for (const stack of ['qa', 'live']) {
      expect(
        readFileSync(join(project, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'),
      ).not.toContain('node_modules');
    }

    expect(await inProject('npx', ['cdktf-pipeline', 'parity'])).toEqual({
      code: 0,
      output: 'parity OK: 2 environment stacks synthesize identical Terraform (qa, live)\n',
    });
  });

  test('cdktf deploy of the image and qa runs for real, and the service answers over HTTP', async () => {
    await ok('npx', 'cdktf', 'deploy', 'image', '--auto-approve', '--skip-provider-lock');
    await ok('npx', 'cdktf', 'deploy', 'qa', '--auto-approve', '--skip-provider-lock');
    expect(await httpGet(`${QA_URL}/`)).toEqual({
      status: 200,
      body: '<p>hello from the consumer</p>\n',
    });
    expect(await containerNames()).toEqual(expect.arrayContaining(['qa-hello-0', 'qa-worker-0']));

    const check = await inProject('npx', ['cdktf-pipeline', 'check', 'qa']);
    expect(check).toEqual({ code: 0, output: `[check] qa: hello/ answered 200 (${QA_URL}/)\n` });
    // qa verified exactly the release the image stage pushed: both images, each by digest.
    const verified = (stack: string) =>
      (
        JSON.parse(
          readFileSync(join(project, '.pipeline', 'state', `${stack}.tfstate`), 'utf8'),
        ) as {
          outputs: { verified_release: { value: Record<string, string> } };
        }
      ).outputs.verified_release.value;
    expect(verified('image')).toEqual({
      hello: expect.stringMatching(/^127\.0\.0\.1:5000\/hello-consumer@sha256:[0-9a-f]{64}$/),
      worker: expect.stringMatching(/^127\.0\.0\.1:5000\/hello-worker@sha256:[0-9a-f]{64}$/),
    });
    expect(verified('qa')).toEqual(verified('image'));
    // Each service runs its own image of the release.
    for (const [service, image] of [
      ['hello', 'hello'],
      ['worker', 'worker'],
    ]) {
      const id = await docker('inspect', '--format', '{{.Image}}', `qa-${service}-0`);
      const digests = JSON.parse(
        await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', id),
      ) as string[];
      expect(digests).toContain(verified('qa')[image]);
    }
  });

  test("live, once its release is approved, deploys too; each environment's own data volume has that environment's settings", async () => {
    await ok('npx', 'cdktf-pipeline', 'approve', 'live', '--from', 'qa');
    await ok('npx', 'cdktf', 'deploy', 'live', '--auto-approve', '--skip-provider-lock');
    const volume = async (name: string) => {
      const [inspected] = JSON.parse(await docker('volume', 'inspect', name)) as {
        Options: Record<string, string>;
        Labels: Record<string, string>;
      }[];
      return { options: inspected.Options, labels: inspected.Labels };
    };
    expect(await volume('qa-data')).toEqual({
      options: { type: 'tmpfs', device: 'tmpfs', o: 'size=8m' },
      labels: {
        'cdktf-pipeline.environment': 'qa',
        tier: 'test',
        backups: 'false',
        owners: 'qa-team',
      },
    });
    expect(await volume('live-data')).toEqual({
      options: { type: 'tmpfs', device: 'tmpfs', o: 'size=32m' },
      labels: {
        'cdktf-pipeline.environment': 'live',
        tier: 'live',
        backups: 'true',
        owners: 'ops,dev',
        cost: 'c1',
      },
    });
  });

  test("the project's own jest test, with the parity matcher and a plan snapshot, passes", async () => {
    // CI=1 would make jest refuse to write a new snapshot: the first run writes it explicitly.
    const first = await inProject('npx', ['jest', '--ci=false']);
    expectSuccess(first);
    expect(first.output).toMatch(/Tests: +2 passed, 2 total/);
    expect(first.output).toMatch(/Snapshots: +1 written, 1 total/);
    const snapshot = readFileSync(join(project, '__snapshots__', 'delivery.test.ts.snap'), 'utf8');
    expect(snapshot).toContain('"address": "docker_container.Services_Hello_');
    expect(snapshot).toContain('"name": "qa-hello-0"');
    // The project's own resource is in the plan, with qa's value of its setting.
    expect(snapshot).toContain('"address": "docker_volume.Data"');
    expect(snapshot).toContain('"o": "size=8m"');
    expect(snapshot).not.toContain(project);

    // Again with --ci: the written snapshot is what the plan gives.
    const again = await inProject('npx', ['jest', '--ci']);
    expectSuccess(again);
    expect(again.output).toMatch(/Snapshots: +1 passed, 1 total/);
  });

  test("the project's pipeline model renders to CI files that call the CLI", async () => {
    expect(await inProject('npx', ['cdktf-pipeline', 'render'])).toEqual({
      code: 0,
      output: '[render] wrote .gitlab-ci.yml\n[render] wrote .github/workflows/hello.yml\n',
    });
    const gitlab = readFileSync(join(project, '.gitlab-ci.yml'), 'utf8');
    expect(gitlab).toContain('# Generated by `cdktf-pipeline render` from pipeline.ts.');
    expect(gitlab).toContain(
      '  script:\n' +
        '    - npx cdktf-pipeline approve live --from qa --release "$PIPELINE_RELEASE"\n' +
        '    - npx cdktf-pipeline deploy live --release "$PIPELINE_RELEASE"\n',
    );
    expect(readFileSync(join(project, '.github', 'workflows', 'hello.yml'), 'utf8')).toContain(
      'run: npx cdktf-pipeline deploy qa --release "$PIPELINE_RELEASE"',
    );
    expect(await inProject('npx', ['cdktf-pipeline', 'render', '--check'])).toMatchObject({
      code: 0,
    });
  });

  test('destroy and teardown without a terminal refuse until --yes is given, and qa answers until then', async () => {
    for (const [command, ...args] of [['destroy', 'qa'], ['teardown']]) {
      const refused = await inProject('npx', ['cdktf-pipeline', command, ...args]);
      expect(refused.code).toBe(64);
      expect(refused.output).toMatch(
        new RegExp(
          String.raw`^\[${command}\] {3}qa \(environment\): runs release [0-9a-f]{12} \(hello sha256:[0-9a-f]{12}, worker sha256:[0-9a-f]{12}\); hello at http://127\.0\.0\.1:\d+/?; state \.pipeline/state/qa\.tfstate$`,
          'm',
        ),
      );
      expect(refused.output.split('\n').filter((l) => / (error|fix): /.test(l))).toEqual([
        `[${command}] error: destroying needs a confirmation, and there is no terminal to ask on: nothing was destroyed.`,
        `[${command}] fix: Run it on a terminal to be asked, or confirm on the command line: cdktf-pipeline ${[command, ...args].join(' ')} --yes.`,
      ]);
      expect(await httpGet(`${QA_URL}/`)).toEqual({
        status: 200,
        body: '<p>hello from the consumer</p>\n',
      });
    }

    const destroyed = await inProject('npx', ['cdktf-pipeline', 'destroy', 'qa', '--yes']);
    expectSuccess(destroyed);
    expect(destroyed.output).toContain('[destroy] confirmed with --yes\n');
    expect(destroyed.output).toContain('[destroy] destroyed qa\n');
    expect((await containerNames()).filter((n) => n.startsWith('qa-'))).toEqual([]);
    expect(await networkNames()).not.toContain('qa-net');
    expect((await httpGet(`${QA_URL}/`)).status).toBe(0);
  });

  test("the project's own TypeScript deploys qa and destroys it through the operations API, and a wrong stack is an OperationError", async () => {
    const operate = async (...args: string[]) => {
      const result = await inProject('npx', ['cdktf-pipeline-app', 'operate.ts', ...args]);
      expectSuccess(result);
      return JSON.parse(result.output) as {
        result?: {
          stacks?: { stack: string; url?: string; releaseId?: string }[];
          destroyed?: string[];
        };
        status?: { releaseId?: string; environments: { environment: string; deployed: boolean }[] };
        plan?: { changes: boolean; stacks: { stack: string; add: number }[] };
        progress?: { operation: string; level: string; message: string }[];
        error?: { message: string; fix: string; exitCode: number };
      };
    };
    const deployed = await operate('deploy', 'qa');
    expect(deployed.result?.stacks).toEqual([
      expect.objectContaining({
        stack: 'qa',
        url: `${QA_URL}/`,
        releaseId: deployed.status?.releaseId,
      }),
    ]);
    expect(deployed.progress).toContainEqual({
      operation: 'deploy',
      level: 'info',
      message: expect.stringMatching(
        /^deployed qa in \d+s: http:\/\/127\.0\.0\.1:18480\/? \(verified release [0-9a-f]{12} /,
      ),
    });
    expect(deployed.status?.environments.find((e) => e.environment === 'qa')?.deployed).toBe(true);
    expect(deployed.plan).toEqual({
      changes: false,
      stacks: [{ stack: 'qa', add: 0, change: 0, destroy: 0, resources: [] }],
    });
    // The CLI's plan says the same, and exits 0: nothing to change.
    expect(await inProject('npx', ['cdktf-pipeline', 'plan', 'qa'])).toEqual({
      code: 0,
      output: '[plan] planning qa\n[plan] qa: no changes\n',
    });
    expect(await httpGet(`${QA_URL}/`)).toEqual({
      status: 200,
      body: '<p>hello from the consumer</p>\n',
    });

    const destroyed = await operate('destroy', 'qa');
    expect(destroyed.result?.destroyed).toEqual(['qa']);
    expect(destroyed.status?.environments.find((e) => e.environment === 'qa')?.deployed).toBe(
      false,
    );
    expect((await containerNames()).filter((n) => n.startsWith('qa-'))).toEqual([]);

    expect((await operate('deploy', 'nowhere')).error).toEqual({
      message: "the app has no stack 'nowhere' (stacks: image, qa, live).",
      fix: 'Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline deploy qa.',
      exitCode: 64,
    });
  });

  test('cdktf-pipeline teardown --yes destroys everything still deployed', async () => {
    const down = await inProject('npx', ['cdktf-pipeline', 'teardown', '--yes']);
    expectSuccess(down);
    expect(down.output).toContain('[teardown] destroyed live, image\n');
    expect((await containerNames()).filter((n) => /^(qa|live)-/.test(n))).toEqual([]);
    const volumes = (await docker('volume', 'ls', '--format', '{{.Name}}')).split('\n');
    expect(volumes.filter((v) => /^(qa|live)-data$/.test(v))).toEqual([]);
    const again = await inProject('npx', ['cdktf-pipeline', 'teardown']);
    expect(again).toEqual({ code: 0, output: '[teardown] nothing is deployed\n' });
  });
});

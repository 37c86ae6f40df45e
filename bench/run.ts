/**
 * npm run bench: writes BENCHMARKS.md from scratch at the commit it names. Every comparison runs
 * interleaved (round 1: A, B, C; round 2: B, C, A; ...) and every ratio is taken per round, so a
 * slow moment of the machine hits both sides of it. Timings live here, never in tests.
 *   npm run bench                                   everything: synth, consumer, scale, tests, deploys, profile
 *   npm run bench -- --only synth,scale             only the sections named
 *   npm run bench -- --no-deploy                    everything but the deploys
 *   BENCH_RUNS=7 BENCH_DEPLOY_RUNS=4 npm run bench  more rounds (defaults 5 and 3; fewer is a trial,
 *                                                   and BENCHMARKS.md says so)
 * Deploys run in a temporary copy of the project (its own pipeline.env, state and cdktf.out), and
 * only when no container of any deployment of the sample exists (they would share names and
 * ports); what the bench deploys it destroys, even when it fails. Guard figures at the end of
 * BENCHMARKS.md feed `npm run bench:guard` (bench/guard.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { consumerProject } from '../__tests__/helpers/consumer-project';
import { pipelineEnv, projectCopy } from '../__tests__/helpers/project-copy';

import {
  APP,
  appCandidate,
  Candidate,
  cdktfSynthCandidate,
  cliStartupCandidate,
  compare,
  duMiB,
  EMPTY_APP,
  figuresBlock,
  floorCandidate,
  GUARD_RATIOS,
  GuardRatio,
  measure,
  measureGuardRatios,
  Measurement,
  outputFolder,
  OutputFolders,
  perRound,
  providerModules,
  ratio,
  reviewIds,
  runOnce,
  showRatio,
  showTime,
  spread,
  Spread,
} from './measure';
import { keptSuiteSection } from './suites-section';

const ROOT = resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DEPLOY_RUNS = Number(process.env.BENCH_DEPLOY_RUNS ?? 3);
const SECTIONS = ['synth', 'consumer', 'scale', 'tests', 'deploys', 'profile', 'guard'] as const;
type Section = (typeof SECTIONS)[number];

/** Figures the reading and the guard block refer to. */
const found: {
  guard: Partial<Record<GuardRatio, number>>;
  synthTarget?: Spread;
  consumerWarm?: Spread;
  consumerCold?: Spread;
  scale500?: { time: Measurement; mem: Spread };
  unit?: Measurement;
  noopCdktf?: Measurement;
  noopNpm?: Measurement;
  digestNoImage?: Spread;
  digestWithImage?: Spread;
} = { guard: {} };

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

/** A row of a comparison table. */
function row(m: Measurement, ratioText = '—'): string {
  return `| ${m.label} | ${m.standsFor} | ${m.runs} | ${showTime(m)} | ${m.peakMiB.toFixed(0)} MiB | ${ratioText} |`;
}

const TABLE_HEAD = [
  '| what | stands for | runs | time, median (min–max) | peak memory | ratio per round, median (min–max) |',
  '| --- | --- | --- | --- | --- | --- |',
];

function sh(command: string, args: readonly string[], cwd = ROOT): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8' }).trim();
}

// ---- synth: the app six ways (our runner warm and cold), the floor, cdktf synth with each, the CLI's start-up --------

/**
 * Compiles the project's main.ts in a copy of it (the copy's root is the compiled files' root, so
 * SAMPLE_ROOT = resolve(__dirname, '..') in stacks/ still names the project), then checks that
 * `node main.js` there synthesizes what our runner does here. Returns the copy and a note.
 */
function precompile(copy: string): string {
  writeFileSync(
    join(copy, 'tsconfig.bench.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { outDir: '.', rootDir: '.', incremental: false, declaration: false },
      files: ['main.ts'],
      include: [],
    }),
  );
  const tsc = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.bench.json'], {
    cwd: copy,
    encoding: 'utf8',
  });
  if (!existsSync(join(copy, 'main.js'))) {
    throw new Error(`tsc emitted no main.js in ${copy}:\n${tsc.stdout}${tsc.stderr}`);
  }
  const ours = outputFolder('check-ours');
  const compiled = outputFolder('check-compiled');
  try {
    const env = { ...process.env, PIPELINE_REVIEW_IDS: '' };
    execFileSync(APP[0], APP.slice(1), { cwd: ROOT, env: { ...env, CDKTF_OUTDIR: ours } });
    execFileSync('node', ['main.js'], { cwd: copy, env: { ...env, CDKTF_OUTDIR: compiled } });
    const stacks = readdirSync(join(ours, 'stacks')).sort();
    const theirs = readdirSync(join(compiled, 'stacks')).sort();
    const differ = stacks.filter((s) => {
      const a = readFileSync(join(ours, 'stacks', s, 'cdk.tf.json'), 'utf8');
      const file = join(compiled, 'stacks', s, 'cdk.tf.json');
      return !existsSync(file) || readFileSync(file, 'utf8').split(copy).join(ROOT) !== a;
    });
    if (differ.length > 0 || stacks.join() !== theirs.join()) {
      throw new Error(
        `the precompiled app (node main.js in ${copy}) synthesizes other Terraform than our runner: stacks ${stacks.join(', ')} here, ${theirs.join(', ')} there; differing: ${differ.join(', ')}`,
      );
    }
    return `The precompiled run is \`tsc\` (untimed, tsconfig.json with \`files: [main.ts]\`, emitting next to the sources) in a copy of the working tree, then \`node main.js\` there; its cdktf.out/stacks/*/cdk.tf.json (${stacks.join(', ')}) were checked identical to our runner's, once the copy's path is read as this repository's.${tsc.status === 0 ? '' : ' (tsc reported type errors and emitted anyway.)'}`;
  } finally {
    rmSync(ours, { recursive: true, force: true });
    rmSync(compiled, { recursive: true, force: true });
  }
}

async function synthSection(): Promise<string[]> {
  log('synth: compiling main.ts in a copy of the project for the precompiled run (untimed)');
  const copy = await projectCopy('bench-precompiled-');
  const folders = new OutputFolders();
  const folder = (name: string): string => folders.folder(name);
  try {
    const checked = precompile(copy);
    const modules = providerModules(ROOT, { PIPELINE_REVIEW_IDS: '' });
    // The runner's transpile cache, which the cold runs start without.
    const cache = join(ROOT, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');
    const ways: {
      label: string;
      command: string[];
      cwd: string;
      note?: string;
      cold?: boolean;
    }[] = [
      { label: 'our runner', command: [...APP], cwd: ROOT, note: 'the app in cdktf.json' },
      {
        label: 'our runner, cold',
        command: [...APP],
        cwd: ROOT,
        note: 'its transpile cache removed before each run',
        cold: true,
      },
      { label: 'ts-node (template)', command: ['npx', 'ts-node', 'main.ts'], cwd: ROOT },
      {
        label: 'ts-node --transpile-only',
        command: ['npx', 'ts-node', '--transpile-only', 'main.ts'],
        cwd: ROOT,
      },
      { label: 'tsx', command: ['npx', 'tsx', 'main.ts'], cwd: ROOT },
      { label: 'precompiled', command: ['node', 'main.js'], cwd: copy, note: 'after `tsc`' },
    ];
    const alone: Candidate[] = ways.map((w) => {
      const out = folder('alone');
      return {
        label: `app alone: ${w.label}`,
        standsFor: `\`${w.command.join(' ')}\`${w.note ? ` (${w.note})` : ''}`,
        command: w.command,
        cwd: w.cwd,
        env: { PIPELINE_REVIEW_IDS: '', CDKTF_OUTDIR: out },
        before: () => {
          rmSync(out, { recursive: true, force: true });
          if (w.cold) rmSync(cache, { recursive: true, force: true });
        },
      };
    });
    const synths: Candidate[] = ways.map((w, i) => {
      const candidate = cdktfSynthCandidate(
        w.cwd,
        `cdktf synth: ${w.label}`,
        w.command.join(' '),
        i === 0 ? '`cdktf synth`' : `\`cdktf synth --app '${w.command.join(' ')}'\``,
        folder('synth'),
      );
      if (!w.cold) return candidate;
      return {
        ...candidate,
        before: () => {
          candidate.before?.();
          rmSync(cache, { recursive: true, force: true });
        },
      };
    });
    const floor = floorCandidate(ROOT, modules);
    const startup = cliStartupCandidate(ROOT, folder('empty'));
    const candidates = [floor, ...alone, startup, ...synths];
    log(
      `synth: ${RUNS} interleaved rounds of ${candidates.length} commands (the app six ways, the floor, cdktf synth with each app, the CLI with an empty app)`,
    );
    const started = Date.now();
    const ms = compare(candidates, {
      rounds: RUNS,
      onRound: (r) =>
        log(`synth: round ${r}/${RUNS} (${((Date.now() - started) / 1000).toFixed(0)} s)`),
    });
    const floorM = ms[0];
    const aloneM = ms.slice(1, 1 + ways.length);
    const startupM = ms[1 + ways.length];
    const synthM = ms.slice(2 + ways.length);
    found.synthTarget = ratio(synthM[0], startupM, floorM);
    const template = ratio(synthM[2], synthM[0]);
    for (const m of [...aloneM, startupM, ...synthM]) log(`${m.label}: ${showTime(m)}`);
    return [
      '## Synthesis: the app alone, and `cdktf synth`, six ways',
      '',
      "The sample delivery (main.ts) with `PIPELINE_REVIEW_IDS=''` (stages only), run six ways (our runner warm, and cold: its transpile cache under node_modules/.cache removed before each run, as on a first run), against the floor:",
      '`node` loading only cdktf, constructs and the provider-docker binding modules the app loads',
      `(${modules.map((m) => m.replace('@cdktf/provider-docker/lib/', '')).join(', ')}; read from the app's require cache at bench time). Then \`cdktf synth\` with each`,
      'way as its app, and the CLI with an empty app: an app command that writes the manifest of an app',
      'with no stacks using `sh` (no Node), so that row is the CLI itself (start-up, spawning the app, reading',
      'the manifest). An empty `new App().synth()` in Node would also count Node and cdktf, which the floor',
      `already counts. All ${candidates.length} commands ran interleaved in one comparison of ${RUNS} rounds,`,
      'after one untimed round; each synthesizes into a folder of its own, removed before each run (untimed).',
      '',
      ...TABLE_HEAD,
      row(floorM),
      ...aloneM.map((m) => row(m, `${showRatio(ratio(m, floorM))} floor`)),
      row(startupM),
      ...synthM.map((m) =>
        row(m, `${showRatio(ratio(m, startupM, floorM))} (CLI start-up + floor)`),
      ),
      '',
      `\`cdktf synth\` with the template's app (\`npx ts-node main.ts\`) takes ${showRatio(template)} the time of \`cdktf synth\` with ours.`,
      '',
      checked,
      '',
    ];
  } finally {
    folders.removeAll();
    rmSync(copy, { recursive: true, force: true });
  }
}

// ---- consumer: a project that installs the package ------------------------------------------

async function consumerSection(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-consumer-'));
  const folders = new OutputFolders();
  try {
    log('consumer: npm pack, then a project of its own installs the tarball (untimed)');
    await consumerProject(dir, ['tsx']);
    const cache = join(dir, 'node_modules', '.cache', 'cdktf-deployment-pipeline', 'ts');
    const ways: { label: string; command: string[]; note?: string; cold?: boolean }[] = [
      {
        label: 'the app runner',
        command: ['node', '-r', 'cdktf-deployment-pipeline/register', 'main.ts'],
        note: "the project's cdktf.json",
      },
      {
        label: 'the app runner, cold',
        command: ['node', '-r', 'cdktf-deployment-pipeline/register', 'main.ts'],
        note: 'its cache removed before each run',
        cold: true,
      },
      {
        label: 'the app runner through npx',
        command: ['npx', 'cdktf-pipeline-app', 'main.ts'],
        note: 'its bin',
      },
      { label: 'ts-node (template)', command: ['npx', 'ts-node', 'main.ts'] },
      {
        label: 'ts-node --transpile-only',
        command: ['npx', 'ts-node', '--transpile-only', 'main.ts'],
      },
      { label: 'tsx', command: ['npx', 'tsx', 'main.ts'] },
    ];
    const coldFirst = (w: { cold?: boolean }, before?: () => void) => () => {
      before?.();
      if (w.cold) rmSync(cache, { recursive: true, force: true });
    };
    const alone: Candidate[] = ways.map((w) => {
      const out = folders.folder('consumer-alone');
      return {
        label: `app alone: ${w.label}`,
        standsFor: `\`${w.command.join(' ')}\`${w.note ? ` (${w.note})` : ''}`,
        command: w.command,
        cwd: dir,
        env: { CDKTF_OUTDIR: out },
        before: coldFirst(w, () => rmSync(out, { recursive: true, force: true })),
      };
    });
    const synths: Candidate[] = ways.map((w, i) => {
      const candidate = cdktfSynthCandidate(
        dir,
        `cdktf synth: ${w.label}`,
        w.command.join(' '),
        i < 2
          ? `\`cdktf synth\` (the project's cdktf.json${w.cold ? ', cache removed' : ''})`
          : `\`cdktf synth --app '${w.command.join(' ')}'\``,
        folders.folder('consumer-synth'),
      );
      return { ...candidate, before: coldFirst(w, candidate.before) };
    });
    const candidates = [...alone, ...synths];
    log(`consumer: ${RUNS} interleaved rounds of ${candidates.length} commands`);
    const ms = compare(candidates, {
      rounds: RUNS,
      onRound: (r) => log(`consumer: round ${r}/${RUNS}`),
    });
    const aloneM = ms.slice(0, ways.length);
    const synthM = ms.slice(ways.length);
    for (const m of ms) log(`${m.label}: ${showTime(m)}`);
    const tsNode = 3;
    found.consumerWarm = ratio(aloneM[0], aloneM[tsNode]);
    found.consumerCold = ratio(aloneM[1], aloneM[tsNode]);
    return [
      '## A project that installs the package',
      '',
      'The project of `__tests__/fixtures/consumer` (an image stack and two environments, `qa` and `live`),',
      'made as a team outside this repository makes it: `npm pack` here, the tarball and the framework',
      "installed there (with `tsx` besides). Its app run six ways: the package's app runner as the",
      "project's `cdktf.json` runs it (`node -r cdktf-deployment-pipeline/register`), warm and cold (its",
      "transpile cache under the project's node_modules/.cache removed before each run, as on a first",
      "run), its bin through `npx`, the cdktf template's `ts-node`, `ts-node --transpile-only` and `tsx`;",
      'then `cdktf synth` with each. All',
      `${candidates.length} commands ran interleaved in one comparison of ${RUNS} rounds, after one untimed round.`,
      '',
      ...TABLE_HEAD,
      ...aloneM.map((m) => row(m, `${showRatio(ratio(m, aloneM[tsNode]))} ts-node`)),
      ...synthM.map((m) => row(m, `${showRatio(ratio(m, synthM[tsNode]))} ts-node`)),
      '',
    ];
  } finally {
    folders.removeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- scale: review environments -------------------------------------------------------------

function scaleSection(): string[] {
  const ns = [1, 10, 100, 500];
  const folders = ns.map((n) => outputFolder(`scale-${n}`));
  const sizes = new Map<number, number>();
  try {
    const candidates = ns.map((n, i) => ({
      ...appCandidate(ROOT, n, folders[i]),
      after: () => sizes.set(n, duMiB(folders[i])),
    }));
    log(`scale: ${RUNS} interleaved rounds of the app with ${ns.join(', ')} review environments`);
    const ms = compare(candidates, {
      rounds: RUNS,
      onRound: (r) => log(`scale: round ${r}/${RUNS}`),
    });
    const mem = (m: Measurement): Spread => spread(m.samples.map((s) => s.mib));
    const marginal = (a: number, b: number): { ms: Spread; mib: Spread } => {
      const [ma, mb] = [ms[a], ms[b]];
      const per = ns[b] - ns[a];
      return {
        ms: perRound([ma, mb], ([x, y]) => ((y - x) / per) * 1000),
        mib: spread(ma.samples.map((s, i) => (mb.samples[i].mib - s.mib) / per)),
      };
    };
    const show = (s: Spread, unit: string, digits: number): string =>
      `${s.median.toFixed(digits)} ${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
    found.scale500 = { time: ms[3], mem: mem(ms[3]) };
    const overall = marginal(0, 3);
    ms.forEach((m) => log(`${m.label}: ${showTime(m)}, ${mem(m).median.toFixed(0)} MiB`));
    return [
      '## Scale: review environments',
      '',
      `The app alone (\`${APP.join(' ')}\`) with PIPELINE_REVIEW_IDS=1,…,N besides the 4 stages; the N values ran`,
      `round-robin, ${RUNS} rounds after an untimed one, each into a folder removed before every run (untimed).`,
      'Peak memory is GNU time’s %M (largest process). The marginal cost per added environment is taken',
      'per round between this row and the one above it.',
      '',
      '| review envs | stands for | runs | time, median (min–max) | peak memory, median (min–max) | output | per added env: time | per added env: memory | ratio to 1 env per round |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...ms.map((m, i) => {
        const step = i > 0 ? marginal(i - 1, i) : undefined;
        return `| ${ns[i]} | ${m.standsFor} | ${m.runs} | ${showTime(m)} | ${show(mem(m), 'MiB', 0)} | ${((sizes.get(ns[i]) ?? 0) * 1024).toFixed(0)} KiB | ${step ? show(step.ms, 'ms', 1) : '—'} | ${step ? show(step.mib, 'MiB', 2) : '—'} | ${i > 0 ? showRatio(ratio(m, ms[0])) : '—'} |`;
      }),
      '',
      `From 1 to 500 review environments each added one costs ${show(overall.ms, 'ms', 1)} and ${show(overall.mib, 'MiB', 2)} (per round).`,
      '',
    ];
  } finally {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  }
}

// ---- unit tests ---------------------------------------------------------------------------------

function testsSection(): string[] {
  const runs = 3;
  const jest = join(ROOT, 'node_modules', '.bin', 'jest');
  log(`tests: the unit project, then unit and tool tests, ${runs} runs each`);
  const unit = measure('unit tests (in process)', [jest, '--ci', '--selectProjects', 'unit'], {
    cwd: ROOT,
    runs,
    standsFor: '`npx jest --ci --selectProjects unit`',
  });
  const withTools = measure(
    'unit and tool tests',
    [jest, '--ci', '--selectProjects', 'unit', 'tools'],
    { cwd: ROOT, runs, standsFor: '`npm run test:unit` (`jest --ci --selectProjects unit tools`)' },
  );
  found.unit = unit;
  log(`unit tests: ${showTime(unit)}; with the tool tests: ${showTime(withTools)}`);
  return [
    '## Unit tests',
    '',
    'Run one after the other with the toolchain environment; jest keeps its transform cache between',
    'runs, as on a developer machine. The unit project runs in the test process (synthesis,',
    'validation, renderers); the tool tests run programs (the CLI, npm, the engine, the Docker engine).',
    '',
    ...TABLE_HEAD,
    row(unit),
    row(withTools),
    '',
  ];
}

// ---- deploys, in a copy -------------------------------------------------------------------

function sampleContainers(): string {
  return sh('docker', ['ps', '-a', '--filter', 'label=cdktf-pipeline.environment', '-q']);
}

async function deploySection(): Promise<string[]> {
  const head = ['## Deploys', ''];
  const existing = sampleContainers();
  if (existing) {
    const note = `Skipped: containers of a deployment of the sample exist on this Docker engine (${existing.split('\n').length}; \`docker ps -a --filter label=cdktf-pipeline.environment\`). A copy would deploy under the same names and ports, so the bench left them alone. Run it again once they are gone (\`npm run down\` in the clone that deployed them).`;
    log(`deploys: ${note}`);
    return [...head, note, ''];
  }
  log('deploys: copying the project and running scripts/setup in the copy');
  const dir = await projectCopy('bench-deploy-');
  const context = mkdtempSync(join(tmpdir(), 'bench-service-'));
  const env: NodeJS.ProcessEnv = {
    PIPELINE_REVIEW_IDS: '',
    PIPELINE_SERVICE_CONTEXT: context,
    PIPELINE_TARGET: 'containers',
    PIPELINE_STATE: 'local',
    CI: '1',
    FORCE_COLOR: '0',
  };
  const withEnv = join(dir, 'scripts', 'with-env');
  const inCopy = (label: string, ...command: string[]) =>
    runOnce(label, [withEnv, ...command], { cwd: dir, env });
  const setService = (version: string): void => {
    rmSync(context, { recursive: true, force: true });
    cpSync(join(dir, 'service'), context, { recursive: true });
    writeFileSync(join(context, 'web', 'www', 'bench.txt'), `${version} ${Date.now()}\n`);
  };
  const lines = [...head];
  try {
    runOnce('scripts/setup in the copy', [join(dir, 'scripts', 'setup')], { cwd: dir, env });
    const tofu = pipelineEnv(dir).TERRAFORM_BINARY_NAME ?? 'tofu';
    const tofuVersion = sh(tofu, ['version']).split('\n')[0];
    setService('1');
    log('deploys: first deploy of image and dev (untimed)');
    inCopy('first deploy', 'cdktf-pipeline', 'deploy', 'image', 'dev');
    lines.push(...noopDeploys(dir, env, withEnv, tofu, tofuVersion));
    log(
      'deploys: staging and prod with the first release (untimed), so each timed round promotes a new one',
    );
    inCopy('first staging', 'cdktf-pipeline', 'deploy', 'staging');
    inCopy('first approval', 'cdktf-pipeline', 'approve', 'prod', '--from', 'staging');
    inCopy('first prod', 'cdktf-pipeline', 'deploy', 'prod');
    lines.push(...newDigest(inCopy, setService));
  } finally {
    log('deploys: tearing down what the bench deployed in the copy');
    try {
      inCopy('teardown', 'cdktf-pipeline', 'teardown', '--yes');
    } catch (error) {
      lines.push(`Teardown failed: ${(error as Error).message.split('\n')[0]}`, '');
      log(`teardown failed: ${(error as Error).message}`);
    }
    const left = sampleContainers();
    if (left)
      log(`WARNING: containers of the sample remain after teardown: ${left.replace(/\n/g, ' ')}`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(context, { recursive: true, force: true });
  }
  return lines;
}

/** The no-op redeploy of dev, both ways, and its pieces, interleaved. */
function noopDeploys(
  dir: string,
  env: NodeJS.ProcessEnv,
  withEnv: string,
  tofu: string,
  tofuVersion: string,
): string[] {
  const stackDir = join(dir, 'cdktf.out', 'stacks', 'dev');
  const empty = outputFolder('deploy-empty');
  const synthOut = outputFolder('deploy-synth');
  // scripts/with-env runs its command in the project root: the engine's pieces change to the
  // stack's folder after it, as cdktf does.
  const inStack = (...command: string[]): string[] => [
    'sh',
    '-c',
    'cd "$1" && shift && exec "$@"',
    'sh',
    stackDir,
    ...command,
  ];
  const user = (label: string, standsFor: string, command: string[]): Candidate => ({
    label,
    standsFor,
    command: [withEnv, ...command],
    cwd: dir,
    env,
  });
  const candidates: Candidate[] = [
    user(
      'no-op redeploy, cdktf',
      '`cdktf deploy dev --auto-approve --skip-provider-lock` (after `source pipeline.env`)',
      ['cdktf', 'deploy', 'dev', '--auto-approve', '--skip-provider-lock'],
    ),
    {
      label: 'no-op redeploy, package CLI',
      standsFor: '`npm run deploy -- dev` (scripts/setup, then `cdktf-pipeline deploy dev`)',
      command: ['npm', 'run', '--silent', 'deploy', '--', 'dev'],
      cwd: dir,
      env,
    },
    user('piece: scripts/setup', '`scripts/setup` (its first step)', [
      join(dir, 'scripts', 'setup'),
    ]),
    user('piece: cdktf-pipeline deploy dev', '`cdktf-pipeline deploy dev` (its second step)', [
      'cdktf-pipeline',
      'deploy',
      'dev',
    ]),
    user('piece: CLI start-up', '`cdktf synth --app <empty app>`', [
      'cdktf',
      'synth',
      '--app',
      EMPTY_APP,
      '--output',
      empty,
    ]),
    {
      ...user('piece: app synth', `\`${APP.join(' ')}\``, [...APP]),
      env: { ...env, CDKTF_OUTDIR: synthOut },
      before: () => rmSync(synthOut, { recursive: true, force: true }),
    },
    user('piece: engine init', '`tofu init` in cdktf.out/stacks/dev', inStack(tofu, 'init')),
    user(
      'piece: refresh and plan',
      '`tofu plan -input=false` (refresh on) in cdktf.out/stacks/dev',
      inStack(tofu, 'plan', '-input=false'),
    ),
    user(
      'piece: apply',
      '`tofu apply -auto-approve` in cdktf.out/stacks/dev',
      inStack(tofu, 'apply', '-auto-approve'),
    ),
  ];
  try {
    log(
      `deploys: ${DEPLOY_RUNS} interleaved rounds of the no-op redeploy of dev, both ways, and its pieces`,
    );
    // The first (untimed) round starts with cdktf deploy dev, which synthesizes cdktf.out/stacks/dev.
    const ms = compare(candidates, {
      rounds: DEPLOY_RUNS,
      onRound: (r) => log(`deploys: no-op round ${r}/${DEPLOY_RUNS}`),
    });
    const planned = spawnSync(
      withEnv,
      inStack(tofu, 'plan', '-input=false', '-detailed-exitcode', '-lock=false'),
      { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    const noop =
      planned.status === 0
        ? 'A plan of dev after the rounds showed no changes (`tofu plan -detailed-exitcode` exited 0): each redeploy was a no-op.'
        : `WARNING: a plan of dev after the rounds exited ${planned.status} (2: changes pending), so the redeploys may not have been no-ops.`;
    const [viaCdktf, viaNpm, setup, pkg, startup, synth, init, plan, apply] = ms;
    found.noopCdktf = viaCdktf;
    found.noopNpm = viaNpm;
    ms.forEach((m) => log(`${m.label}: ${showTime(m)}`));
    const part = (
      label: string,
      does: string,
      of: Measurement[],
      f: (s: readonly number[]) => number,
    ) => {
      const t = perRound(of, f);
      const share = perRound(of, (s) => f(s) / s[0]);
      return `| ${label} | ${does} | ${showTime(t)} | ${(share.median * 100).toFixed(0)} % (${(share.min * 100).toFixed(0)}–${(share.max * 100).toFixed(0)}) |`;
    };
    return [
      '### No-op redeploy of dev',
      '',
      `dev deployed and unchanged; ${DEPLOY_RUNS} interleaved rounds after an untimed one, in the copy. ${noop}`,
      '',
      ...TABLE_HEAD,
      row(viaCdktf),
      row(viaNpm, `${showRatio(ratio(viaNpm, viaCdktf))} cdktf deploy`),
      ...[setup, pkg, startup, synth, init, plan, apply].map((m) => row(m)),
      '',
      '#### Where a no-op `cdktf deploy dev` spends its time',
      '',
      'What `cdktf deploy dev --auto-approve --skip-provider-lock` runs (node_modules/@cdktf/cli-core, cdktf-project.js',
      '`deploy`, cdktf-stack.js `initalizeTerraform`, models/terraform-cli.js, models/deploy-machine.js): the app',
      '(the synth), then `tofu init` (no flags: no `-upgrade` while the lock file matches; `--skip-provider-lock`',
      'leaves out `tofu providers lock`), then `tofu apply -auto-approve`, which refreshes, plans and applies in one',
      'run; with `--auto-approve` there is no separate `tofu plan`. Each piece below was measured directly in the',
      `copy's cdktf.out/stacks/dev, interleaved with the redeploys above (engine: ${tofuVersion}); apply's own part is`,
      '`tofu apply` less `tofu plan`, and the rest is what the CLI does between and around them. Per round, then',
      'median (min–max) over rounds.',
      '',
      '| part | measured as | time | share of the redeploy |',
      '| --- | --- | --- | --- |',
      part('CLI start-up', '`cdktf synth` with an empty app', [viaCdktf, startup], (s) => s[1]),
      part('synth', `\`${APP.join(' ')}\``, [viaCdktf, synth], (s) => s[1]),
      part('engine init', '`tofu init`', [viaCdktf, init], (s) => s[1]),
      part('refresh and plan', '`tofu plan -input=false`', [viaCdktf, plan], (s) => s[1]),
      part(
        'apply and provider',
        '`tofu apply -auto-approve` − `tofu plan`',
        [viaCdktf, apply, plan],
        (s) => s[1] - s[2],
      ),
      part(
        'the rest (the CLI between the steps)',
        'redeploy − all of the above',
        [viaCdktf, startup, synth, init, apply],
        (s) => s[0] - s[1] - s[2] - s[3] - s[4],
      ),
      part('total', '`cdktf deploy dev`', [viaCdktf], (s) => s[0]),
      '',
      '#### Where `npm run deploy -- dev` spends its time',
      '',
      '| part | measured as | time | share of the redeploy |',
      '| --- | --- | --- | --- |',
      part('scripts/setup', '`scripts/setup`', [viaNpm, setup], (s) => s[1]),
      part('the package CLI', '`cdktf-pipeline deploy dev`', [viaNpm, pkg], (s) => s[1]),
      part('npm', 'npm run − the two above', [viaNpm, setup, pkg], (s) => s[0] - s[1] - s[2]),
      part('total', '`npm run deploy -- dev`', [viaNpm], (s) => s[0]),
      '',
    ];
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(synthOut, { recursive: true, force: true });
  }
}

/** A new release (web changed) from the image through dev and staging to prod, approval given, per round. */
function newDigest(
  inCopy: (label: string, ...command: string[]) => { seconds: number },
  setService: (version: string) => void,
): string[] {
  const stages: { label: string; standsFor: string; args: string[] }[] = [
    {
      label: 'image',
      standsFor: '`cdktf-pipeline deploy image` (build, test, push)',
      args: ['deploy', 'image'],
    },
    { label: 'dev', standsFor: '`cdktf-pipeline deploy dev`', args: ['deploy', 'dev'] },
    { label: 'staging', standsFor: '`cdktf-pipeline deploy staging`', args: ['deploy', 'staging'] },
    {
      label: 'approve',
      standsFor:
        "`cdktf-pipeline approve prod --from staging` (records staging's verified release)",
      args: ['approve', 'prod', '--from', 'staging'],
    },
    { label: 'prod', standsFor: '`cdktf-pipeline deploy prod`', args: ['deploy', 'prod'] },
  ];
  const times: number[][] = stages.map(() => []);
  for (let round = 1; round <= DEPLOY_RUNS; round++) {
    setService(`round ${round}`);
    stages.forEach((s, i) => {
      log(`deploys: new release round ${round}/${DEPLOY_RUNS}: ${s.args.join(' ')}`);
      times[i].push(inCopy(s.label, 'cdktf-pipeline', ...s.args).seconds);
    });
  }
  const rounds = times[0].map((_, r) => times.map((t) => t[r]));
  const withImage = spread(rounds.map((r) => r.reduce((a, b) => a + b, 0)));
  const noImage = spread(rounds.map((r) => r.slice(1).reduce((a, b) => a + b, 0)));
  found.digestWithImage = withImage;
  found.digestNoImage = noImage;
  log(`new release dev → prod: ${showTime(noImage)}; with the image: ${showTime(withImage)}`);
  return [
    '### A new release from dev to prod',
    '',
    `Each round changes web (a file written into a copy of service/web, PIPELINE_SERVICE_CONTEXT), then runs`,
    'the commands below one after the other in the copy, through its scripts/with-env (as after',
    `\`source pipeline.env\`). ${DEPLOY_RUNS} rounds; the path is the sum of its commands' times in that round.`,
    '',
    '| stage | stands for | per round (s) | median (min–max) |',
    '| --- | --- | --- | --- |',
    ...stages.map(
      (s, i) =>
        `| ${s.label} | ${s.standsFor} | ${times[i].map((t) => t.toFixed(1)).join(', ')} | ${showTime(spread(times[i]))} |`,
    ),
    `| **dev → staging → prod** | dev, staging, approve, prod | ${rounds
      .map((r) =>
        r
          .slice(1)
          .reduce((a, b) => a + b, 0)
          .toFixed(1),
      )
      .join(', ')} | ${showTime(noImage)} |`,
    `| **image → dev → staging → prod** | all five | ${rounds.map((r) => r.reduce((a, b) => a + b, 0).toFixed(1)).join(', ')} | ${showTime(withImage)} |`,
    '',
  ];
}

// ---- guard figures ------------------------------------------------------------------------------

/** The figures `npm run bench:guard` checks, measured as it measures them (bench/measure.ts). */
function guardSection(): string[] {
  log(`guard: the guard's own comparison, with the CLI, ${RUNS} rounds`);
  const measured = measureGuardRatios(ROOT, RUNS, true, (m) => log(`guard: ${m}`));
  const entries = Object.entries(measured) as [GuardRatio, Spread][];
  for (const [key, value] of entries) found.guard[key] = value.median;
  return [
    '## Ratios the guard checks',
    '',
    `\`npm run bench:guard\` (bench/guard.ts) measures these in CI, the same way (bench/measure.ts`,
    `\`measureGuardRatios\`: the floor, the app alone, with 1 and with 100 review environments, \`cdktf synth\` and the`,
    `CLI with the empty app, interleaved; ${RUNS} rounds here), and fails when one is more than 25 % above the figure`,
    'committed below. The last one it measures only with `--cli`, since the CLI takes about 4 s a run.',
    '',
    '| ratio | per round, median (min–max) |',
    '| --- | --- |',
    ...entries.map(([key, value]) => `| ${GUARD_RATIOS[key]} | ${showRatio(value)} |`),
    '',
  ];
}

// ---- profile ------------------------------------------------------------------------------------

/**
 * Where synthesis spends its time: a CPU profile of the app with 100 review environments, as the
 * functions with the most self time, so that the reading rests on a profile, not a guess.
 */
function profileSection(): string[] {
  log('profile: the app with 100 review environments, node --cpu-prof');
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  try {
    execFileSync('node', ['--cpu-prof', '--cpu-prof-dir', dir, ...APP.slice(1)], {
      cwd: ROOT,
      env: { ...process.env, PIPELINE_REVIEW_IDS: reviewIds(100), CDKTF_OUTDIR: join(dir, 'out') },
      stdio: 'ignore',
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return ['## Profile', '', 'node --cpu-prof wrote no profile.', ''];
    const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    prof.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame;
      if (!frame) return;
      const where = frame.url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}/`, '');
      const key = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
      const delta = prof.timeDeltas[i] ?? 0;
      self.set(key, (self.get(key) ?? 0) + delta);
      total += delta;
    });
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return [
      '## Profile: the app with 100 review environments',
      '',
      `CPU profile (\`PIPELINE_REVIEW_IDS=1,…,100 node --cpu-prof ${APP.slice(1).join(' ')}\`, one run), ${(total / 1000).toFixed(0)} ms sampled; the functions with the most self time:`,
      '',
      '| self time | share | function |',
      '| --- | --- | --- |',
      ...top.map(
        ([key, us]) =>
          `| ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)} % | \`${key}\` |`,
      ),
      '',
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- reading --------------------------------------------------------------------------------

/** Every target with its measured value, the ratio to it with its spread, and met or not. */
function reading(): string[] {
  const lines = [
    '## Reading',
    '',
    'Met: the median is within the target; "median only" when some runs (or rounds) were not.',
    '',
    '| target | measured, median (min–max) | measured / target, median (min–max) | met |',
    '| --- | --- | --- | --- |',
  ];
  const check = (
    target: string,
    measured: Spread | undefined,
    limit: number,
    unit: string,
    digits = 2,
  ) => {
    if (!measured) {
      lines.push(`| ${target} | not measured | — | — |`);
      return;
    }
    const r = {
      median: measured.median / limit,
      min: measured.min / limit,
      max: measured.max / limit,
    };
    const met = r.median <= 1 ? (r.max <= 1 ? 'yes' : 'median only') : 'no';
    lines.push(
      `| ${target} | ${measured.median.toFixed(digits)} ${unit} (${measured.min.toFixed(digits)}–${measured.max.toFixed(digits)}) | ${showRatio(r)} | ${met} |`,
    );
  };
  const { scale500, synthTarget, noopCdktf, noopNpm, digestNoImage, digestWithImage, unit } = found;
  check(
    "a project's app, the app runner warm ≤ 0.2 × `npx ts-node main.ts`, per round",
    found.consumerWarm,
    0.2,
    '×',
  );
  check(
    "a project's app, the app runner cold ≤ 0.6 × `npx ts-node main.ts`, per round",
    found.consumerCold,
    0.6,
    '×',
  );
  check('500 review environments ≤ 1.5 s', scale500?.time, 1.5, 's');
  check('500 review environments ≤ 200 MiB peak', scale500?.mem, 200, 'MiB', 0);
  check('`cdktf synth` ≤ 1.3 × (CLI start-up + floor), per round', synthTarget, 1.3, '×');
  check('no-op redeploy `cdktf deploy dev` ≤ 5 s', noopCdktf, 5, 's');
  check('no-op redeploy `npm run deploy -- dev` ≤ 5 s', noopNpm, 5, 's');
  check(
    'new release dev → staging → prod ≤ 45 s (image build not included)',
    digestNoImage,
    45,
    's',
    1,
  );
  check('the same with the image build included ≤ 45 s', digestWithImage, 45, 's', 1);
  check('unit tests (the in-process project) ≤ 10 s', unit, 10, 's');
  return [...lines, ''];
}

// ---- main -------------------------------------------------------------------------------------

function selectedSections(): Set<Section> {
  const at = process.argv.indexOf('--only');
  const only = at >= 0 ? (process.argv[at + 1] ?? '').split(',').filter(Boolean) : [...SECTIONS];
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new Error(`--only: unknown section '${s}'; the sections are ${SECTIONS.join(', ')}.`);
    }
  }
  const chosen = new Set(only as Section[]);
  if (process.argv.includes('--no-deploy')) chosen.delete('deploys');
  return chosen;
}

async function main(): Promise<void> {
  const started = Date.now();
  const sections = selectedSections();
  log(`sections: ${[...sections].join(', ')}; ${RUNS} rounds (deploys ${DEPLOY_RUNS})`);
  const body: string[] = [];
  if (sections.has('synth')) body.push(...(await synthSection()));
  if (sections.has('consumer')) body.push(...(await consumerSection()));
  if (sections.has('scale')) body.push(...scaleSection());
  if (sections.has('tests')) body.push(...testsSection());
  if (sections.has('deploys')) body.push(...(await deploySection()));
  if (sections.has('profile')) body.push(...profileSection());
  // The test suite's timing comes from `npm test` runs (npm run bench:suites): kept as it is.
  const benchmarks = join(ROOT, 'BENCHMARKS.md');
  if (existsSync(benchmarks)) body.push(...keptSuiteSection(readFileSync(benchmarks, 'utf8')));
  if (sections.has('guard')) body.push(...guardSection());

  const commit = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain']) !== '';
  const versions = JSON.parse(
    execFileSync('npm', ['ls', '--json', '--depth=0'], { cwd: ROOT, encoding: 'utf8' }),
  ) as { dependencies: Record<string, { version: string }> };
  const v = (name: string) => `${name} ${versions.dependencies[name]?.version ?? '?'}`;
  const engine = process.env.TERRAFORM_BINARY_NAME ?? 'tofu';
  let engineVersion = '?';
  try {
    engineVersion = sh(engine, ['version']).split('\n')[0];
  } catch {
    // no engine: only the deploys need it
  }
  const trial =
    RUNS < 5 || DEPLOY_RUNS < 3 || sections.size < SECTIONS.length
      ? [
          `**Trial run**: ${RUNS} rounds (deploys ${DEPLOY_RUNS}), sections ${[...sections].join(', ')}; the issue asks for at least 5 (deploys 3) and every section.`,
          '',
        ]
      : [];
  const guardFigures = Object.fromEntries(
    Object.entries(found.guard).map(([k, x]) => [k, Number(x.toFixed(3))]),
  );
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` at commit ${commit}${dirty ? ' + uncommitted changes' : ''} on ${new Date().toISOString().slice(0, 10)}; the bench took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${engineVersion}.`,
    `${['cdktf', 'cdktf-cli', 'constructs', '@cdktf/provider-docker', 'typescript', 'ts-node', 'tsx', 'jest'].map(v).join(', ')}.`,
    '',
    ...trial,
    'Times are wall time, median of the runs with the fastest and slowest in brackets; peak memory is the',
    "median of each run's largest process (GNU time %M). Comparisons ran interleaved in one run of this",
    'bench, and each ratio is taken per round (A_i / B_i), then given as its median with the smallest and',
    'largest round, since absolute times vary between machines. "Stands for" is the command a user types.',
    '',
    ...reading(),
    ...body,
    ...figuresBlock(guardFigures),
  ];
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
  log(`wrote BENCHMARKS.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const [k, x] of Object.entries(found.guard))
    log(`guard figure ${GUARD_RATIOS[k as GuardRatio]}: ${x.toFixed(3)}`);
}

main().catch((error: Error) => {
  console.error(`[bench] error: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});

/**
 * npm run bench: measures synthesis, scale, the unit tests and deploys, each against a baseline
 * measured in the same run, and writes BENCHMARKS.md. Timings live here, never in tests.
 *   npm run bench                 everything (deploys need the toolchain from scripts/setup)
 *   npm run bench -- --no-deploy  skip the deploy benchmarks
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

import { SAMPLE_ROOT } from '../stacks/sample-delivery';

import { Measurement, measure, showTime } from './measure';

const ROOT = SAMPLE_ROOT;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const rows: string[][] = [];
const notes: string[] = [];
/** Measurements the reading refers to, by key. */
const found: Record<string, Measurement> = {};

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

function row(
  group: string,
  subject: Measurement,
  baseline: Measurement | undefined,
  extra = '',
): void {
  const ratio = baseline
    ? `${(subject.median / baseline.median).toFixed(2)}× ${baseline.label}`
    : '—';
  rows.push([
    group,
    subject.label,
    showTime(subject),
    `${subject.peakMiB.toFixed(0)} MiB`,
    ratio,
    extra,
  ]);
  log(
    `${subject.label}: ${showTime(subject)}, ${subject.peakMiB.toFixed(0)} MiB${baseline ? `, ${ratio}` : ''}`,
  );
}

function duMiB(dir: string): number {
  let bytes = 0;
  const walk = (d: string) =>
    readdirSync(d, { withFileTypes: true }).forEach((e) => {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += statSync(p).size;
    });
  if (existsSync(dir)) walk(dir);
  return bytes / 1024 / 1024;
}

const cdktf = join(ROOT, 'node_modules', '.bin', 'cdktf');
const ourApp = ['node', 'scripts/synth.js', 'main.ts'];
const templateApp = 'npx ts-node main.ts';

function synthBenchmarks(): void {
  log(
    'synth: the app as cdktf synth runs it, against the template setup (ts-node with type checks)',
  );
  const template = measure(
    'template: cdktf synth (ts-node app)',
    [cdktf, 'synth', '--app', templateApp],
    { cwd: ROOT, runs: RUNS },
  );
  const ours = measure('cdktf synth (this project)', [cdktf, 'synth'], { cwd: ROOT, runs: RUNS });
  row('full-app synth', template, undefined);
  row('full-app synth', ours, template);
  Object.assign(found, { template, ours });

  log('synth floor: node loading cdktf and the provider bindings, against the app alone');
  const floor = measure(
    'floor: node loads cdktf + bindings',
    [
      'node',
      '-e',
      "require('cdktf');require('constructs');require('@cdktf/provider-docker/lib/container');require('@cdktf/provider-docker/lib/image');require('@cdktf/provider-docker/lib/network');require('@cdktf/provider-docker/lib/registry-image');require('@cdktf/provider-docker/lib/provider')",
    ],
    { cwd: ROOT, runs: RUNS },
  );
  const app = measure('app alone (' + ourApp.join(' ') + ')', ourApp, { cwd: ROOT, runs: RUNS });
  row('synth floor', floor, undefined);
  row('synth floor', app, floor);
  Object.assign(found, { floor, app });
}

function scaleBenchmarks(): void {
  log('scale: review environments, synthesized by the app alone');
  let one: Measurement | undefined;
  let previous: { n: number; m: Measurement } | undefined;
  for (const n of [1, 10, 100, 500]) {
    const ids = Array.from({ length: n }, (_, i) => String(i + 1)).join(',');
    const outdir = join(ROOT, 'cdktf.out');
    const m = measure(`${n} review env(s) + 4 stages`, ourApp, {
      cwd: ROOT,
      runs: n >= 100 ? Math.min(RUNS, 3) : RUNS,
      env: { PIPELINE_REVIEW_IDS: ids },
      before: () => rmSync(outdir, { recursive: true, force: true }),
    });
    const size = duMiB(outdir);
    const perEnv = previous
      ? ((m.median - previous.m.median) / (n - previous.n)) * 1000
      : undefined;
    row(
      'scale',
      m,
      one,
      `output ${(size * 1024).toFixed(0)} KiB${perEnv !== undefined ? `; +${perEnv.toFixed(1)} ms per added env` : ''}`,
    );
    one = one ?? m;
    previous = { n, m };
    found[`scale${n}`] = m;
  }
}

function testBenchmarks(): void {
  log('unit and snapshot tests: cold (no jest cache) and warm');
  const jest = join(ROOT, 'node_modules', '.bin', 'jest');
  const cold = measure(
    'unit tests, cold',
    [jest, '--selectProjects', 'unit', '--no-cache', '--silent'],
    { cwd: ROOT, runs: 3 },
  );
  const warm = measure('unit tests, warm', [jest, '--selectProjects', 'unit', '--silent'], {
    cwd: ROOT,
    runs: 3,
    warmup: true,
  });
  row('tests', cold, undefined);
  row('tests', warm, cold);
  Object.assign(found, { cold, warm });
}

function deployBenchmarks(): void {
  log('deploys: with the cdktf CLI against the local engine (scripts/setup must have run)');
  const deployed = existsSync(join(ROOT, '.pipeline', 'state'));
  if (deployed)
    throw new Error('This clone has deployed stacks; run npm run down before npm run bench.');
  const context = mkdtempSync(join(tmpdir(), 'bench-service-'));
  const approvals = join(ROOT, 'approvals', 'prod.txt');
  const approvalsBefore = readFileSync(approvals, 'utf8');
  const env = { PIPELINE_REVIEW_IDS: 'b1,b2,b3', PIPELINE_SERVICE_CONTEXT: context, CI: '1' };
  const cli = (...args: string[]) => [cdktf, ...args, '--auto-approve', '--skip-provider-lock'];
  const quiet = (...args: string[]) =>
    execFileSync(cli(...args)[0], cli(...args).slice(1), {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
  const once = (label: string, cmd: string[]) => measure(label, cmd, { cwd: ROOT, env, runs: 1 });
  const setService = (version: string) => {
    rmSync(context, { recursive: true, force: true });
    cpSync(join(ROOT, 'service'), context, { recursive: true });
    writeFileSync(join(context, 'www', 'bench.txt'), `${version} ${Date.now()}\n`);
  };
  const approveCurrent = () => {
    const state = JSON.parse(
      readFileSync(join(ROOT, '.pipeline', 'state', 'staging.tfstate'), 'utf8'),
    );
    const digest = String(state.outputs.verified_image.value).split('@')[1];
    writeFileSync(approvals, `${readFileSync(approvals, 'utf8')}${digest} # bench\n`);
  };
  try {
    setService('1');
    row(
      'deploys',
      once('first deploy: image (build, test, push)', cli('deploy', 'image')),
      undefined,
    );
    const first = once('first deploy: dev', cli('deploy', 'dev'));
    row('deploys', first, undefined);
    found.noop = measure('no-op redeploy: dev', cli('deploy', 'dev'), { cwd: ROOT, env, runs: 3 });
    row('deploys', found.noop, first);
    quiet('deploy', 'staging');
    approveCurrent();
    quiet('deploy', 'prod');

    setService('2');
    const chain = measure(
      'new digest: image -> dev -> staging',
      [
        'sh',
        '-c',
        `for s in image dev staging; do ${cli('deploy', '$s').join(' ')} || exit 1; done`,
      ],
      { cwd: ROOT, env, runs: 1 },
    );
    approveCurrent();
    const prod = once('new digest: prod (after approval)', cli('deploy', 'prod'));
    row(
      'deploys',
      chain,
      undefined,
      `then prod, once approved: ${prod.median.toFixed(1)} s; whole path ${(chain.median + prod.median).toFixed(1)} s`,
    );

    const reviews = ['review-b1', 'review-b2', 'review-b3'];
    const serial = measure(
      '3 review envs, one command each',
      [
        'sh',
        '-c',
        `for s in ${reviews.join(' ')}; do ${cli('deploy', '$s').join(' ')} || exit 1; done`,
      ],
      { cwd: ROOT, env, runs: 1 },
    );
    reviews.forEach((r) => quiet('destroy', r));
    const parallel = once('3 review envs, one command, --parallelism 3', [
      ...cli('deploy', ...reviews),
      '--parallelism',
      '3',
    ]);
    row('deploys', serial, undefined);
    row('deploys', parallel, serial);
  } finally {
    writeFileSync(approvals, approvalsBefore);
    for (const stack of [
      'prod',
      'staging',
      'review-b1',
      'review-b2',
      'review-b3',
      'dev',
      'image',
    ]) {
      if (existsSync(join(ROOT, '.pipeline', 'state', `${stack}.tfstate`))) quiet('destroy', stack);
    }
    rmSync(join(ROOT, '.pipeline', 'state'), { recursive: true, force: true });
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * Where synthesis spends its time: a CPU profile of the app with 100 review environments, as the
 * functions with the most self time, so that the reading rests on a profile, not a guess.
 */
function profile(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const ids = Array.from({ length: 100 }, (_, i) => String(i + 1)).join(',');
  execFileSync('node', ['--cpu-prof', '--cpu-prof-dir', dir, ...ourApp.slice(1)], {
    cwd: ROOT,
    env: { ...process.env, PIPELINE_REVIEW_IDS: ids },
    stdio: 'ignore',
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return [];
  const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  rmSync(dir, { recursive: true, force: true });
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
    `CPU profile (\`node --cpu-prof ${ourApp.slice(1).join(' ')}\`), ${(total / 1000).toFixed(0)} ms sampled; the functions with the most self time:`,
    '',
    '| self time | share | function |',
    '| --- | --- | --- |',
    ...top.map(
      ([key, us]) =>
        `| ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)} % | \`${key}\` |`,
    ),
    '',
  ];
}

/** The targets, each with its measured value: met or not. */
function reading(): string[] {
  const lines = ['## Reading', '', '| target | measured | met |', '| --- | --- | --- |'];
  const check = (target: string, measured: string, met: boolean | undefined) =>
    lines.push(
      `| ${target} | ${measured} | ${met === undefined ? 'not measured' : met ? 'yes' : 'no'} |`,
    );
  const { template, ours, floor, app, scale500, cold, noop } = found;
  check(
    'full-app synth within 1.5× of the floor',
    app && floor ? `${(app.median / floor.median).toFixed(2)}×` : '—',
    app && floor ? app.median <= 1.5 * floor.median : undefined,
  );
  check(
    '`cdktf synth` at least 2× faster than the template',
    ours && template ? `${(template.median / ours.median).toFixed(2)}× faster` : '—',
    ours && template ? template.median >= 2 * ours.median : undefined,
  );
  check(
    '500 review environments under 1.5 s and 200 MiB',
    scale500 ? `${scale500.median.toFixed(2)} s, ${scale500.peakMiB.toFixed(0)} MiB` : '—',
    scale500 ? scale500.median < 1.5 && scale500.peakMiB < 200 : undefined,
  );
  check(
    'no-op redeploy of one environment under 10 s',
    noop ? `${noop.median.toFixed(2)} s` : '—',
    noop ? noop.median < 10 : undefined,
  );
  check(
    'unit/snapshot suite under 20 s cold',
    cold ? `${cold.median.toFixed(2)} s` : '—',
    cold ? cold.median < 20 : undefined,
  );
  return [...lines, ''];
}

function main(): void {
  const started = Date.now();
  synthBenchmarks();
  scaleBenchmarks();
  testBenchmarks();
  if (process.argv.includes('--no-deploy')) notes.push('Deploy benchmarks skipped (--no-deploy).');
  else deployBenchmarks();

  const versions = JSON.parse(
    execFileSync('npm', ['ls', '--json', '--depth=0'], { cwd: ROOT, encoding: 'utf8' }),
  ) as {
    dependencies: Record<string, { version: string }>;
  };
  const v = (name: string) => versions.dependencies[name]?.version ?? '?';
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version};`,
    `cdktf ${v('cdktf')}, cdktf-cli ${v('cdktf-cli')}, @cdktf/provider-docker ${v('@cdktf/provider-docker')}, typescript ${v('typescript')}.`,
    '',
    'Median wall time of the runs with the fastest and slowest in brackets; peak memory is the median',
    'of the largest process each run (GNU time). Ratios compare against a baseline measured in the same',
    'run, since absolute times vary between machines.',
    '',
    '| group | what | time | peak memory | ratio | notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...reading(),
    ...profile(),
    ...notes,
  ];
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
  log('wrote BENCHMARKS.md');
}

main();

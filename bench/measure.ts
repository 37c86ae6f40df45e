/**
 * What bench/run.ts (`npm run bench`) and bench/guard.ts (`npm run bench:guard`) share: running a
 * command under GNU time, interleaved comparisons with per-round ratios, the commands both measure
 * (the app, its floor, the cdktf CLI with an empty app) and the machine-readable figures that
 * BENCHMARKS.md ends with and the guard checks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One timed run: wall time and peak memory (largest process of the command's tree, GNU time's %M). */
export interface Sample {
  /** Seconds. */
  readonly seconds: number;
  /** MiB. */
  readonly mib: number;
}

/** Median with the smallest and largest value. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Wall time and peak memory of several runs of one command. */
export interface Measurement {
  readonly label: string;
  /** The command a user would type that this stands for, e.g. `cdktf synth`. */
  readonly standsFor: string;
  readonly runs: number;
  /** Seconds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median peak resident memory of the runs, MiB. */
  readonly peakMiB: number;
  /** Every run, in the order it ran (in a comparison: one per round). */
  readonly samples: readonly Sample[];
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface MeasureOptions extends RunOptions {
  readonly runs?: number;
  /** What a user would type that this stands for. @default - the command itself */
  readonly standsFor?: string;
  /** Runs once before measuring, untimed. */
  readonly warmup?: boolean;
  /** Runs before each timed run, untimed (e.g. to reset state). */
  readonly before?: () => void;
}

/** Runs `command` once under GNU time; fails loudly, with its output, when the command fails. */
export function runOnce(
  label: string,
  command: readonly string[],
  options: RunOptions = {},
): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const out = join(dir, 'time');
  try {
    const result = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', out, ...command], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status !== 0) {
      const output = `${result.stdout}\n${result.stderr}`.trim().slice(-4000);
      throw new Error(`${label}: '${command.join(' ')}' failed (${result.status}):\n${output}`);
    }
    const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
    const [seconds, kib] = last.split(' ').map(Number);
    return { seconds, mib: kib / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(label: string, standsFor: string, samples: readonly Sample[]): Measurement {
  const time = spread(samples.map((s) => s.seconds));
  return {
    label,
    standsFor,
    runs: samples.length,
    ...time,
    peakMiB: spread(samples.map((s) => s.mib)).median,
    samples,
  };
}

/** Runs `command` several times in a row; for lone rows (comparisons go through `compare`). */
export function measure(
  label: string,
  command: string[],
  options: MeasureOptions = {},
): Measurement {
  const once = () => {
    options.before?.();
    return runOnce(label, command, options);
  };
  if (options.warmup) once();
  const samples = Array.from({ length: options.runs ?? 5 }, once);
  return summarise(label, options.standsFor ?? command.join(' '), samples);
}

/** One command of an interleaved comparison. */
export interface Candidate {
  readonly label: string;
  /** The command a user would type that this stands for. */
  readonly standsFor: string;
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Runs before each timed run, untimed. */
  readonly before?: () => void;
  /** Runs after each timed run, untimed (e.g. to read the output's size). */
  readonly after?: () => void;
}

export interface CompareOptions {
  /** Timed rounds; each runs every candidate once. */
  readonly rounds: number;
  /** One untimed round first (caches, page cache, jest's transform cache). @default true */
  readonly warmup?: boolean;
  /** Called after each round, e.g. for progress lines. */
  readonly onRound?: (round: number) => void;
}

/**
 * Runs the candidates interleaved: round 1 runs A, B, C, round 2 B, C, A, and so on (each round
 * starts one further along, so no candidate always runs right after the same one). Returns one
 * Measurement per candidate, in the order given, whose `samples[i]` is round i: ratios are taken
 * per round with `ratio`.
 */
export function compare(candidates: readonly Candidate[], options: CompareOptions): Measurement[] {
  const once = (c: Candidate): Sample => {
    c.before?.();
    const sample = runOnce(c.label, c.command, { cwd: c.cwd, env: c.env });
    c.after?.();
    return sample;
  };
  if (options.warmup ?? true) candidates.forEach(once);
  const samples: Sample[][] = candidates.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const i = (round + k) % candidates.length;
      samples[i].push(once(candidates[i]));
    }
    options.onRound?.(round + 1);
  }
  return candidates.map((c, i) => summarise(c.label, c.standsFor, samples[i]));
}

/** Median, min and max of some numbers. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The ratio of two measurements of one comparison, taken per round: `a_i / (b_i + c_i + ...)`,
 * then its median and range over the rounds.
 */
export function ratio(a: Measurement, ...over: readonly Measurement[]): Spread {
  return perRound([a, ...over], ([x, ...rest]) => x / rest.reduce((s, y) => s + y, 0));
}

/** Any per-round figure of a comparison's measurements (seconds of each, in order), with its spread. */
export function perRound(
  of: readonly Measurement[],
  figure: (seconds: readonly number[]) => number,
): Spread {
  const rounds = Math.min(...of.map((m) => m.samples.length));
  return spread(
    Array.from({ length: rounds }, (_, i) => figure(of.map((m) => m.samples[i].seconds))),
  );
}

/** `1.23 s (1.20–1.31)` */
export function showTime(m: Spread): string {
  return `${m.median.toFixed(2)} s (${m.min.toFixed(2)}–${m.max.toFixed(2)})`;
}

/** `1.23× (1.20–1.31)` */
export function showRatio(r: Spread): string {
  return `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
}

/** Total size of the files under `dir`, MiB (0 when it does not exist). */
export function duMiB(dir: string): number {
  let bytes = 0;
  const walk = (d: string): void =>
    readdirSync(d, { withFileTypes: true }).forEach((e) => {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += statSync(p).size;
    });
  if (existsSync(dir)) walk(dir);
  return bytes / 1024 / 1024;
}

// ---- The commands both measure --------------------------------------------------------------

/** The app command of cdktf.json: this project's runner. */
export const APP = ['node', 'bin/cdktf-pipeline-app.js', 'main.ts'] as const;

/** `1,2,...,n` for PIPELINE_REVIEW_IDS. */
export function reviewIds(n: number): string {
  return Array.from({ length: n }, (_, i) => String(i + 1)).join(',');
}

/**
 * An app command for `cdktf synth --app` that synthesizes an empty app without starting Node: it
 * writes the manifest of an app with no stacks where the CLI asks for it. `cdktf synth` with it
 * is the CLI's own cost (start-up, spawning the app, reading the manifest), with no app in it; an
 * empty `new App().synth()` in Node would add Node's start-up and cdktf's load, which the floor
 * already counts.
 */
export const EMPTY_APP = `sh -c 'mkdir -p "$CDKTF_OUTDIR" && echo "{\\"version\\":\\"0.21.0\\",\\"stacks\\":{}}" >"$CDKTF_OUTDIR/manifest.json"'`;

/**
 * The provider binding modules the app loads, read from the require cache of one run of it (so
 * the floor follows the app when it starts or stops using a resource type).
 */
export function providerModules(root: string, env: NodeJS.ProcessEnv = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-modules-'));
  try {
    const hook = join(dir, 'hook.js');
    const list = join(dir, 'modules.json');
    writeFileSync(
      hook,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    execFileSync('node', ['-r', hook, ...APP.slice(1)], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: join(dir, 'out'), ...env },
      stdio: 'ignore',
    });
    const loaded = JSON.parse(readFileSync(list, 'utf8')) as string[];
    return loaded
      .map((f) => /node_modules\/(@cdktf\/provider-docker\/lib\/[^/]+)\/index\.js$/.exec(f)?.[1])
      .filter((m): m is string => m !== undefined)
      .sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor: `node` loading cdktf, constructs and the provider bindings the app uses, nothing else. */
export function floorCommand(modules: readonly string[]): string[] {
  const requires = ['cdktf', 'constructs', ...modules].map((m) => `require('${m}');`).join('');
  return ['node', '-e', requires];
}

// ---- Figures: what BENCHMARKS.md commits and the guard checks ------------------------------

/** The guard's ratios, by name: each is a per-round median of an interleaved comparison. */
export const GUARD_RATIOS = {
  appOverFloor: 'app alone / floor',
  reviews100Over1: 'app with 100 review envs / app with 1 review env',
  synthOverStartupAndFloor: 'cdktf synth / (CLI start-up + floor)',
} as const;
export type GuardRatio = keyof typeof GUARD_RATIOS;

export const FIGURES_HEADING = '## Figures for `npm run bench:guard`';

/** The block BENCHMARKS.md ends with: the guard's ratios as JSON. */
export function figuresBlock(figures: Partial<Record<GuardRatio, number>>): string[] {
  return [
    FIGURES_HEADING,
    '',
    'Median per-round ratios (keys as in bench/measure.ts `GUARD_RATIOS`); `npm run bench:guard` fails when one',
    'measures more than 25 % above its figure here.',
    '',
    '```json',
    JSON.stringify(figures, null, 2),
    '```',
    '',
  ];
}

/** The guard's figures committed in BENCHMARKS.md, or undefined when it has no figures block. */
export function readFigures(markdown: string): Partial<Record<GuardRatio, number>> | undefined {
  const at = markdown.indexOf(FIGURES_HEADING);
  if (at < 0) return undefined;
  const block = /```json\n([\s\S]*?)\n```/.exec(markdown.slice(at));
  if (!block) return undefined;
  return JSON.parse(block[1]) as Partial<Record<GuardRatio, number>>;
}

/** A folder for one candidate's synthesized output, emptied before each of its runs. */
export function outputFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `bench-${prefix}-`));
}

/** Temporary output folders made on demand, removed together afterwards. */
export class OutputFolders {
  private readonly made: string[] = [];

  /** A new folder named after `prefix`. */
  public folder(prefix: string): string {
    const dir = outputFolder(prefix);
    this.made.push(dir);
    return dir;
  }

  /** Removes every folder made so far. */
  public removeAll(): void {
    for (const dir of this.made.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The app alone with `reviews` review environments (0: PIPELINE_REVIEW_IDS='', the stages only),
 * synthesizing into `outdir`, which is removed before each run (untimed).
 */
export function appCandidate(root: string, reviews: number, outdir: string): Candidate {
  const ids = reviewIds(reviews);
  return {
    label: reviews === 0 ? 'app alone' : `app, ${reviews} review env${reviews === 1 ? '' : 's'}`,
    standsFor:
      reviews === 0
        ? `\`${APP.join(' ')}\``
        : `\`PIPELINE_REVIEW_IDS=${reviews === 1 ? '1' : `1,…,${reviews}`} ${APP.join(' ')}\``,
    command: APP,
    cwd: root,
    env: { PIPELINE_REVIEW_IDS: ids, CDKTF_OUTDIR: outdir },
    before: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The floor as a candidate. */
export function floorCandidate(root: string, modules: readonly string[]): Candidate {
  return {
    label: 'floor: node loads cdktf, constructs, bindings',
    standsFor: `\`node -e "require('cdktf');require('constructs');…"\` (${modules.length} provider-docker modules the app loads)`,
    command: floorCommand(modules),
    cwd: root,
  };
}

/** `cdktf synth --app APP` as a user runs it (the CLI from node_modules/.bin), into `outdir`. */
export function cdktfSynthCandidate(
  root: string,
  label: string,
  app: string,
  standsFor: string,
  outdir: string,
): Candidate {
  return {
    label,
    standsFor,
    command: [
      join(root, 'node_modules', '.bin', 'cdktf'),
      'synth',
      '--app',
      app,
      '--output',
      outdir,
    ],
    cwd: root,
    env: { PIPELINE_REVIEW_IDS: '' },
    before: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The CLI's start-up: `cdktf synth` of the empty app. */
export function cliStartupCandidate(root: string, outdir: string): Candidate {
  return cdktfSynthCandidate(
    root,
    'cdktf CLI start-up (empty app)',
    EMPTY_APP,
    '`cdktf synth --app <empty app>` (the app writes an empty manifest with sh, no Node)',
    outdir,
  );
}

/**
 * The guard's comparison, which `npm run bench` also runs for the figures it commits, so that both
 * measure each ratio the same way: the floor, the app alone, with 1 and with 100 review
 * environments, and with `withCli` `cdktf synth` and the CLI with the empty app, interleaved.
 */
export function measureGuardRatios(
  root: string,
  rounds: number,
  withCli: boolean,
  log: (message: string) => void,
): Partial<Record<GuardRatio, Spread>> {
  const folders = new OutputFolders();
  const folder = (name: string): string => folders.folder(name);
  try {
    const modules = providerModules(root, { PIPELINE_REVIEW_IDS: '' });
    const candidates: Candidate[] = [
      floorCandidate(root, modules),
      appCandidate(root, 0, folder('app')),
      appCandidate(root, 1, folder('app1')),
      appCandidate(root, 100, folder('app100')),
    ];
    if (withCli) {
      candidates.push(
        cdktfSynthCandidate(root, 'cdktf synth', APP.join(' '), '`cdktf synth`', folder('synth')),
        cliStartupCandidate(root, folder('empty')),
      );
    }
    log(`${rounds} interleaved rounds of: ${candidates.map((c) => c.label).join('; ')}`);
    const [floor, app, one, hundred, synth, startup] = compare(candidates, {
      rounds,
      onRound: (r) => log(`round ${r}/${rounds} done`),
    });
    return {
      appOverFloor: ratio(app, floor),
      reviews100Over1: ratio(hundred, one),
      ...(synth && startup ? { synthOverStartupAndFloor: ratio(synth, startup, floor) } : {}),
    };
  } finally {
    folders.removeAll();
  }
}

/**
 * npm run bench:suites -- --as warm|fresh: where the last `npm test` spent its time, from what it
 * left in .pipeline/results/ (each phase's wall and CPU time, which scripts/test and scripts/setup
 * write, and jest's results with each suite's start and end). Prints the tables, and with --as
 * writes them into BENCHMARKS.md's section on the test suite, as the run on a warm machine (the
 * cache of scripts/setup in place) or on a fresh one (none); the other run's tables stay.
 *   npm run bench:suites                  print the tables of the last npm test
 *   npm run bench:suites -- --as warm     and write them into BENCHMARKS.md
 *   npm run bench:suites -- --as warm --baseline
 *                                         and keep the warm run they replace as the baseline
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';

import { replaceSuiteRun, SuiteRun } from './suites-section';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, '.pipeline', 'results');
/** The phases of `npm test`, in the order they run. */
const PHASES = ['setup', 'unit', 'integration-solo', 'integration', 'integration-swarm'];

interface PhaseTime {
  readonly phase: string;
  readonly wall: number;
  readonly cpu: number;
  /** The share of the machine's cores busy meanwhile, whoever used them (not for set-up). */
  readonly busy?: number;
  /** The phase this one ran beside (its wall time is within that one's). */
  readonly alongside?: string;
}

interface JestResults {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly startTime: number;
    readonly endTime: number;
    readonly assertionResults: readonly unknown[];
  }[];
}

function fail(message: string, fix: string): never {
  console.error(`[bench:suites] error: ${message}\n[bench:suites] fix: ${fix}`);
  process.exit(1);
}

function read<T>(file: string): T {
  return JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as T;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** The tables of the last `npm test`, from .pipeline/results/. */
export function lastRun(label: string): SuiteRun {
  if (!existsSync(RESULTS) || readdirSync(RESULTS).length === 0) {
    fail(`no results in ${relative(ROOT, RESULTS)}`, 'Run npm test first.');
  }
  const phases = PHASES.filter((p) => existsSync(join(RESULTS, `${p}.phase.json`))).map((p) =>
    read<PhaseTime>(`${p}.phase.json`),
  );
  // Each phase's jest results, read once; the run's date is that of the first.
  const ran = PHASES.filter((p) => existsSync(join(RESULTS, `${p}.json`)));
  const results = ran.map((phase) => ({ phase, ...read<JestResults>(`${phase}.json`) }));
  const suites = results.flatMap(({ phase, testResults }) =>
    testResults.map((r) => ({
      phase,
      suite: relative(ROOT, r.name).replace(/^.*?__tests__\//, '__tests__/'),
      tests: r.assertionResults.length,
      seconds: (r.endTime - r.startTime) / 1000,
    })),
  );
  // The commit the run tested, as scripts/test noted it (else this checkout's).
  const noted = join(RESULTS, 'commit');
  const commit = existsSync(noted)
    ? readFileSync(noted, 'utf8').trim()
    : execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const when = new Date(statSync(join(RESULTS, `${ran[0]}.json`)).mtimeMs);
  // Phases that ran beside another count once, for the longer of the two.
  const total = phases
    .filter((p) => !p.alongside)
    .reduce(
      (sum, p) =>
        sum + Math.max(p.wall, ...phases.filter((q) => q.alongside === p.phase).map((q) => q.wall)),
      0,
    );
  const lines = [
    `### ${label === 'fresh' ? 'A fresh machine' : 'A warm machine'}: \`npm test\` in ${minutes(total)}`,
    '',
    `At commit ${commit} on ${when.toISOString().slice(0, 10)}, ${cpus().length} cores; ` +
      `${results.reduce((n, r) => n + r.numPassedTests, 0)} tests passed, ` +
      `${results.reduce((n, r) => n + r.numFailedTests, 0)} failed. ` +
      (label === 'fresh'
        ? 'Fresh: no cache of scripts/setup (it builds OpenTofu and the provider, and starts the daemons).'
        : 'Warm: the cache of scripts/setup in place, the daemons stopped (as .ci/run leaves them).'),
    '',
    "CPU is that of the processes each phase ran (jest and what it started), not the Docker engine's",
    "or the containers'; cores busy is the share of the machine's cores in use meanwhile, by anyone.",
    '',
    '| phase | wall | CPU | CPU / wall | cores busy |',
    '| --- | --- | --- | --- | --- |',
    ...phases.map(
      (p) =>
        `| ${p.phase}${p.alongside ? ` (beside ${p.alongside})` : ''} | ${p.wall} s | ${p.cpu.toFixed(0)} s | ${p.wall > 0 ? (p.cpu / p.wall).toFixed(2) : '—'} | ${p.busy === undefined ? '—' : `${Math.round(p.busy * 100)} %`} |`,
    ),
    `| **npm test** | **${total} s** | ${phases.reduce((s, p) => s + p.cpu, 0).toFixed(0)} s | | |`,
    '',
    'The suites that took 10 s or more, slowest first (suites of one phase run side by side, so their',
    "times add up to more than the phase's wall time):",
    '',
    '| phase | suite | tests | wall |',
    '| --- | --- | --- | --- |',
    ...suites
      .filter((s) => s.seconds >= 10)
      .sort((a, b) => b.seconds - a.seconds)
      .map((s) => `| ${s.phase} | \`${s.suite}\` | ${s.tests} | ${s.seconds.toFixed(0)} s |`),
    '',
  ];
  return { label, lines };
}

function minutes(seconds: number): string {
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function main(): void {
  const label = option('--as');
  if (label !== undefined && label !== 'warm' && label !== 'fresh') {
    fail(`--as must be warm or fresh, got '${label}'`, 'Pass --as warm or --as fresh.');
  }
  const run = lastRun(label ?? 'warm');
  console.log(run.lines.join('\n'));
  if (label === undefined) return;
  const file = join(ROOT, 'BENCHMARKS.md');
  const baseline = process.argv.includes('--baseline');
  writeFileSync(file, replaceSuiteRun(readFileSync(file, 'utf8'), run, baseline));
  console.log(`[bench:suites] wrote the ${label} run into BENCHMARKS.md`);
}

if (require.main === module) main();

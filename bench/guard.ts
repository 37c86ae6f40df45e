/**
 * npm run bench:guard: a quick check, for CI, that synthesis has not regressed against the figures
 * committed at the end of BENCHMARKS.md (written by `npm run bench`). It measures ratios only,
 * each interleaved and taken per round, never absolute times (machines differ), and fails (exit 1)
 * when one is more than 25 % above its committed figure. Needs neither the Docker engine nor tofu.
 *   npm run bench:guard -- --cli          every ratio: app alone / floor, 100 review envs / 1, and
 *                                         cdktf synth / (CLI start-up + floor); what .ci/run runs
 *                                         (about 35 s on two cores)
 *   npm run bench:guard                   the first two only (about 10 s)
 *   npm run bench:guard -- --rounds 7     more rounds (default 5)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  GUARD_RATIOS,
  GuardRatio,
  measureGuardRatios,
  readFigures,
  showRatio,
  Spread,
} from './measure';

const ROOT = resolve(__dirname, '..');
/** A ratio may grow by this much over its committed figure. */
const TOLERANCE = 0.25;

function log(message: string): void {
  console.log(`[bench:guard] ${message}`);
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function main(): number {
  const started = Date.now();
  const file = join(ROOT, 'BENCHMARKS.md');
  const committed = readFigures(readFileSync(file, 'utf8'));
  if (!committed) {
    console.error(
      `[bench:guard] error: BENCHMARKS.md has no figures block, so there is nothing to compare with.\n[bench:guard] fix: run \`npm run bench\` and commit the BENCHMARKS.md it writes.`,
    );
    return 1;
  }
  const rounds = Number(option('--rounds') ?? 5);
  const withCli = process.argv.includes('--cli');
  const measured = measureGuardRatios(ROOT, rounds, withCli, log);
  const failures: string[] = [];
  for (const [key, value] of Object.entries(measured) as [GuardRatio, Spread][]) {
    const name = GUARD_RATIOS[key];
    const figure = committed[key];
    if (figure === undefined) {
      failures.push(
        `'${name}' (${key}) has no committed figure in BENCHMARKS.md. Run \`npm run bench\` and commit BENCHMARKS.md.`,
      );
      continue;
    }
    const bound = figure * (1 + TOLERANCE);
    const ok = value.median <= bound;
    log(
      `${ok ? 'ok  ' : 'FAIL'} ${name}: measured ${showRatio(value)}, committed ${figure.toFixed(2)}×, bound ${bound.toFixed(2)}× (+${TOLERANCE * 100} %)`,
    );
    if (!ok) {
      failures.push(
        `'${name}' regressed: measured ${value.median.toFixed(2)}× (per-round ${value.min.toFixed(2)}–${value.max.toFixed(2)}), committed ${figure.toFixed(2)}×, bound ${bound.toFixed(2)}× (committed + ${TOLERANCE * 100} %).`,
      );
    }
  }
  for (const key of Object.keys(committed) as GuardRatio[]) {
    if (!(key in measured)) log(`not checked: ${GUARD_RATIOS[key]} (run with --cli to check it)`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length > 0) {
    for (const f of failures) console.error(`[bench:guard] error: ${f}`);
    console.error(
      '[bench:guard] fix: find what made it slower; if the change is intended, refresh the figures with `npm run bench` and commit BENCHMARKS.md.',
    );
    return 1;
  }
  return 0;
}

process.exitCode = main();

/**
 * BENCHMARKS.md's section on the test suite: the tables of one `npm test` on a warm machine and
 * one on a fresh machine, each between markers of its own, so that `npm run bench:suites` replaces
 * one run's tables and `npm run bench`, which writes the rest of the file from scratch, keeps them.
 */

/** The tables of one `npm test`, as `bench:suites` writes them. */
export interface SuiteRun {
  /** `warm` or `fresh`. */
  readonly label: string;
  readonly lines: readonly string[];
}

const HEADING = '## The test suite: where `npm test` spends its time';
const INTRO = [
  HEADING,
  '',
  'Written by `npm run bench:suites -- --as warm|fresh` from the results of the `npm test` before it',
  "(.pipeline/results/: each phase's wall and CPU time, and each suite's start and end).",
  '',
];
/** `baseline`: a warm run kept from before a change, to compare with (`--baseline`). */
const LABELS = ['warm', 'fresh', 'baseline'];

const begin = (label: string) => `<!-- npm-test:${label} -->`;
const end = (label: string) => `<!-- /npm-test:${label} -->`;

/** The lines of each run's tables that `text` holds, by label. */
function runsIn(text: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  for (const label of LABELS) {
    const from = text.indexOf(begin(label));
    const to = text.indexOf(end(label));
    if (from >= 0 && to > from) {
      runs.set(
        label,
        text
          .slice(from + begin(label).length, to)
          .trim()
          .split('\n'),
      );
    }
  }
  return runs;
}

/** The section, with the runs given. */
function section(runs: Map<string, string[]>): string[] {
  if (runs.size === 0) return [];
  return [
    ...INTRO,
    ...LABELS.filter((l) => runs.has(l)).flatMap((l) => [
      begin(l),
      ...(runs.get(l) ?? []),
      end(l),
      '',
    ]),
  ];
}

/** The section as `existing` (a BENCHMARKS.md) holds it: for `npm run bench` to keep it. */
export function keptSuiteSection(existing: string): string[] {
  return section(runsIn(existing));
}

/**
 * `benchmarks` with `run`'s tables in the section (added before the guard's ratios if new). With
 * `baseline`, the tables of the run it replaces are kept as the baseline, their heading marked so.
 */
export function replaceSuiteRun(benchmarks: string, run: SuiteRun, baseline = false): string {
  const runs = runsIn(benchmarks);
  const previous = runs.get(run.label);
  if (baseline && previous) {
    runs.set('baseline', [
      previous[0].replace(/^### /, '### Before (the baseline): '),
      ...previous.slice(1),
    ]);
  }
  runs.set(run.label, [...run.lines]);
  const lines = benchmarks.split('\n');
  const start = lines.indexOf(HEADING);
  let rest: string[];
  let at: number;
  if (start >= 0) {
    const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    at = start;
    rest = next < 0 ? [] : lines.slice(next);
    lines.splice(start);
  } else {
    const guard = lines.findIndex((l) => l === '## Ratios the guard checks');
    at = guard < 0 ? lines.length : guard;
    rest = lines.splice(at);
  }
  return [...lines.slice(0, at), ...section(runs), ...rest].join('\n');
}

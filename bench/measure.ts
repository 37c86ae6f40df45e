import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Wall time and peak memory of several runs of one command. */
export interface Measurement {
  readonly label: string;
  readonly runs: number;
  /** Seconds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Peak resident memory of the command (largest process of its tree, GNU time's %M), MiB. */
  readonly peakMiB: number;
}

export interface MeasureOptions {
  readonly runs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Runs once before measuring, untimed. */
  readonly warmup?: boolean;
  /** Runs before each timed run, untimed (e.g. to reset state). */
  readonly before?: () => void;
}

/** Runs `command` under GNU time several times; fails loudly when the command fails. */
export function measure(
  label: string,
  command: string[],
  options: MeasureOptions = {},
): Measurement {
  const runs = options.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const out = join(dir, 'time');
  const once = () => {
    options.before?.();
    const result = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', out, ...command], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(
        `${label}: '${command.join(' ')}' failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
    const [seconds, kib] = last.split(' ').map(Number);
    return { seconds, mib: kib / 1024 };
  };
  if (options.warmup) once();
  const samples = Array.from({ length: runs }, once);
  rmSync(dir, { recursive: true, force: true });
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const mems = samples.map((s) => s.mib).sort((a, b) => a - b);
  return {
    label,
    runs,
    median: median(times),
    min: times[0],
    max: times[times.length - 1],
    peakMiB: median(mems),
  };
}

export function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `1.23 s (1.20–1.31)` */
export function showTime(m: Measurement): string {
  return `${m.median.toFixed(2)} s (${m.min.toFixed(2)}–${m.max.toFixed(2)})`;
}

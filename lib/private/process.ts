import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** How a command ended. */
export interface Finished {
  readonly code: number;
}

/** Options of {@link runLogged}. */
export interface RunLoggedOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The file that receives the command's whole output. */
  readonly logFile: string;
  /** Called every `heartbeatSeconds` while the command runs, with the seconds so far. */
  readonly heartbeat?: (seconds: number) => void;
  /** @default 30 */
  readonly heartbeatSeconds?: number;
  /**
   * Whether the output goes after what the log file holds already.
   * @default false
   */
  readonly append?: boolean;
}

/** Runs a program with its output going to a log file; resolves with its exit code. */
export async function runLogged(
  program: string,
  args: readonly string[],
  options: RunLoggedOptions,
): Promise<Finished> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: options.append ? 'a' : 'w' });
  const finished = await runStreamed(program, args, {
    ...options,
    output: (chunk) => log.write(chunk),
  });
  await new Promise((resolve) => log.end(resolve));
  return finished;
}

/** Options of {@link runStreamed}. */
export interface RunStreamedOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Receives the program's standard output and error, chunk by chunk, as they come. */
  readonly output: (chunk: Buffer) => void;
  /** Called every `heartbeatSeconds` while the program runs, with the seconds so far. */
  readonly heartbeat?: (seconds: number) => void;
  /** @default 30 */
  readonly heartbeatSeconds?: number;
  /**
   * Run `program` with a shell (it is a whole command line).
   * @default false
   */
  readonly shell?: boolean;
}

/**
 * Runs a program, passing its output on as it comes, with a heartbeat while it runs; resolves
 * with its exit code (127 when it cannot start, with the reason as output).
 */
export function runStreamed(
  program: string,
  args: readonly string[],
  options: RunStreamedOptions,
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      shell: options.shell,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    const timer = options.heartbeat
      ? setInterval(
          () => options.heartbeat?.(Math.round((Date.now() - started) / 1000)),
          (options.heartbeatSeconds ?? 30) * 1000,
        )
      : undefined;
    child.stdout.on('data', options.output);
    child.stderr.on('data', options.output);
    let ended = false;
    const done = (code: number) => {
      if (ended) return;
      ended = true;
      if (timer) clearInterval(timer);
      resolve({ code });
    };
    child.on('error', (error) => {
      options.output(Buffer.from(`${program}: ${error.message}\n`));
      done(127);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

/** Runs a program and collects its output; resolves with exit code and output. */
export async function runCollected(
  program: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly shell?: boolean },
): Promise<{ readonly code: number; readonly output: string }> {
  let output = '';
  const { code } = await runStreamed(program, args, {
    ...options,
    output: (chunk) => (output += chunk.toString()),
  });
  return { code, output };
}

/** Whether a process with that pid runs on this machine (a signal 0 reaches it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the entries of `dir` that processes which have ended left behind: those whose name
 * `pidOf` reads a pid from, when that process no longer runs. A missing `dir` has none.
 */
export function removeLeftovers(dir: string, pidOf: (name: string) => number | undefined): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = pidOf(name);
    if (pid !== undefined && !isAlive(pid)) {
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
}

/**
 * A temporary folder of this process, `<tmpdir>/cdktf-pipeline-<kind>-<pid>-XXXXXX`, for the caller
 * to remove when done. Folders of the same kind that ended processes left behind (a run killed
 * before it could remove its own) are removed first.
 */
export function scratchFolder(kind: string): string {
  const prefix = `cdktf-pipeline-${kind}-`;
  const own = new RegExp(`^${prefix}(\\d+)-`);
  removeLeftovers(tmpdir(), (name) => Number(own.exec(name)?.[1]) || undefined);
  return mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
}

/**
 * A gate that lets at most `limit` tasks run at once; the others wait their turn, in order.
 * For engine runs, which are CPU-bound: one per core.
 */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A task that ends hands its place to the first waiting one.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * Waits for every promise; when some failed, rejects with the error of the first of them in the
 * given order (not the first to fail in time), so that what a command reports does not depend on
 * which of its parallel reads ended first.
 */
export async function allInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

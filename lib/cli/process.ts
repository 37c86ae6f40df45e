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
export function runLogged(
  program: string,
  args: readonly string[],
  options: RunLoggedOptions,
): Promise<Finished> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: options.append ? 'a' : 'w' });
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    const timer = options.heartbeat
      ? setInterval(
          () => options.heartbeat?.(Math.round((Date.now() - started) / 1000)),
          (options.heartbeatSeconds ?? 30) * 1000,
        )
      : undefined;
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const done = (code: number) => {
      if (timer) clearInterval(timer);
      log.end(() => resolve({ code }));
    };
    child.on('error', (error) => {
      log.write(`${program}: ${error.message}\n`);
      done(127);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

/** Runs a program and collects its output; resolves with exit code and output. */
export function runCollected(
  program: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly shell?: boolean },
): Promise<{ readonly code: number; readonly output: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      shell: options.shell,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: 127, output: `${program}: ${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
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

import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** This repository's root: where commands run unless told otherwise. */
const ROOT = join(__dirname, '..', '..');

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs a command (in the project root unless told otherwise); resolves with its exit code and
 * combined output.
 */
export async function sh(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0', CI: '1', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
    };
  }
}

/**
 * Expects a command to have exited 0; when it did not, the failure shows its exit code and the
 * last 3,000 characters of its output (a bare exit code tells nothing).
 */
export function expectSuccess(result: CommandResult): void {
  expect(
    result.code === 0 ? 'exit 0' : `exit ${result.code}; output:\n${result.output.slice(-3000)}`,
  ).toBe('exit 0');
}

/**
 * Runs the cdktf CLI as a user would, with the flags this machine needs (`--skip-provider-lock`,
 * and `--auto-approve` where the command takes it): the project's own `node_modules/.bin/cdktf`,
 * which `npx cdktf` runs too, without npx's half second of start-up (the consumer suite keeps
 * npx, as its user types it).
 */
export function cdktf(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): Promise<CommandResult> {
  const approve = args[0] === 'diff' ? [] : ['--auto-approve'];
  return sh(
    `${cwd}/node_modules/.bin/cdktf`,
    [...args, '--skip-provider-lock', ...approve],
    env,
    cwd,
  );
}

/** `cdktf deploy STACK` (in the project root unless told otherwise); throws with the CLI's output when it fails. */
export async function deploy(
  stack: string,
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<string> {
  const result = await cdktf(['deploy', stack], env, cwd);
  if (result.code !== 0) throw new Error(`cdktf deploy ${stack} failed:\n${result.output}`);
  return result.output;
}

/** Runs docker; throws with the output when it fails. */
export async function docker(...args: string[]): Promise<string> {
  const result = await sh('docker', args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${result.output}`);
  return result.output.trim();
}

/** Names of all containers, running or not. */
export async function containerNames(): Promise<string[]> {
  return (await docker('ps', '-a', '--format', '{{.Names}}')).split('\n').filter(Boolean).sort();
}

/** Names of all networks. */
export async function networkNames(): Promise<string[]> {
  return (await docker('network', 'ls', '--format', '{{.Name}}'))
    .split('\n')
    .filter(Boolean)
    .sort();
}

/** One HTTP GET; resolves with status and body (status 0 when nothing answers). */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Records the Docker engine's image events (`push <name>`, `tag <name>`, ...) from now until
 * `stop()`, except those that name another repository than `repositories` (`registry/name`: suites
 * in other lanes build and push their own beside this one). It proves its own subscription: it
 * creates a marker volume and waits until the engine reports it, and `stop()` removes the marker
 * and waits for that event too, so every image event in between has been delivered. A watcher
 * that never sees its marker fails.
 */
export async function watchImageEvents(
  repositories: string | readonly string[],
): Promise<{ stop: () => Promise<string[]> }> {
  const watched = typeof repositories === 'string' ? [repositories] : repositories;
  const another = (name: string) =>
    name.includes('/') &&
    !watched.some(
      (repository) =>
        name === repository ||
        name.startsWith(`${repository}:`) ||
        name.startsWith(`${repository}@`),
    );
  const marker = `events-marker-${process.pid}-${Date.now()}`;
  const child = spawn('docker', [
    'events',
    '--filter',
    'type=image',
    '--filter',
    'type=volume',
    '--format',
    '{{.Type}}|{{.Action}}|{{.Actor.ID}}|{{.Actor.Attributes.name}}',
  ]);
  const lines: string[] = [];
  let partial = '';
  let waiting: { seen: (line: string) => boolean; resolve: () => void } | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (waiting && lines.some(waiting.seen)) waiting.resolve();
  });
  const until = (what: string, seen: (line: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      waiting = { seen, resolve };
      setTimeout(
        () => reject(new Error(`docker events did not report ${what} within 30 s`)),
        30_000,
      ).unref();
    });
  // Until the client has subscribed, the engine drops its events: create markers until one
  // is reported.
  const markers: string[] = [];
  const subscribed = until(`a marker volume's creation`, (l) =>
    l.startsWith(`volume|create|${marker}-`),
  );
  const create = () => {
    markers.push(`${marker}-${markers.length + 1}`);
    void docker('volume', 'create', markers[markers.length - 1]).catch(() => undefined);
  };
  create();
  const repeat = setInterval(create, 500);
  try {
    await subscribed;
  } catch (error) {
    child.kill();
    throw error;
  } finally {
    clearInterval(repeat);
  }
  return {
    // Events arrive in order: once the last marker's removal is reported, so is every image
    // event before it.
    stop: async () => {
      const last = markers[markers.length - 1];
      const removed = until(`the removal of marker volume ${last}`, (l) =>
        l.startsWith(`volume|destroy|${last}|`),
      );
      await docker('volume', 'rm', '--force', ...markers);
      try {
        await removed;
      } finally {
        child.kill();
      }
      return lines
        .filter((l) => l.startsWith('image|'))
        .map((l) => l.split('|'))
        .filter(([, , , name]) => !another(name))
        .map(([, action, , name]) => `${action} ${name}`);
    },
  };
}

/** Waits until `ready` holds, checking every 100 ms; fails after `seconds`. */
export async function until(
  what: string,
  ready: () => Promise<boolean> | boolean,
  seconds = 120,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a process runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The lock every `npm pack` of this checkout takes in the tests (`flock`): packing builds `dist/`
 * afresh (`rm -rf dist`, then tsc), so a second pack at the same moment would ship a tarball
 * without it.
 */
export const PACK_LOCK = join(tmpdir(), 'cdktf-deployment-pipeline-pack.lock');

/**
 * Packs this repository as `npm pack` does (its prepack builds dist/) into `destination`;
 * resolves with the tarball's file name.
 */
export async function packPackage(destination: string): Promise<string> {
  const pack = await sh('flock', [
    PACK_LOCK,
    'npm',
    'pack',
    '--pack-destination',
    destination,
    '--loglevel=error',
  ]);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.output}`);
  return pack.output.trim().split('\n').pop() ?? '';
}

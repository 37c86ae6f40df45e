import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { CommandResult, sh } from './cli';
import { PROJECT_ROOT } from './test-app';

/**
 * A copy of this project as another clone has it: the files git tracks or would track (the
 * working tree, not only what is committed), with this checkout's node_modules linked in.
 * Returns its folder.
 */
export async function projectCopy(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files = (await sh('git', ['ls-files', '-co', '--exclude-standard', '-z'])).output
    .split('\0')
    .filter((f) => f && !f.startsWith('node_modules/'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(PROJECT_ROOT, file), join(dir, file), { preserveTimestamps: true });
    } catch {
      // listed by git but deleted in the working tree
    }
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/**
 * The state encryption the suites that deploy with a secret give their copy: the fewest PBKDF2
 * iterations OpenTofu accepts, with SHA-256 (which this machine's processor computes in
 * hardware), as a team may choose for throwaway environments. Every engine run on an encrypted
 * state derives the key several times: a plan takes 0.25 s of CPU so, 0.71 s with SHA-512 at
 * these iterations, and about a second more at OpenTofu's default (600 000, SHA-512), which the
 * recovery suite keeps.
 */
export const TEST_STATE_ENCRYPTION =
  "StateEncryption.passphrase({ iterations: 200_000, hashFunction: 'sha256' })";

/**
 * Gives the sample's api service, in a copy, the secret `API_TOKEN` (its health page shows it),
 * and the delivery `stateEncryption` (source text; null: the default for a delivery with a secret,
 * with OpenTofu's PBKDF2 settings).
 */
export function giveApiSecret(
  dir: string,
  stateEncryption: string | null = TEST_STATE_ENCRYPTION,
): void {
  const service = join(dir, 'stacks', 'sample-service.ts');
  const source = readFileSync(service, 'utf8');
  const withSecret = source.replace(
    "    name: 'api',\n",
    "    name: 'api',\n    secrets: ['API_TOKEN'],\n",
  );
  expect(withSecret).not.toBe(source);
  writeFileSync(service, withSecret);
  if (stateEncryption === null) return;
  const delivery = join(dir, 'stacks', 'sample-delivery.ts');
  const text = readFileSync(delivery, 'utf8');
  const withEncryption = text
    .replace(
      '    target: options.target,\n',
      `    target: options.target,\n    stateEncryption: ${stateEncryption},\n`,
    )
    .replace(
      /import \{([^}]*)\} from '(\.\.\/lib|cdktf-deployment-pipeline)';/,
      "import {$1, StateEncryption } from '$2';",
    );
  expect(withEncryption).toContain(`stateEncryption: ${stateEncryption},`);
  expect(withEncryption).toContain(', StateEncryption }');
  writeFileSync(delivery, withEncryption);
}

/** The variables a copy's pipeline.env exports (what scripts/setup wrote for it). */
export function pipelineEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const line of readFileSync(join(dir, 'pipeline.env'), 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(?:'(.*)'|([^'"\s$]*))$/.exec(line);
    if (m) env[m[1]] = m[2] ?? m[3];
  }
  return env;
}

/** A command started in the background: its pid (and process group) and its result. */
export interface Started {
  readonly pid: number;
  readonly result: Promise<CommandResult>;
}

/** Starts a command in its own process group; `result` resolves when it ends. */
export function start(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Started {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, FORCE_COLOR: '0', CI: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const result = new Promise<CommandResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 + 9 : 1), output })),
  );
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { pid: child.pid, result };
}

import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { engineVariable, PASSPHRASE_VARIABLE } from '../../private/defaults';
import {
  encryptionBlock,
  EncryptionSettings,
  MIN_PASSPHRASE_LENGTH,
} from '../../private/encryption';
import { engineBinary, engineError } from '../../private/engine';
import { limiter, scratchFolder } from '../../private/process';
import { DeliveryManifest, StateLocation } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';

const execFileAsync = promisify(execFile);

/**
 * A state passphrase that is missing, too short or wrong: every command stops on it before it
 * changes anything (nothing can be read, deployed or destroyed without it).
 */
export class PassphraseError extends OperationError {}

/** The variable the engine reads the state passphrase from. */
export const PASSPHRASE_ENV = engineVariable(PASSPHRASE_VARIABLE);

let engineName: string | undefined;

/** The engine's name and version as it reports them, e.g. 'OpenTofu v1.12.6'. */
export function engineVersion(): string {
  if (engineName === undefined) {
    try {
      engineName = execFileSync(engineBinary(), ['version'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      }).split('\n')[0];
    } catch {
      throw new OperationError(
        `the engine ${engineBinary()} does not run.`,
        'Install OpenTofu (tofu) or Terraform, or point TERRAFORM_BINARY_NAME at it.',
      );
    }
  }
  return engineName;
}

/**
 * Checks that encrypted state can be written and read: the engine is OpenTofu, and the
 * passphrase is given (`where` is the secrets file it may come from) and long enough. Every
 * command checks this before it reads or writes an encrypted state, with these same messages.
 * Names the fix; never prints the passphrase.
 */
export function requireEncryption(where: string): void {
  const version = engineVersion();
  if (!/^OpenTofu v/.test(version)) {
    throw new OperationError(
      `the delivery encrypts its state, and ${version.trim() || engineBinary()} cannot: only OpenTofu encrypts state and plans. Nothing was read or changed.`,
      'Use OpenTofu (TERRAFORM_BINARY_NAME=tofu), or accept plain-text state with stateEncryption: StateEncryption.none() in the Delivery.',
    );
  }
  const passphrase = process.env[PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase === '') {
    throw new PassphraseError(
      `the delivery encrypts its state, and no passphrase is given (neither ${PASSPHRASE_ENV} nor ${where}). Nothing was read or changed.`,
      `Set ${PASSPHRASE_ENV}, or write the passphrase (at least ${MIN_PASSPHRASE_LENGTH} characters) to ${where}.`,
    );
  }
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new PassphraseError(
      `the state passphrase has ${passphrase.length} characters; OpenTofu needs at least ${MIN_PASSPHRASE_LENGTH}. Nothing was read or changed.`,
      `Use a longer passphrase in ${PASSPHRASE_ENV} or ${where}.`,
    );
  }
}

/** Whether the engine's output says the passphrase given does not decrypt a state. */
export function isWrongPassphrase(output: string): boolean {
  return /message authentication failed|decryption failed/.test(output);
}

/**
 * The refusal of every command whose passphrase does not decrypt a state (`where`: the secrets
 * file the passphrase may come from).
 */
export function wrongPassphrase(location: StateLocation, where: string): PassphraseError {
  return new PassphraseError(
    `the state at ${stateLocationText(location)} is encrypted, and the passphrase given (${PASSPHRASE_ENV}, else ${where}) does not decrypt it. Nothing was changed.`,
    'Give the passphrase this state was encrypted with.',
  );
}

/**
 * Runs `fn` in a scratch OpenTofu working directory outside the project that has only the
 * backend of `location`, initialised; with `encryption`, with the delivery's encryption in its
 * migrating form (a plain state is read too, and every state is written encrypted, with those
 * settings). Several may run at once (a command reading many states), one per core.
 */
async function inStateWorkspace<T>(
  location: StateLocation,
  where: string,
  encryption: EncryptionSettings | undefined,
  fn: (run: (args: string[], input?: string) => Promise<string>) => Promise<T>,
): Promise<T> {
  return oneEnginePerCore(() => inWorkspace(location, where, encryption, fn));
}

/** The engine runs of {@link inStateWorkspace} that run at once: one per core. */
const oneEnginePerCore = limiter(availableParallelism());

async function inWorkspace<T>(
  location: StateLocation,
  where: string,
  encryption: EncryptionSettings | undefined,
  fn: (run: (args: string[], input?: string) => Promise<string>) => Promise<T>,
): Promise<T> {
  const encrypted = encryption !== undefined;
  const dir = scratchFolder('state');
  const backend =
    location.backend === 'local'
      ? { local: { path: location.path } }
      : { pg: { schema_name: location.schema } };
  writeFileSync(
    join(dir, 'main.tf.json'),
    JSON.stringify({
      terraform: {
        backend,
        ...(encrypted ? { encryption: encryptionBlock(encryption, true) } : {}),
      },
      ...(encrypted
        ? { variable: { [PASSPHRASE_VARIABLE]: { type: 'string', sensitive: true } } }
        : {}),
    }),
  );
  // Asynchronous: a command reads several states at once (status, migrate-state).
  const run = async (args: string[], input?: string): Promise<string> => {
    try {
      const running = execFileAsync(engineBinary(), args, {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, TF_IN_AUTOMATION: '1', TF_DATA_DIR: join(dir, '.terraform') },
      });
      running.child.stdin?.end(input ?? '');
      return (await running).stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      const detail = e.stderr ?? e.message;
      const reason = engineError(detail);
      if (isWrongPassphrase(detail)) throw wrongPassphrase(location, where);
      throw new OperationError(
        `${engineBinary()} ${args[0]}${args[0] === 'state' ? ` ${args[1]}` : ''} failed on the state at ${stateLocationText(location)}: ${reason}`,
        'Check that the state is readable (for PostgreSQL, that the database answers: PG_CONN_STR).',
      );
    }
  };
  try {
    await run(['init', '-input=false', '-no-color']);
    return await fn(run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How the delivery's stages write their state: its key derivation settings from the manifest. */
export function encryptionOf(delivery: DeliveryManifest): EncryptionSettings {
  // encryptionBlock leaves out what is undefined: OpenTofu's default.
  return {
    iterations: delivery.stateEncryptionIterations,
    hashFunction: delivery.stateEncryptionHashFunction,
  };
}

/** A state's location in messages: the file's path, or the PostgreSQL schema. */
export function stateLocationText(location: StateLocation): string {
  return location.backend === 'local' ? location.path : `PostgreSQL schema ${location.schema}`;
}

/**
 * An encrypted state, decrypted by the engine: its JSON text (kept in memory only). Checks the
 * passphrase first ({@link requireEncryption}; `where` is its secrets file).
 */
export async function decryptedState(location: StateLocation, where: string): Promise<string> {
  requireEncryption(where);
  return inStateWorkspace(location, where, {}, (run) => run(['state', 'pull']));
}

/**
 * Writes `state` (a state's JSON text) to `location`, encrypted with `encryption` when given: the engine's
 * `state push` from standard input, so that the text never reaches a file. Waits up to 10 s for
 * the target's lock. Returns the state as the engine reads it back from `location` afterwards
 * (decrypted; in memory only), from the same initialised folder.
 */
export async function pushState(
  location: StateLocation,
  where: string,
  encryption: EncryptionSettings | undefined,
  state: string,
): Promise<string> {
  if (encryption) requireEncryption(where);
  return inStateWorkspace(location, where, encryption, async (run) => {
    await run(['state', 'push', '-lock-timeout=10s', '-'], state);
    return run(['state', 'pull']);
  });
}

/** Rewrites a plain-text state encrypted with `encryption`, keeping every resource and output. */
export async function encryptState(
  location: StateLocation,
  where: string,
  encryption: EncryptionSettings,
): Promise<void> {
  await inStateWorkspace(location, where, encryption, async (run) => {
    const state = await run(['state', 'pull']);
    await run(['state', 'push', '-force', '-'], state);
  });
}

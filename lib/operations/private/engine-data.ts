import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { engineBinary } from '../../private/engine';
import { isAlive } from '../../private/process';

import { engineVersion } from './state-engine';

/**
 * The dependency lock file `init` writes beside the configuration. Kept data has its copy: the
 * folder only gets its name (an atomic rename) once `init` succeeded and the copy is in it.
 */
const LOCK_FILE = '.terraform.lock.hcl';

/**
 * One stack's engine data folder (`TF_DATA_DIR`: the backend's settings and the providers that
 * `init` selected), kept under the project's work folder between runs and named by a hash of
 * everything `init` depends on: the stack's `terraform` block (backend, encryption, required
 * providers), the engine and its version, and the engine's CLI configuration (where providers come
 * from). While none of these changes, the engine runs without `init`; a change of any is a new
 * name, so a new `init`.
 */
export class EngineData {
  /** The kept data of `stack`, synthesized into `stackDir`, for `engine` (its path and version). */
  public static of(work: string, stack: string, stackDir: string, engine: string): EngineData {
    const config = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
      terraform?: unknown;
    };
    const cliConfig = process.env.TF_CLI_CONFIG_FILE;
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          config.terraform ?? null,
          engine,
          cliConfig && existsSync(cliConfig) ? readFileSync(cliConfig, 'utf8') : '',
          process.env.TF_PLUGIN_CACHE_DIR ?? '',
        ]),
      )
      .digest('hex')
      .slice(0, 16);
    return new EngineData(join(work, 'engine'), stack, key, stackDir);
  }

  /** Where the data is kept once initialised. */
  public readonly directory: string;

  private constructor(
    private readonly parent: string,
    /** The stack whose data this is. */
    public readonly stack: string,
    private readonly key: string,
    private readonly stackDir: string,
  ) {
    this.directory = join(parent, `${stack}-${key}`);
  }

  /** Whether an `init` with the same inputs has succeeded before. */
  public get initialised(): boolean {
    return existsSync(join(this.directory, LOCK_FILE));
  }

  /** The kept data, for a run without `init`: its lock file is copied beside the configuration. */
  public use(): string {
    copyFileSync(join(this.directory, LOCK_FILE), join(this.stackDir, LOCK_FILE));
    return join(this.directory, 'data');
  }

  /** A data folder of this process's own, for a run with `init`; kept by {@link keep}. */
  public fresh(): string {
    const scratch = this.scratch(process.pid);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    return join(scratch, 'data');
  }

  /**
   * Keeps this process's data after its `init` succeeded, with the lock file `init` wrote (unless
   * another run kept the same first), and removes the stack's data for other inputs and what runs
   * that were killed left.
   */
  public keep(): void {
    const scratch = this.scratch(process.pid);
    const lock = join(this.stackDir, LOCK_FILE);
    if (existsSync(lock)) {
      copyFileSync(lock, join(scratch, LOCK_FILE));
      try {
        renameSync(scratch, this.directory);
      } catch {
        // Another run kept the same data first.
      }
    }
    rmSync(scratch, { recursive: true, force: true });
    for (const name of readdirSync(this.parent)) {
      const m = new RegExp(`^${this.stack}-([0-9a-f]{16})(?:\\.(\\d+))?$`).exec(name);
      if (!m) continue;
      const stale = m[2] === undefined ? m[1] !== this.key : !isAlive(Number(m[2]));
      if (stale) rmSync(join(this.parent, name), { recursive: true, force: true });
    }
  }

  /** Drops this process's data after a failed `init`. */
  public discard(): void {
    rmSync(this.scratch(process.pid), { recursive: true, force: true });
  }

  /** Forgets the kept data (the engine asked for `init` again). */
  public forget(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }

  private scratch(pid: number): string {
    return `${this.directory}.${pid}`;
  }
}

/** The kept engine data of `stack`, synthesized into `stackDir`, for the engine the CLI runs. */
export function engineDataOf(work: string, stack: string, stackDir: string): EngineData {
  return EngineData.of(work, stack, stackDir, `${engineBinary()} ${engineVersion()}`);
}

/** The engine's `init`, as every run that needs it runs it. */
const INIT: readonly string[] = ['init', '-input=false', '-no-color'];

/**
 * One engine command of {@link runInitialised}, run by the caller in the stack folder with the
 * environment given to runInitialised, its output appended to the log: its exit status.
 */
export type EngineStep = (args: readonly string[]) => Promise<number>;

/** How {@link runInitialised} ran: the exit status, and the command that failed. */
export interface InitialisedRun {
  readonly code: number;
  /** The command that failed: `init`, or one of the commands. */
  readonly failed?: readonly string[];
}

/**
 * Runs `commands` in `stack`'s synthesized folder with its kept engine data (setting
 * `env.TF_DATA_DIR`, which leads to the kept data afterwards too): `init` first only when no data
 * is kept for this configuration (else the log, written anew, begins with `init skipped: ...`),
 * and the data of a successful `init` kept. When
 * the kept data no longer fits (the engine asks for `init`: a provider removed from its cache, say),
 * it is dropped and the commands run again after an `init`, once; `again` is told.
 */
export async function runInitialised(
  data: EngineData,
  env: NodeJS.ProcessEnv,
  commands: readonly (readonly string[])[],
  step: EngineStep,
  log: { readonly file: string; readonly root: string; readonly again: () => void },
): Promise<InitialisedRun> {
  mkdirSync(dirname(log.file), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const initialised = data.initialised;
    env.TF_DATA_DIR = initialised ? data.use() : data.fresh();
    writeFileSync(
      log.file,
      initialised
        ? `init skipped: the engine's data of ${data.stack} is initialised for this configuration (${relative(log.root, data.directory)})\n`
        : '',
    );
    let code = 0;
    let failed: readonly string[] | undefined;
    try {
      for (const args of initialised ? commands : [INIT, ...commands]) {
        code = await step(args);
        if (code !== 0) {
          failed = args;
          break;
        }
      }
    } finally {
      if (!initialised) {
        if (failed === INIT) data.discard();
        else {
          data.keep();
          // What the caller runs next with `env` (e.g. `show` of the plan file written) finds
          // the data where it is kept now, not in this run's scratch folder.
          if (data.initialised) env.TF_DATA_DIR = data.use();
        }
      }
    }
    if (code !== 0 && initialised && attempt === 0 && needsInit(readFileSync(log.file, 'utf8'))) {
      data.forget();
      log.again();
      continue;
    }
    return { code, failed };
  }
}

/** Whether the engine's output asks for `init` (its data does not fit the configuration). */
function needsInit(output: string): boolean {
  return /run "?(tofu|terraform) init"?|Backend initialization required|Inconsistent dependency lock file|Required plugins are not installed/i.test(
    output,
  );
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { engineBinary } from '../../private/engine';
import { isAlive, removeLeftovers, runLogged } from '../../private/process';
import { DeliveryManifest, dockerNameOf, StageManifest } from '../../schema/delivery-manifest';
import { StateLocation } from '../../schema/delivery-manifest';

import { engineDataOf, runInitialised } from './engine-data';
import { FinishedRecord } from './history-store';
import { knownFailure } from './known-failures';
import { InterruptedError, OperationError } from './operation-error';
import { isNameConflict, orphansOf, removeOrphans } from './orphans';
import { Progress } from './progress';
import { Project } from './project';
import { loadStatePassphrase, secretsEnv } from './secrets';
import {
  decryptedState,
  encryptionOf,
  encryptState,
  isWrongPassphrase,
  requireEncryption,
  wrongPassphrase,
} from './state-engine';
import {
  describeClient,
  isLockFailure,
  lockHolder,
  lockTimeoutEnv,
  namedConnection,
} from './state-lock';
import { StateReader } from './state-reader';
import { isSwarmRollback, rollbackError, rolledBackServices } from './swarm-rollback';

/**
 * A stack's state as the engine reads it in the stack's synthesized folder, with the data its
 * deploy has just initialised (one run; an encrypted state comes out decrypted); when that fails,
 * read by the engine in a scratch folder, which says why.
 */
export async function pulledState(
  project: Project,
  stack: string,
  synthesized: string,
  location: StateLocation,
): Promise<string> {
  const dir = stackDirectory(synthesized, stack);
  const data = engineDataOf(project.work, stack, dir);
  const where = loadStatePassphrase(project.root);
  if (!data.initialised) return decryptedState(location, where);
  try {
    return execFileSync(engineBinary(), ['state', 'pull'], {
      cwd: dir,
      env: { ...project.env([stack]), TF_DATA_DIR: data.use() },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return decryptedState(location, where);
  }
}

/** The folder of `stack` in a synthesized app, as cdktf's manifest names it. */
export function stackDirectory(synthesized: string, stack: string): string {
  const manifest = JSON.parse(readFileSync(join(synthesized, 'manifest.json'), 'utf8')) as {
    stacks?: { [name: string]: { workingDirectory?: string } };
  };
  const working = manifest.stacks?.[stack]?.workingDirectory;
  if (working === undefined) {
    throw new OperationError(
      `the app synthesized no stack ${stack}.`,
      'Name a stack of the delivery (cdktf-pipeline status lists them).',
    );
  }
  return join(synthesized, working);
}

/**
 * The engine's `init`, then `apply` or `destroy`, of STACK in the folder this command synthesized
 * the app into (one per process, so deploys from one clone never share one), with the flags an
 * unattended run needs: what `cdktf deploy|destroy --auto-approve` runs after its own synthesis,
 * without the cdktf CLI's start-up. Its output goes to `.pipeline/logs/<action>-<stack>.log`, with
 * a line every 30 s while it runs; on failure the log's last lines and an error naming the log. A
 * stack's state lock is waited for up to PIPELINE_LOCK_TIMEOUT, and a lock that stays taken is an
 * error naming who holds it. Resolves with the log's text.
 */
export async function runEngine(
  project: Project,
  out: Progress,
  action: 'deploy' | 'destroy',
  stage: StageManifest,
  delivery: DeliveryManifest,
  synthesized: string,
  retried = false,
): Promise<string> {
  const stack = stage.name;
  if (project.interrupted) {
    throw new InterruptedError(
      `${action} ${stack} did not start: interrupted. Nothing was changed in ${stack}.`,
      `Run the command again for ${stack} and the stacks after it.`,
    );
  }
  const secrets = secretsEnv(project.root, delivery, stage, action);
  await prepareEncryption(project, out, delivery);
  const lock = lockTimeoutEnv();
  const logFile = uniqueLog(project.logFile(`${action}-${stack}`));
  // Folders of runs before 0.5, which synthesized the app a second time.
  removeStaleOutputs(join(project.work, 'out'));
  if (action === 'deploy') mkdirSync(dirname(project.outputsFile(stack)), { recursive: true });
  const env = { ...project.env([stack]), ...lock.env, ...secrets };
  const connection = namedConnection(env.PG_CONN_STR, describeClient(action, stack));
  if (connection !== undefined) env.PG_CONN_STR = connection;
  const code = await applyOrDestroy(project, out, action, stack, synthesized, env, logFile);
  // Its age is the environment's last deploy (expire-reviews reads it).
  if (code === 0 && action === 'deploy') {
    writeFileSync(
      project.outputsFile(stack),
      `${JSON.stringify({ stack, deployed: new Date().toISOString() }, null, 2)}\n`,
    );
  }
  const log = readFileSync(logFile, 'utf8');
  if (code === 0) return log;
  if (project.interrupted) {
    throw new InterruptedError(
      `${action} ${stack} was interrupted: the engine stopped and recorded what it had done. The full log is ${project.show(logFile)}.`,
      `Run ${action} ${stack} again: it finishes what this one began.`,
    );
  }
  // A name taken by what an interrupted deploy created and never recorded: remove it, once.
  if (action === 'deploy' && !retried && (await removedOrphans(project, out, stage, env, log))) {
    out.log(`deploying ${stack} again`);
    return runEngine(project, out, action, stage, delivery, synthesized, true);
  }
  // A stack's own state, or an upstream's it reads, that the passphrase does not decrypt (the
  // engine may say so while it takes the lock: it is not a lock held by another).
  if (isWrongPassphrase(log)) throw wrongPassphrase(stage.state, loadStatePassphrase(project.root));
  if (isLockFailure(log)) {
    const holder = await lockHolder(stage.state, log, project.database);
    throw new OperationError(
      `${action} ${stack} did not start: the state of ${stack} (${project.showState(stage.state)}) is locked by ${holder ?? 'another deploy'}; waited ${lock.timeout}. Nothing was changed.`,
      `Run it again once that one has finished, or wait longer with PIPELINE_LOCK_TIMEOUT (e.g. 10m). The full log is ${project.show(logFile)}.`,
    );
  }
  out.raw(
    log
      .split('\n')
      .filter((l) => l.trim() !== '' && !/Stacks? (deploying|destroying|waiting|done)/.test(l))
      .slice(-25),
  );
  const error = await failureOf(project, action, stage, log, logFile);
  failedLogs.set(error, log);
  throw error;
}

/**
 * The engine's `init` (when needed), then `apply` or `destroy`, in the stack's folder of the app
 * this command synthesized (a folder of its own), as `cdktf deploy|destroy` would after its own
 * synthesis; init runs only when what it depends on changed since the last init (EngineData).
 * Resolves with the exit code; the output is in `logFile`.
 */
async function applyOrDestroy(
  project: Project,
  out: Progress,
  action: 'deploy' | 'destroy',
  stack: string,
  synthesized: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<number> {
  const dir = stackDirectory(synthesized, stack);
  try {
    const { code } = await runInitialised(
      engineDataOf(project.work, stack, dir),
      env,
      [[action === 'deploy' ? 'apply' : 'destroy', '-auto-approve', '-input=false', '-no-color']],
      async (args) =>
        (
          await runLogged(engineBinary(), args, {
            cwd: dir,
            env,
            logFile,
            append: true,
            heartbeat: (seconds) => out.log(`… still running ${action} ${stack} (${seconds}s)`),
          })
        ).code,
      {
        file: logFile,
        root: project.root,
        again: () => out.log(`initialising ${stack} again: the engine asked for init`),
      },
    );
    return code;
  } finally {
    rmSync(`${logFile}.pid`, { force: true });
  }
}

/**
 * After a deploy that failed on a taken name: removes the objects an interrupted deploy left
 * behind (labelled for the stage, in no state); resolves true when there were some and all went.
 */
async function removedOrphans(
  project: Project,
  out: Progress,
  stage: StageManifest,
  env: NodeJS.ProcessEnv,
  log: string,
): Promise<boolean> {
  if (!isNameConflict(log)) return false;
  const orphans = await orphansOf(project, stage, env);
  for (const o of orphans) {
    out.log(
      `removing ${o.kind} ${o.name}: labelled for ${stage.name} but in no state (an interrupted deploy left it)`,
    );
  }
  return orphans.length > 0 && (await removeOrphans(orphans, env, project.root)).length === 0;
}

/**
 * The error of a failed engine run: a Swarm rollout that rolled back (which service, why, and
 * that nothing changed), a failure the package knows, or the log to read.
 */
async function failureOf(
  project: Project,
  action: 'deploy' | 'destroy',
  stage: StageManifest,
  log: string,
  logFile: string,
): Promise<Error> {
  if (action === 'deploy' && isSwarmRollback(log)) {
    return rollbackError(
      stage.name,
      log,
      await rolledBackServices(dockerNameOf(stage), project.env([stage.name])),
      project.show(logFile),
      dockerNameOf(stage),
    );
  }
  return (
    knownFailure(action, stage, log, project.show(logFile)) ??
    new OperationError(
      `${action} ${stage.name} failed; the full log is ${project.show(logFile)}`,
      'Read the error above.',
    )
  );
}

/** The engine's log of a failed run, by the error that reports it. */
const failedLogs = new WeakMap<Error, string>();

/**
 * The failed smoke test's own line in an engine's log, whole, as the provisioner printed it: the
 * engine's error block after it wraps it at 80 columns, and the script it echoes has the same
 * words with variables.
 */
export function smokeTestFailure(log: string): string | undefined {
  return (
    [...log.matchAll(/\(local-exec\): (smoke test '[^'$]*' failed: [^\n]*)/g)].at(-1)?.[1] ??
    log.match(/smoke test '[^'$]*' failed: [^\n]*/g)?.at(-1)
  );
}

/** How a failed deploy ended, for the history, by its error and the engine's log. */
export function failedOutcome(error: unknown): {
  outcome: FinishedRecord['outcome'];
  detail: string;
} {
  const message = error instanceof Error ? error.message : String(error);
  const log = error instanceof Error ? (failedLogs.get(error) ?? '') : '';
  const smoke = smokeTestFailure(log);
  if (smoke) return { outcome: 'smoke test failed', detail: smoke };
  if (isSwarmRollback(log)) return { outcome: 'rolled back', detail: message };
  if (/Interrupt received/.test(log)) return { outcome: 'interrupted', detail: message };
  return { outcome: 'failed', detail: message };
}

/**
 * For a delivery that encrypts its state: checks the engine and the passphrase, and encrypts
 * every stage's state that is still in plain text (written before encryption was on), so that
 * the engine, which then refuses plain state, reads it. Once per process.
 */
export async function prepareEncryption(
  project: Project,
  out: Progress,
  delivery: DeliveryManifest,
): Promise<void> {
  if (!delivery.stateEncrypted || project.encryptionPrepared) return;
  const where = loadStatePassphrase(project.root);
  requireEncryption(where);
  // Every stage with a state, also review environments this run does not name.
  for (const stack of await project.states.stacks(delivery.state)) {
    const state = StateReader.locationIn(delivery.state, stack);
    if (!(await project.states.isPlain(state))) continue;
    out.log(
      `encrypting the state of ${stack} (${project.showState(state)}), written in plain text`,
    );
    await encryptState(state, where, encryptionOf(delivery));
  }
  project.encryptionPrepared = true;
}

/** Removes the output folders of runs that died before they could (`<action>-<stack>-<pid>`). */
function removeStaleOutputs(dir: string): void {
  removeLeftovers(dir, (name) => Number(/-(\d+)$/.exec(name)?.[1]) || undefined);
}

/**
 * `file`, or `<name>.<pid>.log` beside it while another live process writes `file` (two runs of
 * one stack from one clone); records this process as the file's writer.
 */
function uniqueLog(file: string): string {
  const owner = `${file}.pid`;
  let chosen = file;
  if (existsSync(owner)) {
    const pid = Number(readFileSync(owner, 'utf8'));
    if (pid !== process.pid && isAlive(pid)) chosen = file.replace(/\.log$/, `.${process.pid}.log`);
  }
  mkdirSync(dirname(chosen), { recursive: true });
  writeFileSync(`${chosen}.pid`, String(process.pid));
  return chosen;
}

/** Removes what the CLI kept for a destroyed stack: outputs, and what playbooks configured. */
export function forget(project: Project, stack: string): void {
  rmSync(project.outputsFile(stack), { force: true });
  rmSync(join(project.work, 'hosts', stack), { recursive: true, force: true });
  rmSync(join(project.work, 'ansible', stack), { recursive: true, force: true });
}

/**
 * Destroys `stages` one after the other, forgetting what the CLI kept for each; resolves with
 * their names. `each` says so after every stage.
 */
export async function destroyStages(
  project: Project,
  out: Progress,
  stages: readonly StageManifest[],
  delivery: DeliveryManifest,
  outdir: string,
  each = false,
): Promise<string[]> {
  const destroyed: string[] = [];
  for (const stage of stages) {
    out.log(`destroying ${stage.name}`);
    await runEngine(project, out, 'destroy', stage, delivery, outdir);
    forget(project, stage.name);
    destroyed.push(stage.name);
    if (each) out.log(`destroyed ${stage.name}`);
  }
  return destroyed;
}

import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import { approvalLine } from '../../private/approval-record';
import { DEPLOYED_ENV_FILE, PIPELINE_DEFAULTS } from '../../private/defaults';
import {
  DeliveryManifest,
  dockerNameOf,
  imageNames,
  StageManifest,
} from '../../private/delivery-manifest';
import { describeRelease, Release, releaseId, sameRelease } from '../../private/release';
import { StateLocation } from '../../stacks/state-store';
import { CliError, UsageError } from '../cli-error';
import { confirmDestroy } from '../confirm';
import { engineDataOf, runInitialised } from '../engine-data';
import { currentRun, FinishedRecord, History } from '../history';
import { engineHost, knownFailure } from '../known-failures';
import { isNameConflict, orphansOf, removeOrphans } from '../orphans';
import { Output } from '../output';
import { requireFreePorts } from '../ports';
import { isAlive, removeLeftovers, runCollected, runLogged } from '../process';
import { Project } from '../project';
import { publishRunRelease, requireRunRelease } from '../run-release';
import { loadStatePassphrase, secretsEnv } from '../secrets';
import { decryptedState, encryptState, engineBinary, requireEncryption } from '../state-engine';
import {
  describeClient,
  isLockFailure,
  lockHolder,
  lockTimeoutEnv,
  namedConnection,
} from '../state-lock';
import { StateReader } from '../state-reader';
import { isSwarmRollback, rollbackError, rolledBackServices } from '../swarm-rollback';

/**
 * A stack's state as the engine reads it in the stack's synthesized folder, with the data its
 * deploy has just initialised (one run; an encrypted state comes out decrypted); when that fails,
 * read by the engine in a scratch folder, which says why.
 */
function pulledState(
  project: Project,
  stack: string,
  synthesized: string,
  location: StateLocation,
): string {
  const dir = stackDirectory(synthesized, stack);
  const data = engineDataOf(project.work, stack, dir);
  if (!data.initialised) return decryptedState(location);
  try {
    return execFileSync(engineBinary(), ['state', 'pull'], {
      cwd: dir,
      env: { ...project.env([stack]), TF_DATA_DIR: data.use() },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return decryptedState(location);
  }
}

/** The folder of `stack` in a synthesized app, as cdktf's manifest names it. */
function stackDirectory(synthesized: string, stack: string): string {
  const manifest = JSON.parse(readFileSync(join(synthesized, 'manifest.json'), 'utf8')) as {
    stacks?: { [name: string]: { workingDirectory?: string } };
  };
  const working = manifest.stacks?.[stack]?.workingDirectory;
  if (working === undefined) {
    throw new CliError(
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
  out: Output,
  action: 'deploy' | 'destroy',
  stage: StageManifest,
  delivery: DeliveryManifest,
  synthesized: string,
  retried = false,
): Promise<string> {
  const stack = stage.name;
  const secrets = secretsEnv(project.root, delivery, stage, action);
  prepareEncryption(project, out, delivery);
  const lock = lockTimeoutEnv();
  const logFile = uniqueLog(project.logFile(`${action}-${stack}`));
  // Folders of runs before 0.5, which synthesized the app a second time.
  removeStaleOutputs(join(project.work, 'out'));
  if (action === 'deploy') mkdirSync(dirname(project.outputsFile(stack)), { recursive: true });
  const env = { ...project.env([stack]), ...lock.env, ...secrets };
  const connection = namedConnection(env.PG_CONN_STR, describeClient(action, stack));
  if (connection !== undefined) env.PG_CONN_STR = connection;
  // The engine runs in the stack's folder of the app this command synthesized (a folder of its
  // own), as `cdktf deploy|destroy` would after its own synthesis: init, then apply or destroy.
  // init runs only when what it depends on changed since the last init (EngineData).
  const dir = stackDirectory(synthesized, stack);
  let code = 0;
  try {
    ({ code } = await runInitialised(
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
    ));
  } finally {
    rmSync(`${logFile}.pid`, { force: true });
  }
  // Its age is the environment's last deploy (expire-reviews reads it).
  if (code === 0 && action === 'deploy') {
    writeFileSync(
      project.outputsFile(stack),
      `${JSON.stringify({ stack, deployed: new Date().toISOString() }, null, 2)}\n`,
    );
  }
  const log = readFileSync(logFile, 'utf8');
  // A name taken by what an interrupted deploy created and never recorded: remove it, once.
  if (code !== 0 && action === 'deploy' && !retried && isNameConflict(log)) {
    const orphans = await orphansOf(stage, env, project.root);
    for (const o of orphans) {
      out.log(
        `removing ${o.kind} ${o.name}: labelled for ${stack} but in no state (an interrupted deploy left it)`,
      );
    }
    if (orphans.length > 0 && (await removeOrphans(orphans, env, project.root)).length === 0) {
      out.log(`deploying ${stack} again`);
      return runEngine(project, out, action, stage, delivery, synthesized, true);
    }
  }
  if (code !== 0 && isLockFailure(log)) {
    const holder = lockHolder(stage.state, log);
    throw new CliError(
      `${action} ${stack} did not start: the state of ${stack} (${project.showState(stage.state)}) is locked by ${holder ?? 'another deploy'}; waited ${lock.timeout}. Nothing was changed.`,
      `Run it again once that one has finished, or wait longer with PIPELINE_LOCK_TIMEOUT (e.g. 10m). The full log is ${project.show(logFile)}.`,
    );
  }
  if (code !== 0) {
    out.raw(
      log
        .split('\n')
        .filter((l) => l.trim() !== '' && !/Stacks? (deploying|destroying|waiting|done)/.test(l))
        .slice(-25),
    );
    // A Swarm rollout that rolled back: which service, why, and that nothing changed.
    const error =
      action === 'deploy' && isSwarmRollback(log)
        ? rollbackError(
            stack,
            log,
            await rolledBackServices(dockerNameOf(stage), project.env([stack])),
            project.show(logFile),
            dockerNameOf(stage),
          )
        : (knownFailure(action, stage, log, project.show(logFile)) ??
          new CliError(
            `${action} ${stack} failed; the full log is ${project.show(logFile)}`,
            'Read the error above.',
          ));
    failedLogs.set(error, log);
    throw error;
  }
  return log;
}

/** The engine's log of a failed run, by the error that reports it. */
const failedLogs = new WeakMap<Error, string>();

/** How a failed deploy ended, for the history, by its error and the engine's log. */
function failedOutcome(error: unknown): { outcome: FinishedRecord['outcome']; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  const log = error instanceof Error ? (failedLogs.get(error) ?? '') : '';
  // The test's own line (its script, echoed by the engine, has the same words with variables).
  const smoke = log.match(/smoke test '[^'$]*' failed: [^\n]*/g)?.at(-1);
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
function prepareEncryption(project: Project, out: Output, delivery: DeliveryManifest): void {
  if (!delivery.stateEncrypted || encryptionPrepared) return;
  requireEncryption(loadStatePassphrase(project.root));
  // Every stage with a state, also review environments this run does not name.
  for (const stack of StateReader.stacks(delivery.state)) {
    const state = StateReader.locationIn(delivery.state, stack);
    if (!StateReader.isPlain(state)) continue;
    out.log(
      `encrypting the state of ${stack} (${project.showState(state)}), written in plain text`,
    );
    encryptState(state);
  }
  encryptionPrepared = true;
}

let encryptionPrepared = false;

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

/** What `deploy` was asked for. */
export interface DeployOptions {
  /** The stacks to deploy, in order; none: every stage up to the first behind an approval. */
  readonly stacks: readonly string[];
  /** A pipeline run's own release (its id): deploy each stack only while its upstream has it verified. */
  readonly release?: string;
}

/**
 * `deploy [STACK...] [--release ID]`: deploys stacks one after the other and says where each
 * answers. With `--release` (a pipeline run's own release), each stack is deployed only while its
 * upstream still has that release verified.
 */
export async function deploy(project: Project, options: DeployOptions): Promise<number> {
  const out = new Output('deploy');
  const { release: runRelease, stacks: args } = options;
  if (runRelease !== undefined && args.length === 0) {
    throw new UsageError(
      '--release needs the stacks to deploy, e.g. cdktf-pipeline deploy prod --release 0123456789ab.',
      'Name the stacks.',
    );
  }
  await project.synth(args, async ({ delivery, outdir }) => {
    // By default: every stage that needs no approval, up to the first that does.
    const gated = delivery.stages.findIndex((s) => s.approvalRecord !== undefined);
    const stacks =
      args.length > 0
        ? args
        : delivery.stages
            .slice(0, gated < 0 ? undefined : gated)
            .filter((s) => !s.review)
            .map((s) => s.name);
    // Every name, and what --release needs of each, is checked before anything is deployed.
    const stages = stacks.map((name) => Project.stage(delivery, name, 'deploy'));
    const builder = runRelease === undefined ? undefined : stages.find((s) => !s.upstream);
    if (builder) {
      throw new UsageError(
        `--release applies to stages that promote an upstream's release; '${builder.name}' builds it.`,
        `Deploy ${builder.name} without --release.`,
      );
    }
    await requireEngine(project.root);
    const history = History.of(delivery.state);
    for (const stage of stages) {
      if (runRelease !== undefined && stage.upstream) {
        const upstream = Project.stage(delivery, stage.upstream, 'deploy');
        requireRunRelease(project, upstream, runRelease, stage.name);
      }
      // What the deploy brings: the upstream's verified release (the image stage builds its own).
      let bringing: Release | undefined;
      if (stage.kind === 'environment') {
        // The upstream's state must be readable (a cut-short file, a database that is down, a
        // wrong passphrase): said plainly before anything changes.
        if (stage.upstream)
          bringing = Project.outputs(
            Project.stage(delivery, stage.upstream, 'deploy').state,
          )?.verifiedRelease;
        await requireFreePorts(outdir, stage, delivery, project.root);
      }
      const started = Date.now();
      out.log(
        `deploying ${stage.name}${bringing ? `: release ${describeRelease(bringing)} from ${stage.upstream}` : ''}`,
      );
      // Each image in full, where a person copies it.
      if (bringing) logImages(out, bringing);
      // Every deploy of an environment is in the history: as it starts, and how it ended.
      const record =
        bringing && stage.upstream
          ? history.started({
              environment: stage.name,
              release: bringing,
              from: stage.upstream,
              run: currentRun(project.root),
              approval: stage.approvalRecord
                ? approvalLine(stage.approvalRecord, imageNames(delivery), bringing)?.line
                : undefined,
            })
          : undefined;
      let log: string;
      try {
        log = await runEngine(project, out, 'deploy', stage, delivery, outdir);
      } catch (error) {
        if (record) {
          const { outcome, detail } = failedOutcome(error);
          history.finished(record, stage.name, outcome, detail);
        }
        throw error;
      }
      // The engine has just initialised the stack's folder: an encrypted state is decrypted there.
      const outputs = Project.outputs(stage.state, (location) =>
        pulledState(project, stage.name, outdir, location),
      );
      if (record && bringing) {
        const verified = sameRelease(outputs?.verifiedRelease, bringing);
        history.finished(
          record,
          stage.name,
          verified ? 'verified' : 'failed',
          verified
            ? undefined
            : `the deploy ended without verifying release ${releaseId(bringing)}`,
        );
      }
      const url = outputs?.urls.values().next().value ?? '';
      const release = outputs?.verifiedRelease;
      const noChanges = /No changes\./.test(log) ? ', no changes' : '';
      // The image stage's release is new here: each image in full, before the line that ends it.
      if (release && !bringing) logImages(out, release);
      out.log(
        `deployed ${stage.name} in ${Math.round((Date.now() - started) / 1000)}s${noChanges}` +
          `${url ? `: ${url}` : ''}${release ? ` (verified release ${describeRelease(release)})` : ''}`,
      );
      // For CI systems: a GitLab dotenv report, GitHub step outputs.
      // The image stage's release is the pipeline run's, for the jobs after it.
      const id = release ? releaseId(release) : '';
      const built = stage.kind === 'image' && release ? id : undefined;
      const dotenv = join(project.root, DEPLOYED_ENV_FILE);
      mkdirSync(dirname(dotenv), { recursive: true });
      writeFileSync(
        dotenv,
        `ENVIRONMENT_URL=${url}\nVERIFIED_RELEASE=${id}\n` +
          (built ? `${PIPELINE_DEFAULTS.releaseVariable}=${built}\n` : ''),
      );
      if (process.env.GITHUB_OUTPUT) {
        appendFileSync(process.env.GITHUB_OUTPUT, `url=${url}\nverified_release=${id}\n`);
      }
      if (built) publishRunRelease(built);
    }
  });
  return 0;
}

/** Each image of a release by its full digest reference, a line each. */
function logImages(out: Output, release: Release): void {
  for (const name of Object.keys(release).sort()) out.log(`  ${name}: ${release[name]}`);
}

/** Refuses to start when the Docker engine does not answer: nothing could be deployed. */
async function requireEngine(cwd: string): Promise<void> {
  const result = await runCollected('docker', ['version', '--format', '{{.Server.Version}}'], {
    cwd,
    env: process.env,
  });
  if (result.code !== 0) {
    throw new CliError(
      `the Docker engine at ${engineHost()} does not answer; nothing was deployed.`,
      'Start the engine (scripts/setup starts the local one), or point DOCKER_HOST at one that runs.',
    );
  }
}

/** Removes what the CLI kept for a destroyed stack: outputs, and what playbooks configured. */
export function forget(project: Project, stack: string): void {
  rmSync(project.outputsFile(stack), { force: true });
  rmSync(join(project.work, 'hosts', stack), { recursive: true, force: true });
  rmSync(join(project.work, 'ansible', stack), { recursive: true, force: true });
}

/** What `destroy` was asked for. */
export interface DestroyOptions {
  /** The stacks to destroy, in order. */
  readonly stacks: readonly string[];
  /** Destroy without asking (what a run without a terminal needs). */
  readonly yes: boolean;
}

/**
 * `destroy STACK... [--yes]`: destroys stacks, e.g. a review environment, once every name is
 * known and the destroy is confirmed (see confirmDestroy).
 */
export async function destroy(project: Project, options: DestroyOptions): Promise<number> {
  const out = new Output('destroy');
  const { stacks } = options;
  await project.synth(stacks, async ({ delivery, outdir }) => {
    // Every name is checked before anything is destroyed.
    const stages = stacks.map((name) => Project.stage(delivery, name, 'destroy'));
    await confirmDestroy(project, out, {
      stages,
      yes: options.yes,
      commandLine: `cdktf-pipeline destroy ${stacks.join(' ')}`,
    });
    for (const stage of stages) {
      out.log(`destroying ${stage.name}`);
      await runEngine(project, out, 'destroy', stage, delivery, outdir);
      forget(project, stage.name);
      out.log(`destroyed ${stage.name}`);
    }
  });
  return 0;
}

/** What `teardown` was asked for. */
export interface TeardownOptions {
  /** Destroy without asking (what a run without a terminal needs). */
  readonly yes: boolean;
}

/**
 * `teardown [--yes]`: destroys every deployed stack, downstream stages first, the image stage
 * last, once confirmed (see confirmDestroy).
 */
export async function teardown(project: Project, options: TeardownOptions): Promise<number> {
  const out = new Output('teardown');
  // Review environments exist in the app only when named: the deployed ones are found first.
  await project.synthWithDeployed(async ({ delivery, outdir }, deployed) => {
    if (deployed.length === 0) {
      out.log('nothing is deployed');
      return;
    }
    const stages = delivery.stages.filter((s) => deployed.includes(s.name)).reverse();
    await confirmDestroy(project, out, {
      stages,
      yes: options.yes,
      commandLine: 'cdktf-pipeline teardown',
    });
    for (const stage of stages) {
      out.log(`destroying ${stage.name}`);
      await runEngine(project, out, 'destroy', stage, delivery, outdir);
      forget(project, stage.name);
    }
    out.log(`destroyed ${stages.map((s) => s.name).join(', ')}`);
  });
  return 0;
}

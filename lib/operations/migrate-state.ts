import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { STATE_STORE_VARIABLE } from '../private/defaults';
import { describeRelease, releaseKey } from '../private/release';
import { StateLocation, StageManifest } from '../schema/delivery-manifest';

import { History } from './private/history-store';
import { OperationError } from './private/operation-error';
import { Project } from './private/project';
import { loadStatePassphrase } from './private/secrets';
import { encryptionOf, pushState } from './private/state-engine';
import { lockHolder } from './private/state-lock';

/** What `migrate-state` was asked for. */
export interface MigrateStateOptions {
  /** Where the state goes: PostgreSQL, or local files. */
  readonly to: 'pg' | 'local';
}

/** What `Operations.migrateState` moved. */
export interface MigrateStateResult {
  /** The stages whose state moved. */
  readonly moved: readonly string[];
  /** How many history records were copied to the target. */
  readonly historyRecords: number;
}

/**
 * Moves every stage's state from the other store into this one, with the engine's own `state pull`
 * and `state push`. It refuses, before it moves anything, when a stage's state is locked or the
 * target already holds that stage. Each state is read back from the target before the source copy
 * is removed (a local file is kept under `.pipeline/state-backup/`). Afterwards the app must select
 * the target store (PIPELINE_STATE).
 */
export async function migrateState(
  project: Project,
  options: MigrateStateOptions,
): Promise<MigrateStateResult> {
  const out = project.progress('migrate-state');
  const { to } = options;
  const from = to === 'pg' ? 'local' : 'pg';
  // The same app, once with each store: where every stage's state is now, and where it goes.
  const source = await project.synthWithDeployed(({ delivery }) => delivery, {
    [STATE_STORE_VARIABLE]: from,
  });
  const target = await project.synth(
    source.stages.map((s) => s.name),
    ({ delivery }) => delivery,
    { [STATE_STORE_VARIABLE]: to },
  );
  if (JSON.stringify(source.state) === JSON.stringify(target.state)) {
    throw new OperationError(
      `the app keeps its state in the same place with ${STATE_STORE_VARIABLE}=local and =pg (${source.state.backend}), so there is nothing to move.`,
      `Build the delivery with state: StateStore.fromEnvironment() (the default), then run migrate-state again.`,
    );
  }
  const moves: { stage: StageManifest; to: StateLocation }[] = [];
  for (const s of source.stages) {
    if ((await project.states.read(s.state)) === undefined) continue;
    moves.push({ stage: s, to: Project.stage(target, s.name, 'migrate-state').state });
  }
  if (moves.length === 0) {
    out.log(`nothing to move: no stage has ${from} state`);
    return { moved: [], historyRecords: 0 };
  }
  const problems: string[] = [];
  for (const move of moves) {
    const holder = await lockedBy(project, move.stage);
    if (holder) problems.push(`${move.stage.name}: its ${from} state is locked by ${holder}`);
    if ((await project.states.read(move.to)) !== undefined) {
      problems.push(
        `${move.stage.name}: the target already holds it (${project.showState(move.to)})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new OperationError(
      `not moving any state to ${to}:\n  - ${problems.join('\n  - ')}`,
      'Wait for running deploys to finish; a stage the target already holds was moved before: remove one of the two copies by hand after comparing them.',
    );
  }
  // Every state read (decrypted) before anything is written: a wrong passphrase, or a state the
  // engine cannot read, stops the move with both stores as they were.
  const where = loadStatePassphrase(project.root);
  const encryption = source.stateEncrypted ? encryptionOf(source) : undefined;
  // Read from memory: synthWithDeployed read (and decrypted) every state already, side by side.
  const texts: string[] = [];
  for (const move of moves) texts.push((await project.states.plainText(move.stage.state)) ?? '');
  const backup = join(project.work, 'state-backup', new Date().toISOString().replace(/[:.]/g, '-'));
  for (const [i, move] of moves.entries()) {
    const before = await project.outputs(move.stage.state);
    let readBack: string;
    try {
      readBack = await pushState(move.to, where, encryption, texts[i]);
    } catch (error) {
      throw new OperationError(
        `${move.stage.name}: ${error instanceof Error ? error.message : String(error)}`,
        'Nothing was removed from the source store; fix the error and run migrate-state again.',
      );
    }
    // What the store holds now, as the engine read it back right after the push.
    const after = await project.outputs(move.to, () => Promise.resolve(readBack));
    if (
      (after?.verifiedRelease && releaseKey(after.verifiedRelease)) !==
        (before?.verifiedRelease && releaseKey(before.verifiedRelease)) ||
      after?.deployed !== before?.deployed
    ) {
      throw new OperationError(
        `${move.stage.name}: the state read back from ${project.showState(move.to)} differs from the one moved; the source is left in place.`,
        'Compare the two and remove the wrong copy by hand.',
      );
    }
    await remove(project, move.stage.state, backup);
    out.log(
      `moved ${move.stage.name}: ${project.showState(move.stage.state)} → ${project.showState(move.to)}${encryption ? ', encrypted' : ''}${after?.verifiedRelease ? ` (verified release ${describeRelease(after.verifiedRelease)})` : ''}`,
    );
  }
  // The promotion history goes with the state. The source's stays (it is append-only); a merge
  // adds only what the target lacks, so a second migration copies nothing twice.
  const history = {
    from: History.of(source.state, project.database),
    to: History.of(target.state, project.database),
  };
  const copied = await history.to.merge(await history.from.records());
  if (copied > 0) {
    out.log(
      `copied ${copied} history record(s): ${history.from.location} → ${history.to.location}`,
    );
  }
  // cdktf.out's engine folders remember the old backend: `cdktf diff` would refuse to start.
  rmSync(join(project.root, 'cdktf.out'), { recursive: true, force: true });
  out.log(
    `moved ${moves.length} stage(s) to ${to}; run with ${STATE_STORE_VARIABLE}=${to} from now on${to === 'local' ? ' (or unset it)' : ''}`,
  );
  return { moved: moves.map((m) => m.stage.name), historyRecords: copied };
}

/** Who holds the lock on a stage's state, if anyone. */
async function lockedBy(project: Project, stage: StageManifest): Promise<string | undefined> {
  if (stage.state.backend === 'local') {
    const info = join(dirname(stage.state.path), `.${basename(stage.state.path)}.lock.info`);
    return existsSync(info) ? `the process that wrote ${info}` : undefined;
  }
  return lockHolder(stage.state, '', project.database);
}

/**
 * Removes a moved state from its source: a local file goes to the backup folder; a PostgreSQL
 * state's text, as stored (encrypted when it is), is written there before its schema is dropped.
 */
async function remove(project: Project, location: StateLocation, backup: string): Promise<void> {
  mkdirSync(backup, { recursive: true });
  if (location.backend === 'local') {
    renameSync(location.path, join(backup, basename(location.path)));
    return;
  }
  writeFileSync(
    join(backup, `${location.schema}.tfstate`),
    (await project.states.text(location)) ?? '',
  );
  await project.states.dropSchema(location);
}

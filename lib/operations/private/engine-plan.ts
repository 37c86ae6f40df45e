import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { engineBinary, engineError } from '../../private/engine';
import { EnginePlanJson } from '../../private/planned-changes';
import { runCollected, runLogged } from '../../private/process';
import { isPlainObject } from '../../private/shape';
import { DeliveryManifest, StageManifest } from '../../schema/delivery-manifest';

import { engineDataOf, runInitialised } from './engine-data';
import { OperationError } from './operation-error';
import { Progress } from './progress';
import { Project } from './project';
import { loadStatePassphrase, secretsEnv } from './secrets';
import { isWrongPassphrase, wrongPassphrase } from './state-engine';
import { lockTimeoutEnv } from './state-lock';

/** A resource that differs from what the last deploy recorded. */
export interface DriftedResource {
  /** Its address, e.g. `docker_container.Services_Web_00C5A910[1]`. */
  readonly address: string;
  /** Its name on the Docker host, when it has one (a container's or a network's name). */
  readonly name?: string;
  /** `removed`: it is gone; `stopped`: a container that no longer runs; `changed`: attributes differ. */
  readonly kind: 'removed' | 'stopped' | 'changed';
  /** The top-level attributes that differ (never their values: some are secrets). */
  readonly attributes: readonly string[];
}

/** The part of `show -json` of a refresh-only plan that drift reads. */
interface RefreshPlan {
  readonly resource_drift?: readonly {
    readonly address: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before?: Record<string, unknown> | null;
      readonly after?: Record<string, unknown> | null;
    };
  }[];
}

/** What a refresh-only plan says differs, resource by resource, attribute names only. */
export function driftOf(plan: RefreshPlan): DriftedResource[] {
  const found = (plan.resource_drift ?? []).map(({ address, change }): DriftedResource => {
    const before = change.before ?? {};
    const name = typeof before.name === 'string' ? before.name : undefined;
    if (change.actions.includes('delete') || change.after === null) {
      return { address, name, kind: 'removed', attributes: [] };
    }
    const after = change.after ?? {};
    const attributes = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((key) => !sameMeaning(before[key], after[key]))
      .sort();
    const stopped = before.must_run === true && after.must_run === false;
    return { address, name, kind: stopped ? 'stopped' : 'changed', attributes };
  });
  // A resource the engine reports with nothing that differs in meaning has not drifted.
  return found.filter((r) => r.kind === 'removed' || r.attributes.length > 0);
}

/** Whether a value says nothing: null, '', 0, false, an empty list or map, or only such values. */
function empty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) {
    return true;
  }
  if (Array.isArray(value)) return value.every(empty);
  if (typeof value === 'object') return Object.values(value).every(empty);
  return false;
}

/**
 * Whether what runs (`after`) still holds what the last deploy recorded (`before`). Where the
 * state recorded nothing (null, '', an empty list or map: what the configuration left unset, or
 * what the engine had not filled in yet, like the address of a container it was starting), there
 * is nothing that could have been changed; the provider reads such values back as [], {}, 0 or
 * an address.
 */
export function sameMeaning(before: unknown, after: unknown): boolean {
  if (empty(before)) return true;
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = before.filter((v) => !empty(v));
    const a = after.filter((v) => !empty(v));
    return b.length === a.length && b.every((v, i) => sameMeaning(v, a[i]));
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    return Object.keys(before).every((k) => sameMeaning(before[k], after[k]));
  }
  return JSON.stringify(before) === JSON.stringify(after);
}

/** Runs a refresh-only plan of a synthesized stack and reads what drifted from it. */
export async function refreshPlan(
  project: Project,
  out: Progress,
  delivery: DeliveryManifest,
  stage: StageManifest,
  outdir: string,
): Promise<DriftedResource[]> {
  // A refresh-only plan compares what runs with the state; it needs no secret's value.
  return driftOf(await enginePlan(project, out, delivery, stage, outdir, true));
}

/** The part of `show -json` of a plan that {@link enginePlan}'s callers read. */
export type PlanJson = RefreshPlan & EnginePlanJson;

/**
 * Runs the engine's plan of a synthesized stack (`refreshOnly`: a refresh-only plan, which
 * changes nothing, not even the state) and reads it as JSON. The log is
 * `.pipeline/logs/<drift|plan>-<stack>.log`.
 */
export async function enginePlan(
  project: Project,
  out: Progress,
  delivery: DeliveryManifest,
  stage: StageManifest,
  outdir: string,
  refreshOnly: boolean,
): Promise<PlanJson> {
  const dir = join(outdir, 'stacks', stage.name);
  const logFile = project.logFile(`${refreshOnly ? 'drift' : 'plan'}-${stage.name}`);
  const lock = lockTimeoutEnv();
  const env = {
    ...project.env([stage.name]),
    ...secretsEnv(project.root, delivery, stage, refreshOnly ? 'destroy' : 'deploy'),
    ...lock.env,
    TF_IN_AUTOMATION: '1',
  };
  const planFile = refreshOnly ? 'drift.tfplan' : 'changes.tfplan';
  const engine = engineBinary();
  const { code, failed } = await runInitialised(
    engineDataOf(project.work, stage.name, dir),
    env,
    // The lock timeout comes with lock.env.
    [
      [
        'plan',
        ...(refreshOnly ? ['-refresh-only'] : []),
        '-input=false',
        '-no-color',
        `-out=${planFile}`,
      ],
    ],
    async (args) =>
      (
        await runLogged(engine, args, {
          cwd: dir,
          env,
          logFile,
          append: true,
          heartbeat: (s) =>
            out.log(`… still ${refreshOnly ? 'comparing' : 'planning'} ${stage.name} (${s}s)`),
        })
      ).code,
    {
      file: logFile,
      root: project.root,
      again: () => out.log(`initialising ${stage.name} again: the engine asked for init`),
    },
  );
  if (code !== 0) {
    const log = readFileSync(logFile, 'utf8');
    if (isWrongPassphrase(log))
      throw wrongPassphrase(stage.state, loadStatePassphrase(project.root));
    out.raw(
      log
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-15),
    );
    const what = refreshOnly ? 'refresh-only plan' : 'plan';
    throw new OperationError(
      `the ${failed?.[0] === 'init' ? 'init' : what} of ${stage.name} failed; the full log is ${project.show(logFile)}`,
      'Read the error above.',
    );
  }
  const shown = await runCollected(engine, ['show', '-json', '-no-color', planFile], {
    cwd: dir,
    env,
  });
  if (shown.code !== 0) {
    throw new OperationError(
      `reading the ${refreshOnly ? 'refresh-only plan' : 'plan'} of ${stage.name} failed: ${engineError(shown.output)}`,
      'Run it again; if it persists, run the plan by hand in the stack folder.',
    );
  }
  try {
    return JSON.parse(shown.output) as PlanJson;
  } catch {
    throw new OperationError(
      `the engine's plan of ${stage.name} is not JSON (${engine} show -json printed ${shown.output.length} bytes).`,
      `Use OpenTofu or Terraform 1.x (TERRAFORM_BINARY_NAME=${engine} now).`,
    );
  }
}

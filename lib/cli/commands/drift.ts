import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DeliveryManifest, StageManifest } from '../../private/delivery-manifest';
import { isPlainObject } from '../../private/shape';
import { CliError, ExitCode, UsageError } from '../cli-error';
import { engineDataOf, runInitialised } from '../engine-data';
import { Output } from '../output';
import { runCollected, runLogged } from '../process';
import { Project, Synthesized } from '../project';
import { loadStatePassphrase, secretsEnv } from '../secrets';
import { engineBinary, requireEncryption } from '../state-engine';
import { lockTimeoutEnv } from '../state-lock';

/** A resource that differs from what the last deploy recorded. */
export interface DriftedResource {
  /** Its address, e.g. `docker_container.Services_Web_00C5A910[1]`. */
  readonly address: string;
  /** Its name on the engine, when it has one (a container's or a network's name). */
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

/** What `drift` was asked for. */
export interface DriftOptions {
  /** The environments to compare; none: every deployed one. */
  readonly environments: readonly string[];
}

/**
 * `drift [ENVIRONMENT...]`: compares what runs with what the last deploy of each environment
 * recorded (a refresh-only plan: nothing is changed, not even the state), and names every
 * resource and attribute that differs. Exit 0 when all are in sync, 2 when one drifted, 1 on an
 * error. Default: every deployed environment.
 */
export async function drift(project: Project, options: DriftOptions): Promise<number> {
  const out = new Output('drift');
  const args = options.environments;
  const compare = async ({ delivery, outdir }: Synthesized, deployed: readonly string[]) => {
    const names =
      args.length > 0
        ? [...args]
        : delivery.stages
            .filter((s) => s.kind === 'environment' && deployed.includes(s.name))
            .map((s) => s.name);
    const stages = names.map((name) => Project.stage(delivery, name, 'drift'));
    for (const stage of stages) {
      if (stage.kind !== 'environment') {
        throw new UsageError(
          `'${stage.name}' is the image stage: it runs nothing that can drift.`,
          `Name environments, e.g. cdktf-pipeline drift ${delivery.stages.find((s) => s.kind === 'environment')?.name ?? 'dev'}.`,
        );
      }
      if (!deployed.includes(stage.name)) {
        throw new CliError(
          `${stage.name} is not deployed: there is nothing to compare.`,
          `Deploy it first: cdktf-pipeline deploy ${stage.name}.`,
        );
      }
    }
    if (stages.length === 0) {
      out.log('no environment is deployed');
      return 0;
    }
    if (delivery.stateEncrypted) requireEncryption(loadStatePassphrase(project.root));
    let drifted = 0;
    // Each environment has its own state and stack folder: compare them all at once.
    const plans = await Promise.all(
      stages.map((stage) => refreshPlan(project, out, delivery, stage, outdir)),
    );
    for (const [i, stage] of stages.entries()) {
      const resources = plans[i];
      if (resources.length === 0) {
        out.log(`${stage.name}: in sync with its last deploy`);
        continue;
      }
      drifted += 1;
      out.log(
        `${stage.name}: drifted, ${resources.length} resource${resources.length === 1 ? '' : 's'} differ${resources.length === 1 ? 's' : ''} from the last deploy:`,
      );
      for (const r of resources) {
        const what =
          r.kind === 'removed'
            ? 'removed outside a deploy'
            : `${r.kind} outside a deploy: ${r.attributes.join(', ')}`;
        out.log(`  ${r.address}${r.name ? ` (${r.name})` : ''}: ${what}`);
      }
    }
    if (drifted > 0) {
      out.error(
        `${drifted} of ${stages.length} environment${stages.length === 1 ? '' : 's'} drifted. Heal with a redeploy: cdktf-pipeline deploy ${stages
          .map((s) => s.name)
          .join(' ')} (it puts back what the last deploy recorded).`,
      );
      return ExitCode.CHANGES;
    }
    return 0;
  };
  // Named stacks are synthesized by name (review environments too); by default, what is deployed.
  return args.length > 0
    ? project.synth(args, (s) => compare(s, Project.deployedStacks(s.delivery)))
    : project.synthWithDeployed(compare);
}

/** Runs a refresh-only plan of a synthesized stack and reads what drifted from it. */
export async function refreshPlan(
  project: Project,
  out: Output,
  delivery: DeliveryManifest,
  stage: StageManifest,
  outdir: string,
): Promise<DriftedResource[]> {
  const dir = join(outdir, 'stacks', stage.name);
  const logFile = project.logFile(`drift-${stage.name}`);
  const lock = lockTimeoutEnv();
  // A refresh-only plan compares what runs with the state; it needs no secret's value.
  const env = {
    ...project.env([stage.name]),
    ...secretsEnv(project.root, delivery, stage, 'destroy'),
    ...lock.env,
    TF_IN_AUTOMATION: '1',
  };
  const engine = engineBinary();
  const { code, failed } = await runInitialised(
    engineDataOf(project.work, stage.name, dir),
    env,
    // The lock timeout comes with lock.env.
    [['plan', '-refresh-only', '-input=false', '-no-color', '-out=drift.tfplan']],
    async (args) =>
      (
        await runLogged(engine, args, {
          cwd: dir,
          env,
          logFile,
          append: true,
          heartbeat: (s) => out.log(`… still comparing ${stage.name} (${s}s)`),
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
    out.raw(
      log
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-15),
    );
    throw new CliError(
      `the ${failed?.[0] === 'init' ? 'init' : 'refresh-only plan'} of ${stage.name} failed; the full log is ${project.show(logFile)}`,
      'Read the error above.',
    );
  }
  const shown = await runCollected(engine, ['show', '-json', 'drift.tfplan'], { cwd: dir, env });
  if (shown.code !== 0) {
    throw new CliError(
      `reading the refresh-only plan of ${stage.name} failed: ${shown.output.trim().split('\n')[0]}`,
      'Run it again; if it persists, run the plan by hand in the stack folder.',
    );
  }
  return driftOf(JSON.parse(shown.output) as RefreshPlan);
}

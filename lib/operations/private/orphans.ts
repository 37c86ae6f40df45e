import { DEFAULTS } from '../../private/defaults';
import { runCollected } from '../../private/process';
import { dockerNameOf, StageManifest } from '../../schema/delivery-manifest';

import { Project } from './project';

/**
 * What the engine says when an object it creates takes a name that another object holds: a
 * container, a network (Swarm) or a Swarm service.
 */
const NAME_CONFLICT =
  /container name "\/?[^"]+" is already in use|network with name \S+ already exists|name conflicts with an existing object|already exists in the swarm/i;

/** Whether a failed deploy's log says a name was taken. */
export function isNameConflict(log: string): boolean {
  return NAME_CONFLICT.test(log);
}

/** An object of the engine that an environment's label marks as the project's own. */
export interface LabelledObject {
  readonly kind: 'container' | 'network' | 'service';
  readonly id: string;
  readonly name: string;
}

/** Every ID the stage's state records, at any depth of its resources' attributes. */
async function recordedIds(project: Project, stage: StageManifest): Promise<Set<string>> {
  const ids = new Set<string>();
  const state = await project.states.read(stage.state);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'id' && typeof v === 'string') ids.add(v);
        else walk(v);
      }
    }
  };
  walk(state?.resources ?? []);
  return ids;
}

/** The containers, networks and Swarm services labelled as the environment's. */
async function labelled(
  dockerName: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<LabelledObject[]> {
  const filter = `label=${DEFAULTS.environmentLabel}=${dockerName}`;
  const list = async (kind: LabelledObject['kind'], args: string[]) => {
    const result = await runCollected('docker', args, { cwd, env });
    // `docker service ls` fails where the Docker host is not a swarm manager: there are none.
    if (result.code !== 0) return [];
    return result.output
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, name] = line.split(' ');
        return { kind, id, name };
      });
  };
  const format = ['--format', '{{.ID}} {{.Names}}'];
  return [
    ...(await list('container', ['ps', '-a', '--no-trunc', '--filter', filter, ...format])),
    ...(await list('service', [
      'service',
      'ls',
      '--filter',
      filter,
      '--format',
      '{{.ID}} {{.Name}}',
    ])),
    ...(await list('network', [
      'network',
      'ls',
      '--no-trunc',
      '--filter',
      filter,
      '--format',
      '{{.ID}} {{.Name}}',
    ])),
  ];
}

/**
 * The objects an interrupted deploy of `stage` left behind: labelled as the environment's, but in
 * no state (the engine created them and was stopped before it recorded them). Only called after
 * a deploy that held the stage's lock failed on a taken name, so no other deploy is making them.
 */
export async function orphansOf(
  project: Project,
  stage: StageManifest,
  env: NodeJS.ProcessEnv,
): Promise<LabelledObject[]> {
  const cwd = project.root;
  const recorded = await recordedIds(project, stage);
  // Swarm reports a service's ID short; the state records it whole.
  const known = (id: string) => recorded.has(id) || [...recorded].some((r) => r.startsWith(id));
  return (await labelled(dockerNameOf(stage), env, cwd)).filter((o) => !known(o.id));
}

/** Removes orphans: containers and services first, then the networks they were on. */
export async function removeOrphans(
  orphans: readonly LabelledObject[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string[]> {
  const failed: string[] = [];
  const order: LabelledObject['kind'][] = ['container', 'service', 'network'];
  for (const kind of order) {
    for (const o of orphans.filter((x) => x.kind === kind)) {
      const args =
        kind === 'container'
          ? ['rm', '-f', o.id]
          : kind === 'service'
            ? ['service', 'rm', o.id]
            : ['network', 'rm', o.id];
      const result = await runCollected('docker', args, { cwd, env });
      if (result.code !== 0) failed.push(`${kind} ${o.name}: ${result.output.trim()}`);
    }
  }
  return failed;
}

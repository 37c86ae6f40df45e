import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { IMAGES } from '../../stacks/sample-service';

import { containerNames, docker, networkNames } from './cli';

/**
 * What an end-to-end suite takes on the shared Docker engine, so that suites run side by side:
 * a name prefix for everything its environments create (the Delivery's `namePrefix`), a loopback
 * address they publish on, and image repositories of its own (image events and image lists are
 * read per repository): the sample's, with the lane's suffix.
 */
export interface Lane {
  readonly namePrefix: string;
  readonly address: string;
  readonly repositorySuffix: string;
}

/** The sample as committed: no prefix, 127.0.0.1, `sample-web` and `sample-api`. */
export const DEFAULT_LANE: Lane = {
  namePrefix: '',
  address: '127.0.0.1',
  repositorySuffix: '',
};

/** The lanes of the suites that run beside the default one, each in a copy of the project. */
export const LANES = {
  postgres: { namePrefix: 'pg-', address: '127.0.0.2', repositorySuffix: '-pg' },
  secrets: { namePrefix: 'sec-', address: '127.0.0.3', repositorySuffix: '-sec' },
  pipeline: { namePrefix: 'pipe-', address: '127.0.0.4', repositorySuffix: '-pipe' },
} as const satisfies { readonly [suite: string]: Lane };

/** The repository of one of the sample's images in a lane. */
export function laneRepository(lane: Lane, image: keyof typeof IMAGES): string {
  return `${IMAGES[image].repository}${lane.repositorySuffix}`;
}

/** The base URL of a published port in a lane. */
export function laneUrl(lane: Lane, port: number): string {
  return `http://${lane.address}:${port}`;
}

function patch(file: string, change: (text: string) => string): void {
  const text = readFileSync(file, 'utf8');
  const changed = change(text);
  if (changed === text) throw new Error(`patching ${file} for a lane changed nothing`);
  writeFileSync(file, changed);
}

/**
 * Puts a copy of the project in a lane, as a user would give a second clone its own address and
 * repository: every environment publishes on the lane's address and the image goes to the
 * lane's repository. Returns the variables that give the app the lane's name prefix.
 */
export function enterLane(dir: string, lane: Lane): NodeJS.ProcessEnv {
  for (const name of ['dev', 'staging', 'prod', 'review']) {
    patch(join(dir, 'environments', `${name}.ts`), (text) =>
      text.replace(/^(\s*)source: /m, `$1publishAddress: '${lane.address}',\n$1source: `),
    );
  }
  patchRepositories(dir, lane.repositorySuffix);
  return { PIPELINE_NAME_PREFIX: lane.namePrefix };
}

function patchRepositories(dir: string, suffix: string): void {
  patch(join(dir, 'stacks', 'sample-service.ts'), (text) =>
    text.replace(/repository: '(sample-[a-z]+)'/g, `repository: '$1${suffix}'`),
  );
}

/**
 * The Swarm suite's lane. Swarm publishes a port on every address of each node, so ports, not a
 * loopback address, set its environments apart: each is the sample's plus `portOffset`.
 */
export const SWARM_LANE = { namePrefix: 'sw-', repositorySuffix: '-sw', portOffset: 1000 } as const;

/** Puts a copy of the project in the Swarm suite's lane (see {@link enterLane}). */
export function enterSwarmLane(dir: string): NodeJS.ProcessEnv {
  const { portOffset } = SWARM_LANE;
  for (const name of ['dev', 'staging', 'prod']) {
    patch(join(dir, 'environments', `${name}.ts`), (text) =>
      text.replace(/\bport: (\d+)/g, (_, port: string) => `port: ${Number(port) + portOffset}`),
    );
  }
  patch(join(dir, 'environments', 'review.ts'), (text) =>
    text.replace(
      /REVIEW_PORT_BASE = (\d+);/,
      (_, port: string) => `REVIEW_PORT_BASE = ${Number(port) + portOffset};`,
    ),
  );
  patchRepositories(dir, SWARM_LANE.repositorySuffix);
  return { PIPELINE_NAME_PREFIX: SWARM_LANE.namePrefix };
}

/**
 * The engine's containers and networks of these environments (by their Docker names, prefix
 * included): what a suite may create and must leave as it found it.
 */
export async function engineObjectsOf(
  dockerNames: readonly string[],
): Promise<{ containers: string[]; networks: string[] }> {
  const owned = (name: string) => dockerNames.some((d) => name.startsWith(`${d}-`));
  return {
    containers: (await containerNames()).filter(owned),
    networks: (await networkNames()).filter(owned),
  };
}

/**
 * The Docker names of the environments whose containers run on the engine (their environment
 * label's values), among those given.
 */
export async function runningEnvironments(dockerNames: readonly string[]): Promise<string[]> {
  const labels = await docker(
    'ps',
    '-a',
    '--filter',
    'label=cdktf-pipeline.environment',
    '--format',
    '{{.Label "cdktf-pipeline.environment"}}',
  );
  return [...new Set(labels.split('\n'))].filter((l) => dockerNames.includes(l)).sort();
}

/** Every Docker name a lane's environments can take: the long-lived ones and its reviews. */
export function laneNames(lane: Lane, environments: readonly string[]): string[] {
  return environments.map((e) => `${lane.namePrefix}${e}`);
}

/**
 * The fix a suite names when it finds deployments on the engine before it starts: what this clone
 * deployed is destroyed through its state; what no state knows any more (an interrupted run left
 * it, its state gone with a project copy) scripts/sweep removes, only these environments' when
 * they are given.
 */
export function clearEngineFix(dockerNames: readonly string[] = []): string {
  const sweep = ['scripts/sweep --yes', ...dockerNames].join(' ');
  return `run npm run down first; what no state knows any more (an interrupted run left it) ${sweep} removes.`;
}

/**
 * Claims these environments for a suite before it starts: refuses while any of them runs, naming
 * them and the fix; else returns the engine's containers and networks of them, for the suite to
 * find again afterwards.
 */
export async function claimEnvironments(
  dockerNames: readonly string[],
  whose = "this suite's environments",
): Promise<{ containers: string[]; networks: string[] }> {
  const running = await runningEnvironments(dockerNames);
  if (running.length > 0) {
    throw new Error(
      `the engine runs containers of ${whose} (${running.join(', ')}); ${clearEngineFix(running)}`,
    );
  }
  return engineObjectsOf(dockerNames);
}

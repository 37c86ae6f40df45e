/**
 * What the end-to-end suites share: the local deployment's paths and URLs, readers of what is
 * deployed, and a guard that gives each suite an empty engine and puts everything back after it.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IMAGES } from '../../stacks/sample-service';

import { cdktf, docker } from './cli';
import { clearEngineFix, engineObjectsOf, runningEnvironments } from './lane';
import { PROJECT_ROOT } from './test-app';

export const APPROVALS = join(PROJECT_ROOT, 'approvals', 'prod.txt');
/** The sample's repositories in the local registry, as image events and lists name them. */
export const REPOSITORIES = {
  web: `127.0.0.1:5000/${IMAGES.web.repository}`,
  api: `127.0.0.1:5000/${IMAGES.api.repository}`,
};
export const STATE = join(PROJECT_ROOT, '.pipeline', 'state');
export const URLS = {
  dev: 'http://127.0.0.1:8080',
  staging: 'http://127.0.0.1:8180',
  prod: 'http://127.0.0.1:8280',
};

/**
 * The verified release a stage published (each image by digest), read from its state file (in
 * this checkout's state folder unless told otherwise).
 */
export function verifiedRelease(
  stage: string,
  stateFolder = STATE,
): Record<string, string> | undefined {
  const file = join(stateFolder, `${stage}.tfstate`);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    outputs: Record<string, { value: Record<string, string> }>;
  };
  return state.outputs.verified_release?.value;
}

/** Image IDs of an environment's running containers. */
export async function runningImages(environment: string): Promise<string[]> {
  const ids = await docker(
    'ps',
    '-q',
    '--filter',
    `label=cdktf-pipeline.environment=${environment}`,
  );
  if (!ids) return [];
  return [
    ...new Set((await docker('inspect', '--format', '{{.Image}}', ...ids.split('\n'))).split('\n')),
  ];
}

/**
 * The image each service of an environment runs, by service name: the image ID of each of its
 * running containers (one ID when its replicas agree).
 */
export async function serviceImagesOf(environment: string): Promise<Record<string, string[]>> {
  const ids = await docker(
    'ps',
    '-q',
    '--filter',
    `label=cdktf-pipeline.environment=${environment}`,
  );
  if (!ids) return {};
  const lines = await docker(
    'inspect',
    '--format',
    '{{index .Config.Labels "cdktf-pipeline.service"}} {{.Image}}',
    ...ids.split('\n'),
  );
  const images: Record<string, string[]> = {};
  for (const [service, image] of lines.split('\n').map((l) => l.split(' '))) {
    images[service] = [...new Set([...(images[service] ?? []), image])].sort();
  }
  return images;
}

/** Each service's image in an environment, as the digest references it was pulled by. */
export async function runs(environment: string): Promise<Record<string, string[]>> {
  const images = await serviceImagesOf(environment);
  const refs: Record<string, string[]> = {};
  for (const [service, ids] of Object.entries(images)) {
    refs[service] = (await Promise.all(ids.map(repoDigests))).flat();
  }
  return refs;
}

/** IDs of the running containers of these environments (by their Docker names). */
export async function environmentContainers(dockerNames: readonly string[]): Promise<string[]> {
  const lines = await docker(
    'ps',
    '--no-trunc',
    '--filter',
    'label=cdktf-pipeline.environment',
    '--format',
    '{{.ID}} {{.Label "cdktf-pipeline.environment"}}',
  );
  return lines
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
    .filter(([, label]) => dockerNames.includes(label))
    .map(([id]) => id)
    .sort();
}

/** The repo digest (`registry/repo@sha256:...`) of an image ID. */
export async function repoDigests(imageId: string): Promise<string[]> {
  return JSON.parse(
    await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', imageId),
  ) as string[];
}

/** IDs of the images of the sample's repositories on the engine (a build makes a new one). */
export async function serviceImages(
  repositories: Readonly<Record<string, string>> = REPOSITORIES,
): Promise<string[]> {
  const ids: string[] = [];
  for (const repository of Object.values(repositories)) {
    const out = await docker('images', '--no-trunc', '--format', '{{.ID}}', repository);
    ids.push(...out.split('\n').filter(Boolean));
  }
  return [...new Set(ids)].sort();
}

/**
 * One suite's deployment in this checkout (the default lane: no name prefix, 127.0.0.1): a copy
 * of the service to change (unique per run, so that its image is built here, not found from an
 * earlier run), the environment that points the app at it, and the set-up and clean-up around
 * the suite. It claims only its own environments' containers and networks on the engine, so
 * suites in other lanes may run beside it.
 */
export class TestDeployment {
  /** The folder of the images' build contexts (web/, api/): a copy, so that tests can change them. */
  public readonly context = mkdtempSync(join(tmpdir(), 'e2e-service-'));
  public readonly env: NodeJS.ProcessEnv;
  private readonly runId = `${Date.now()}-${process.pid}`;
  /** The Docker names of its environments (no prefix: their stack names). */
  public readonly environments: readonly string[];
  private before?: { containers: string[]; networks: string[]; approvals: string };

  constructor(private readonly reviewIds: readonly string[] = []) {
    this.env = { PIPELINE_SERVICE_CONTEXT: this.context, PIPELINE_REVIEW_IDS: reviewIds.join(',') };
    this.environments = ['dev', 'staging', 'prod', ...reviewIds.map((id) => `review-${id}`)];
  }

  /**
   * Replaces the copy of the images' contexts with a fresh one, unique to this run (so that both
   * images are built here, not found from an earlier run), then lets `change` edit it.
   */
  public setService(change: (dir: string) => void = () => undefined): void {
    rmSync(this.context, { recursive: true, force: true });
    cpSync(join(PROJECT_ROOT, 'service'), this.context, { recursive: true });
    for (const image of ['web', 'api']) {
      writeFileSync(join(this.context, image, 'www', 'run.txt'), `${this.runId}\n`);
    }
    change(this.context);
  }

  /** Refuses to start over an existing deployment; records what to restore. */
  public async start(): Promise<void> {
    // A destroyed stack leaves a state file without resources behind.
    const deployed = existsSync(STATE)
      ? readdirSync(STATE).filter(
          (f) =>
            f.endsWith('.tfstate') &&
            (JSON.parse(readFileSync(join(STATE, f), 'utf8')) as { resources?: unknown[] })
              .resources?.length,
        )
      : [];
    const running = await runningEnvironments(this.environments);
    if (deployed.length > 0 || running.length > 0) {
      throw new Error(
        'The end-to-end tests deploy every stage themselves, but this clone or this Docker engine already has a deployment ' +
          `(state: ${deployed.join(', ') || 'none'}; containers of: ${running.join(', ') || 'none'}); ` +
          clearEngineFix(),
      );
    }
    this.before = {
      ...(await engineObjectsOf(this.environments)),
      approvals: readFileSync(APPROVALS, 'utf8'),
    };
    this.setService();
  }

  /** Destroys every stack, pass or fail, and checks that the engine is as it was. */
  public async cleanUp(): Promise<void> {
    if (!this.before) return;
    writeFileSync(APPROVALS, this.before.approvals);
    const reviews = this.reviewIds.map((id) => `review-${id}`);
    for (const stack of ['prod', 'staging', ...reviews, 'dev', 'image']) {
      if (existsSync(join(STATE, `${stack}.tfstate`))) {
        const result = await cdktf(['destroy', stack], this.env);
        if (result.code !== 0) console.error(`cleanup: destroy ${stack} failed:\n${result.output}`);
      }
    }
    for (const dir of ['state', 'outputs', 'ansible', 'hosts']) {
      rmSync(join(PROJECT_ROOT, '.pipeline', dir), { recursive: true, force: true });
    }
    rmSync(this.context, { recursive: true, force: true });
    const { containers, networks } = this.before;
    expect(await engineObjectsOf(this.environments)).toEqual({ containers, networks });
  }
}

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

import { REPOSITORY } from '../../stacks/sample-service';

import { cdktf, docker } from './cli';
import { engineObjectsOf, runningEnvironments } from './lane';
import { PROJECT_ROOT } from './test-app';

export const APPROVALS = join(PROJECT_ROOT, 'approvals', 'prod.txt');
/** The sample service's repository in the local registry, as image events and lists name it. */
export const SERVICE_REPOSITORY = `127.0.0.1:5000/${REPOSITORY}`;
export const STATE = join(PROJECT_ROOT, '.pipeline', 'state');
export const URLS = {
  dev: 'http://127.0.0.1:8080',
  staging: 'http://127.0.0.1:8180',
  prod: 'http://127.0.0.1:8280',
};

/** The verified image a stage published, read from its state file. */
export function verifiedImage(stage: string): string | undefined {
  const file = join(STATE, `${stage}.tfstate`);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    outputs: Record<string, { value: string }>;
  };
  return state.outputs.verified_image?.value;
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

/** IDs of the service's images on the engine (a build makes a new one). */
export async function serviceImages(): Promise<string[]> {
  const out = await docker('images', '--no-trunc', '--format', '{{.ID}}', SERVICE_REPOSITORY);
  return [...new Set(out.split('\n').filter(Boolean))].sort();
}

/**
 * One suite's deployment in this checkout (the default lane: no name prefix, 127.0.0.1): a copy
 * of the service to change (unique per run, so that its image is built here, not found from an
 * earlier run), the environment that points the app at it, and the set-up and clean-up around
 * the suite. It claims only its own environments' containers and networks on the engine, so
 * suites in other lanes may run beside it.
 */
export class TestDeployment {
  /** The service's build context: a copy, so that tests can change the service. */
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

  /** Replaces the service copy with a fresh one, then lets `change` edit it. */
  public setService(change: (dir: string) => void = () => undefined): void {
    rmSync(this.context, { recursive: true, force: true });
    cpSync(join(PROJECT_ROOT, 'service'), this.context, { recursive: true });
    writeFileSync(join(this.context, 'www', 'run.txt'), `${this.runId}\n`);
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
          `(state: ${deployed.join(', ') || 'none'}; containers of: ${running.join(', ') || 'none'}). ` +
          'Run npm run down first (it destroys what this clone deployed).',
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

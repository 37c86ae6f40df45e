import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

import { DEFAULTS, URL_OUTPUT_SUFFIX, WORK_DIRECTORY } from '../../private/defaults';
import { runCollected, scratchFolder } from '../../private/process';
import {
  imageOfReleaseResource,
  Release,
  releaseOf,
  VERIFIED_RELEASE_OUTPUT,
} from '../../private/release';
import { parseReviewIds } from '../../private/review-ids';
import {
  DeliveryManifest,
  DELIVERY_MANIFEST_VERSION,
  isReadableVersion,
  readDeliveryManifest,
  StageManifest,
  StateLocation,
} from '../../schema/delivery-manifest';

import { ProgressListener, Prompt } from './interaction';
import { OperationError, ReportedError, UsageError } from './operation-error';
import { Progress } from './progress';
import { loadStatePassphrase } from './secrets';
import { StateDatabase } from './state-database';
import { requireEncryption } from './state-engine';
import { StateReader } from './state-reader';

/** What a deployed stack published, read from its state. */
export interface StackOutputs {
  /** `<service>_url` outputs, by service name. */
  readonly urls: ReadonlyMap<string, string>;
  /** The `verified_release` output, when the stack published one. */
  readonly verifiedRelease?: Release;
  /** Whether the state holds any resource (a destroyed stack leaves an empty state). */
  readonly deployed: boolean;
  /**
   * The release an environment's last deploy pulled (verified or not): each image by digest, by
   * image name. A deploy that stopped half-way may have pulled some images of a new release only.
   */
  readonly runningRelease?: Release;
}

/** A synthesized app: where it was written, and what its delivery says of itself. */
export interface Synthesized {
  readonly outdir: string;
  readonly delivery: DeliveryManifest;
}

/** What one operation works with, besides the project root. */
export interface ProjectOptions {
  /** The app command, instead of cdktf.json's. */
  readonly app?: string;
  /** Receives the operation's progress. */
  readonly listener?: ProgressListener;
  /** Asks a person, for destroys; none: destroys need `yes`. */
  readonly prompt?: Prompt;
  /** Who this is, for the state database's session (e.g. `deploy`). */
  readonly client?: string;
  /** Aborted when the operation is interrupted. */
  readonly signal?: AbortSignal;
}

/**
 * The cdktf project one operation works in: its app, its run-time folder (`.pipeline/`: logs,
 * outputs, fingerprints), what the app's delivery describes, where progress goes, and the state
 * database's connection, which {@link close} ends.
 */
export class Project {
  /** The folder of run-time files. */
  public readonly work: string;
  /** The states of the delivery's stages. */
  public readonly states: StateReader;
  /** The database of PostgreSQL state (connected on first use). */
  public readonly database: StateDatabase;
  /** Whether this operation has checked and prepared encrypted state already. */
  public encryptionPrepared = false;
  private readonly appOverride?: string;

  constructor(
    /** The project root, where cdktf.json is. */
    public readonly root: string,
    private readonly options: ProjectOptions = {},
  ) {
    this.work = join(root, WORK_DIRECTORY);
    this.appOverride = options.app;
    this.database = new StateDatabase(options.client ?? 'cdktf-pipeline');
    this.states = new StateReader(this.database, this.root);
  }

  /** Progress lines of the operation `name`, to the listener (none: dropped). */
  public progress(name: string): Progress {
    return new Progress(name, this.options.listener);
  }

  /** Whether the operation was interrupted: it starts nothing new. */
  public get interrupted(): boolean {
    return this.options.signal?.aborted === true;
  }

  /** Who can be asked; undefined where nobody can answer. */
  public get prompt(): Prompt | undefined {
    return this.options.prompt;
  }

  /** Ends what the operation opened (the state database's connection). */
  public async close(): Promise<void> {
    await this.database.close();
  }

  /** The app command from cdktf.json. */
  public get appCommand(): string {
    if (this.appOverride) return this.appOverride;
    const file = join(this.root, 'cdktf.json');
    if (!existsSync(file)) {
      throw new OperationError(
        `no cdktf.json in ${this.root}.`,
        'Run the command from the root of your cdktf project.',
      );
    }
    const app = (JSON.parse(readFileSync(file, 'utf8')) as { app?: unknown }).app;
    if (typeof app !== 'string' || app.trim() === '') {
      throw new OperationError(
        `cdktf.json has no 'app' command.`,
        `Set "app" in cdktf.json, e.g. "node -r cdktf-deployment-pipeline/register main.ts".`,
      );
    }
    return app;
  }

  /** The environment for the app and the cdktf CLI: review ids, and node_modules/.bin on PATH. */
  public env(stacks: readonly string[] = []): NodeJS.ProcessEnv {
    const ids = Project.reviewIds(stacks, process.env[DEFAULTS.reviewIdsVariable]);
    return {
      ...process.env,
      PATH: [join(this.root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
      [DEFAULTS.reviewIdsVariable]: ids.join(','),
      CI: '1',
      FORCE_COLOR: '0',
    };
  }

  /** Review ids already asked for, plus those of `review-<id>` stacks among `stacks`. */
  public static reviewIds(stacks: readonly string[], given: string | undefined): string[] {
    const ids = parseReviewIds(given);
    for (const stack of stacks) {
      if (stack.startsWith(DEFAULTS.reviewPrefix))
        ids.push(stack.slice(DEFAULTS.reviewPrefix.length));
    }
    return [...new Set(ids)];
  }

  /** The stack name of a review environment. */
  public static reviewStack(id: string): string {
    return `${DEFAULTS.reviewPrefix}${id}`;
  }

  /**
   * Synthesizes the app with every deployed stack in it: review environments exist in the app
   * only when named, so a second synthesis adds the deployed ones the first did not have (none
   * when no review environment is deployed). `use` gets the app and the deployed stacks.
   */
  public async synthWithDeployed<T>(
    use: (synthesized: Synthesized, deployed: string[]) => T | Promise<T>,
    env: NodeJS.ProcessEnv = {},
  ): Promise<T> {
    const first = await this.synth(
      [],
      async (synthesized) => {
        const deployed = await this.deployedStacks(synthesized.delivery);
        const known = deployed.every((n) => synthesized.delivery.stages.some((s) => s.name === n));
        return {
          deployed,
          result: known ? { value: await use(synthesized, deployed) } : undefined,
        };
      },
      env,
    );
    if (first.result) return first.result.value;
    return this.synth(first.deployed, (synthesized) => use(synthesized, first.deployed), env);
  }

  /**
   * Runs the app into a temporary folder and reads its delivery; `use` gets both, and the folder
   * is removed afterwards. Stacks named `review-<id>` are synthesized too; `env` is added to the
   * app's environment.
   */
  public async synth<T>(
    stacks: readonly string[],
    use: (synthesized: Synthesized) => T | Promise<T>,
    env: NodeJS.ProcessEnv = {},
  ): Promise<T> {
    const outdir = scratchFolder('synth');
    try {
      const result = await runCollected(this.appCommand, [], {
        cwd: this.root,
        env: { ...this.env(stacks), ...env, CDKTF_OUTDIR: outdir },
        shell: true,
      });
      if (result.code !== 0) {
        const problems = result.output.trim();
        // Bad configuration: the app's list of problems is the whole report.
        if (/configuration problems?; nothing was deployed/.test(problems)) {
          throw new ReportedError(problems);
        }
        throw new OperationError(
          `the app (${this.appCommand}) failed with exit code ${result.code}:\n${problems}`,
          'Fix the app; `cdktf synth` shows the same error.',
        );
      }
      const delivery = readDeliveryManifest(outdir);
      if (!delivery) {
        throw new OperationError(
          `the app (${this.appCommand}) synthesized no delivery (no delivery.json in its output).`,
          'Build the stacks with a Delivery construct in the app.',
        );
      }
      if (!isReadableVersion(delivery.version)) {
        throw new OperationError(
          `the app synthesized a delivery manifest of version ${String(delivery.version)}; this CLI reads version ${DELIVERY_MANIFEST_VERSION}.`,
          'Run the CLI of the same cdktf-deployment-pipeline version as the app imports (npx cdktf-pipeline from the project).',
        );
      }
      return await use({ outdir, delivery });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  /** The delivery's stage named `name`, or an error listing the stages there are. */
  public static stage(delivery: DeliveryManifest, name: string, command: string): StageManifest {
    const stage = delivery.stages.find((s) => s.name === name);
    if (!stage) {
      throw new UsageError(
        `the app has no stack '${name}' (stacks: ${delivery.stages.map((s) => s.name).join(', ')}).`,
        `Name one of those, or a review environment as ${delivery.reviewPrefix}<id>: e.g. cdktf-pipeline ${command} ${delivery.stages[1]?.name ?? delivery.imageStage}.`,
      );
    }
    return stage;
  }

  /** The outputs a stack's state holds; undefined when it has no state yet. */
  public async outputs(
    location: StateLocation,
    decrypt?: (location: StateLocation) => Promise<string>,
  ): Promise<StackOutputs | undefined> {
    const state = await this.states.read(location, decrypt);
    if (!state) return undefined;
    const urls = new Map<string, string>();
    for (const [name, { value }] of Object.entries(state.outputs ?? {})) {
      if (name.endsWith(URL_OUTPUT_SUFFIX) && typeof value === 'string') {
        urls.set(name.slice(0, -URL_OUTPUT_SUFFIX.length), value);
      }
    }
    return {
      urls,
      verifiedRelease: releaseOf(state.outputs?.[VERIFIED_RELEASE_OUTPUT]?.value),
      deployed: (state.resources ?? []).length > 0,
      runningRelease: runningRelease(state.resources ?? []),
    };
  }

  /** The stacks that have deployed resources, by the states in the delivery's state store. */
  public deployedStacks(delivery: DeliveryManifest): Promise<string[]> {
    this.requirePassphrase(delivery);
    return this.states.deployed(delivery.state);
  }

  /**
   * For a delivery that encrypts its state: refuses, with the one message every command gives,
   * when the passphrase is missing or too short (see `requireEncryption`), before any state is
   * read. A wrong passphrase shows when the engine reads a state with it.
   */
  public requirePassphrase(delivery: DeliveryManifest): void {
    if (delivery.stateEncrypted) requireEncryption(loadStatePassphrase(this.root));
  }

  /**
   * The outputs of a stack that has deployed resources; otherwise an error saying to deploy it.
   */
  public async deployedOutputs(stage: StageManifest): Promise<StackOutputs> {
    const outputs = await this.outputs(stage.state);
    if (!outputs?.deployed) {
      throw new OperationError(
        `stack '${stage.name}' has not been deployed here (no state at ${this.showState(stage.state)}).`,
        `Deploy it first: cdktf-pipeline deploy ${stage.name}.`,
      );
    }
    return outputs;
  }

  /** A state location for messages. */
  public showState(location: StateLocation): string {
    return StateReader.describe(location, this.root);
  }

  /** Modification time (ms) of a file, or undefined. */
  public static mtime(file: string): number | undefined {
    return existsSync(file) ? statSync(file).mtimeMs : undefined;
  }

  /** A path relative to the root, for messages. */
  public show(path: string): string {
    const rel = relative(this.root, path);
    return rel.startsWith('..') ? path : rel;
  }

  public logFile(name: string): string {
    return join(this.work, 'logs', `${name}.log`);
  }

  public outputsFile(stack: string): string {
    return join(this.work, 'outputs', `${stack}.json`);
  }
}

/** The release an environment's state pulled: its `docker_image`s named by digest. */
function runningRelease(resources: readonly unknown[]): Release | undefined {
  const release: { [image: string]: string } = {};
  for (const resource of resources as {
    type?: string;
    name?: string;
    instances?: { attributes?: { name?: unknown } }[];
  }[]) {
    if (resource.type !== 'docker_image') continue;
    const image = imageOfReleaseResource(resource.name ?? '');
    const name = resource.instances?.[0]?.attributes?.name;
    if (image !== undefined && typeof name === 'string' && name.includes('@sha256:')) {
      release[image] = name;
    }
  }
  return Object.keys(release).length > 0 ? release : undefined;
}

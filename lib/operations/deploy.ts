import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { approvalLine } from '../private/approval-record';
import { DEPLOYED_ENV_FILE, PIPELINE_DEFAULTS } from '../private/defaults';
import { describeRelease, Release, releaseId, sameRelease } from '../private/release';
import { DeliveryManifest, imageNames, StageManifest } from '../schema/delivery-manifest';

import { failedOutcome, pulledState, runEngine } from './private/engine-run';
import { currentRun, History } from './private/history-store';
import { dockerHost, dockerVersion } from './private/known-failures';
import { OperationError, UsageError } from './private/operation-error';
import { requireFreePorts } from './private/ports';
import { Progress } from './private/progress';
import { Project } from './private/project';
import { publishRunRelease, requireRunRelease } from './private/run-release';

/** What `Operations.deploy` is asked for. */
export interface DeployOptions {
  /**
   * The stacks to deploy, in order.
   * @default - every stage up to the first behind an approval
   */
  readonly stacks?: readonly string[];
  /**
   * A pipeline run's own release (its id): deploy each stack only while its upstream has it
   * verified.
   * @default - whatever the upstream has verified
   */
  readonly release?: string;
}

/** One deployed stack. */
export interface DeployedStack {
  /** The stack's name. */
  readonly stack: string;
  /** Where its first published service answers. */
  readonly url?: string;
  /** The release it verified: each image's digest reference, by image name. */
  readonly release?: Release;
  /** That release's id. */
  readonly releaseId?: string;
  /** Whether the engine changed nothing. */
  readonly unchanged: boolean;
  /** How long its deploy took. */
  readonly seconds: number;
}

/** What `Operations.deploy` did. */
export interface DeployResult {
  /** Every stack deployed, in order. */
  readonly stacks: readonly DeployedStack[];
}

/**
 * Deploys stacks one after the other and says where each answers. With `release` (a pipeline
 * run's own release), each stack is deployed only while its upstream still has that release
 * verified. Every name is checked before anything is deployed.
 */
export async function deploy(project: Project, options: DeployOptions): Promise<DeployResult> {
  const out = project.progress('deploy');
  const { release: runRelease } = options;
  const args = options.stacks ?? [];
  if (runRelease !== undefined && args.length === 0) {
    throw new UsageError(
      '--release needs the stacks to deploy, e.g. cdktf-pipeline deploy prod --release 0123456789ab.',
      'Name the stacks.',
    );
  }
  return project.synth(args, async ({ delivery, outdir }) => {
    const stages = stagesToDeploy(delivery, args, runRelease);
    await requireDockerHost(project.root);
    const history = History.of(delivery.state, project.database);
    const deployed: DeployedStack[] = [];
    for (const stage of stages) {
      if (runRelease !== undefined && stage.upstream) {
        const upstream = Project.stage(delivery, stage.upstream, 'deploy');
        await requireRunRelease(project, upstream, runRelease, stage.name);
      }
      deployed.push(await deployStage(project, out, history, delivery, stage, outdir));
    }
    return { stacks: deployed };
  });
}

/**
 * The stages a deploy of `args` deploys (by default, every stage that needs no approval, up to
 * the first that does); every name, and what `release` needs of each, is checked.
 */
function stagesToDeploy(
  delivery: DeliveryManifest,
  args: readonly string[],
  runRelease: string | undefined,
): StageManifest[] {
  const gated = delivery.stages.findIndex((s) => s.approvalRecord !== undefined);
  const stacks =
    args.length > 0
      ? args
      : delivery.stages
          .slice(0, gated < 0 ? undefined : gated)
          .filter((s) => !s.review)
          .map((s) => s.name);
  const stages = stacks.map((name) => Project.stage(delivery, name, 'deploy'));
  const builder = runRelease === undefined ? undefined : stages.find((s) => !s.upstream);
  if (builder) {
    throw new UsageError(
      `--release applies to stages that promote an upstream's release; '${builder.name}' builds it.`,
      `Deploy ${builder.name} without --release.`,
    );
  }
  return stages;
}

/**
 * Deploys one stage: the release its upstream verified (the image stage builds its own), with a
 * history record as it starts and as it ends; then tells CI systems what it verified.
 */
async function deployStage(
  project: Project,
  out: Progress,
  history: History,
  delivery: DeliveryManifest,
  stage: StageManifest,
  outdir: string,
): Promise<DeployedStack> {
  let bringing: Release | undefined;
  if (stage.kind === 'environment') {
    // The upstream's state must be readable (a cut-short file, a database that is down, a
    // wrong passphrase): said plainly before anything changes.
    if (stage.upstream) {
      const upstream = Project.stage(delivery, stage.upstream, 'deploy');
      bringing = (await project.outputs(upstream.state))?.verifiedRelease;
    }
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
      ? await history.started({
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
      await history.finished(record, stage.name, outcome, detail);
    }
    throw error;
  }
  // The engine has just initialised the stack's folder: an encrypted state is decrypted there.
  const outputs = await project.outputs(stage.state, (location) =>
    pulledState(project, stage.name, outdir, location),
  );
  if (record && bringing) {
    const verified = sameRelease(outputs?.verifiedRelease, bringing);
    await history.finished(
      record,
      stage.name,
      verified ? 'verified' : 'failed',
      verified ? undefined : `the deploy ended without verifying release ${releaseId(bringing)}`,
    );
  }
  const url: string | undefined = outputs?.urls.values().next().value;
  const release = outputs?.verifiedRelease;
  const unchanged = /No changes\./.test(log);
  // The image stage's release is new here: each image in full, before the line that ends it.
  if (release && !bringing) logImages(out, release);
  const seconds = Math.round((Date.now() - started) / 1000);
  out.log(
    `deployed ${stage.name} in ${seconds}s${unchanged ? ', no changes' : ''}` +
      `${url ? `: ${url}` : ''}${release ? ` (verified release ${describeRelease(release)})` : ''}`,
  );
  publishForCi(project, stage, url, release);
  return {
    stack: stage.name,
    ...(url ? { url } : {}),
    ...(release ? { release, releaseId: releaseId(release) } : {}),
    unchanged,
    seconds,
  };
}

/**
 * For CI systems: a GitLab dotenv report and GitHub step outputs. The image stage's release is
 * the pipeline run's, for the jobs after it.
 */
function publishForCi(
  project: Project,
  stage: StageManifest,
  url: string | undefined,
  release: Release | undefined,
): void {
  const id = release ? releaseId(release) : '';
  const built = stage.kind === 'image' && release ? id : undefined;
  const dotenv = join(project.root, DEPLOYED_ENV_FILE);
  mkdirSync(dirname(dotenv), { recursive: true });
  writeFileSync(
    dotenv,
    `ENVIRONMENT_URL=${url ?? ''}\nVERIFIED_RELEASE=${id}\n` +
      (built ? `${PIPELINE_DEFAULTS.releaseVariable}=${built}\n` : ''),
  );
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(process.env.GITHUB_OUTPUT, `url=${url ?? ''}\nverified_release=${id}\n`);
  }
  if (built) publishRunRelease(built);
}

/** Each image of a release by its full digest reference, a line each. */
function logImages(out: Progress, release: Release): void {
  for (const name of Object.keys(release).sort()) out.log(`  ${name}: ${release[name]}`);
}

/** Refuses to start when the Docker host does not answer: nothing could be deployed. */
async function requireDockerHost(cwd: string): Promise<void> {
  if ((await dockerVersion(cwd)) === undefined) {
    throw new OperationError(
      `the Docker host at ${dockerHost()} does not answer; nothing was deployed.`,
      'Start Docker, or point DOCKER_HOST at a Docker host that runs.',
    );
  }
}

import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

import { Approval } from '../constructs/approval';
import { APPROVALS_ARTIFACT_DIRECTORY } from '../private/defaults';
import {
  describeRelease,
  digestOf,
  shortDigest,
  Release,
  releaseId,
  releaseKey,
  SINGLE_IMAGE,
} from '../private/release';
import { DeliveryManifest, imageNames, StageManifest } from '../schema/delivery-manifest';

import { History, personName } from './private/history-store';
import { OperationError, UsageError } from './private/operation-error';
import { Project } from './private/project';
import { requireRunRelease } from './private/run-release';

/** A release to approve. */
export type ReleaseToApprove = ReleaseById | ReleaseByImages | ReleaseByDigest;

/** A release to approve by its id: the release a stage verified, or one of the history. */
export interface ReleaseById {
  /** The release's id, 12 hex digits, as `status` shows it. */
  readonly id: string;
}

/** A release to approve by every image's digest. */
export interface ReleaseByImages {
  /** Every image's digest (`sha256:…`, or its first 12 or more hex digits), by image name. */
  readonly images: { readonly [name: string]: string };
}

/** The release of a delivery of one image, by that image's digest. */
export interface ReleaseByDigest {
  /** The digest (`sha256:…`, or its first 12 or more hex digits). */
  readonly digest: string;
}

/** What `approve` was asked for: a release, or the stage whose verified release to approve. */
export interface ApproveOptions {
  /** The environment whose approval record gets the release. */
  readonly environment: string;
  /**
   * The release to approve (its id, every image's digest, or a one-image delivery's digest).
   * @default - none: `from` names the stage whose verified release to approve
   */
  readonly release?: ReleaseToApprove;
  /**
   * A note for the record, with `release`.
   * @default - no note
   */
  readonly note?: string;
  /**
   * Approve what this stage verified.
   * @default - none: `release` names the release
   */
  readonly from?: string;
  /**
   * With `from`: only while the stage still has this pipeline run's release (its id) verified.
   * @default - whatever the stage has verified now
   */
  readonly runRelease?: string;
  /**
   * With `from`: approve nothing, only tell whether the release is approved.
   * @default false
   */
  readonly check?: boolean;
}

/** What `Operations.approve` found or did. */
export interface ApproveResult {
  /** The environment whose approval record it is. */
  readonly environment: string;
  /** The release: each image's digest reference, by image name. */
  readonly release: Release;
  /** The release's id (12 hex digits). */
  readonly releaseId: string;
  /** Whether the release is approved now (with `check`: whether it was). */
  readonly approved: boolean;
  /** The line this call appended to the approval record; absent when it appended none. */
  readonly recorded?: string;
}

/**
 * `approve ENVIRONMENT RELEASE [NOTE]` appends the release (every image's digest) to the
 * environment's approval record; RELEASE is a release id (one that a stage verified, or one of the
 * history), every image as `name=sha256:…`, or the digest of a one-image delivery.
 * With `from`, it approves what that stage verified, and with `runRelease` (a pipeline run's own
 * release) only while the stage still has that release verified; with `check` it approves nothing
 * and tells whether that release is approved. A changed record is also
 * copied to `.pipeline/approvals/`, which CI jobs keep as an artifact.
 */
export async function approve(project: Project, options: ApproveOptions): Promise<ApproveResult> {
  const out = project.progress('approve');
  const { environment, from, runRelease, check } = options;
  if ((from === undefined) === (options.release === undefined)) {
    throw new UsageError(
      from === undefined
        ? `approve ${environment} needs the release to approve, or --from STAGE.`
        : `approve ${environment} takes a release or --from ${from}, not both.`,
      'Give the release id that status or the deploy reported (cdktf-pipeline approve prod 0123456789ab), or approve what a stage verified (cdktf-pipeline approve prod --from staging).',
    );
  }
  if (from === undefined && (check || runRelease !== undefined)) {
    throw new UsageError(
      `${check ? '--check' : '--release'} goes with --from STAGE.`,
      `Run e.g. cdktf-pipeline approve ${environment} --from staging ${check ? '--check' : '--release 0123456789ab'}.`,
    );
  }
  return project.synth([environment, ...(from ? [from] : [])], async ({ delivery }) => {
    const target = Project.stage(delivery, environment, 'approve');
    const record = target.approvalRecord;
    if (record === undefined) {
      throw new OperationError(
        `environment '${environment}' does not require approval (it has no approval record).`,
        `Check the environment name; environments that require approval use Approval.required('<record file>').`,
      );
    }
    const images = imageNames(delivery);
    let release: Release;
    let note: string;
    if (from !== undefined) {
      const stage = Project.stage(delivery, from, 'approve');
      if (runRelease !== undefined)
        await requireRunRelease(project, stage, runRelease, environment);
      const outputs = await project.outputs(stage.state);
      if (!outputs) {
        throw new OperationError(
          `stage '${from}' has not been deployed here (no state at ${project.showState(stage.state)}), so it has verified no release.`,
          `Deploy it first: cdktf-pipeline deploy ${from}.`,
        );
      }
      if (!outputs.verifiedRelease) {
        throw new OperationError(
          `stage '${from}' has published no verified release (its smoke tests have not passed).`,
          `Deploy ${from} again and read its log in ${project.show(project.logFile(`deploy-${from}`))}.`,
        );
      }
      release = outputs.verifiedRelease;
      note = `verified by ${from}`;
    } else {
      // Checked when the command line was read.
      release = await releaseNamed(project, delivery, target, options.release ?? { id: '' });
      note = options.note ?? '';
    }
    const id = releaseId(release);
    const has = Object.keys(release).sort().join(', ');
    if (has !== [...images].sort().join(', ')) {
      // A release from before the delivery's images changed: no line of the record could take it.
      throw new OperationError(
        `release ${id} has the images ${has}, but a release of this delivery has ${[...images].sort().join(', ')}.`,
        `Deploy the stages again from the image stage, then approve the release they verify.`,
      );
    }
    // The record is read as the app reads it (the app already refused malformed lines).
    const { releases } = Approval.required(relative(project.root, record)).read(
      project.root,
      `environment '${environment}'`,
      images,
    );
    if (releases.includes(releaseKey(release))) {
      out.log(`release ${describeRelease(release)} is already approved for ${environment}`);
      return { environment, release, releaseId: id, approved: true };
    }
    if (check) {
      out.log(`release ${describeRelease(release)} is not approved for ${environment} yet`);
      return { environment, release, releaseId: id, approved: false };
    }
    const when = new Date().toISOString().slice(0, 16);
    // A one-image delivery's line is its digest alone, as before releases had several images.
    const approved =
      images.length === 1 && images[0] === SINGLE_IMAGE
        ? digestOf(release[SINGLE_IMAGE])
        : Object.keys(release)
            .sort()
            .map((name) => `${name}=${digestOf(release[name])}`)
            .join(' ');
    const line = `${approved} # release ${id} approved by ${personName(project.root)} on ${when}Z${note ? `: ${note}` : ''}`;
    appendFileSync(record, `${line}\n`);
    // CI jobs keep this folder as an artifact: the record reaches someone who commits it.
    const copy = join(project.root, APPROVALS_ARTIFACT_DIRECTORY, basename(record));
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(record, copy);
    out.log(`recorded in ${project.show(record)}: ${line}`);
    out.log(
      `approved release ${describeRelease(release)} for ${environment}; commit ${project.show(record)} (a copy is in ${project.show(copy)}), then deploy ${environment}`,
    );
    return { environment, release, releaseId: id, approved: true, recorded: line };
  });
}

/**
 * The release the command line names: by id, a release that a stage has verified (the target's
 * upstream first) or that the history holds; or every image by digest; or a one-image delivery's
 * digest. A digest may be a prefix of 12 or more hex digits of a digest that a known release
 * holds for that image, when only one does.
 */
async function releaseNamed(
  project: Project,
  delivery: DeliveryManifest,
  target: StageManifest,
  named: ReleaseToApprove,
): Promise<Release> {
  const images = imageNames(delivery);
  const every = images.map((name) => `${name}=sha256:…`).join(',');
  const knownReleases = () => releasesKnown(project, delivery, target);
  if ('digest' in named) {
    if (images.length !== 1) {
      throw new UsageError(
        `a release of this delivery has ${images.length} images (${images.join(', ')}); a digest names one of them.`,
        `Name the release by its id (cdktf-pipeline status shows it), or give every image: ${every}.`,
      );
    }
    return { [images[0]]: await wholeDigest(images[0], named.digest, knownReleases) };
  }
  if ('images' in named) {
    const given = Object.keys(named.images).sort();
    if (given.join(',') !== [...images].sort().join(',')) {
      throw new UsageError(
        `the release names the images ${given.join(', ')}, but a release of this delivery has ${images.join(', ')}.`,
        `Give every image once: ${every}.`,
      );
    }
    const release: { [image: string]: string } = {};
    for (const image of given) {
      release[image] = await wholeDigest(image, named.images[image], knownReleases);
    }
    return release;
  }
  // The first release of that id, reading no more states than it takes.
  for await (const release of knownReleases()) if (releaseId(release) === named.id) return release;
  throw new OperationError(
    `no stage has verified release ${named.id}, and the history has no deploy of it.`,
    `Check the id (cdktf-pipeline status and history show releases), or give every image: cdktf-pipeline approve ${target.name} ${every}.`,
  );
}

/**
 * The releases this delivery knows, most relevant first: what each stage has verified (the
 * target's upstream first), then the history's, newest first. Each state is read only when the
 * caller asks for more (an encrypted one costs an engine run).
 */
async function* releasesKnown(
  project: Project,
  delivery: DeliveryManifest,
  target: StageManifest,
): AsyncGenerator<Release> {
  const upstream = delivery.stages.find((s) => s.name === target.upstream);
  const stages = [
    ...(upstream ? [upstream] : []),
    ...delivery.stages.filter((s) => s !== upstream),
  ];
  for (const stage of stages) {
    const verified = (await project.outputs(stage.state))?.verifiedRelease;
    if (verified) yield verified;
  }
  const history = await History.of(delivery.state, project.database).deployments();
  for (const deployment of history.reverse()) yield deployment.release;
}

/**
 * An image's whole digest: `digest` itself when it has all 64 hex digits, else the one digest of
 * that image in the known releases that starts with it.
 */
async function wholeDigest(
  image: string,
  digest: string,
  knownReleases: () => AsyncGenerator<Release>,
): Promise<string> {
  if (digest.length === WHOLE_DIGEST_LENGTH) return digest;
  // Every known digest of the image that starts so: one is the answer, more are ambiguous.
  const found = new Set<string>();
  for await (const release of knownReleases()) {
    const known = release[image] === undefined ? '' : digestOf(release[image]);
    if (known.startsWith(digest)) found.add(known);
  }
  const candidates = [...found];
  if (candidates.length === 1) return candidates[0];
  throw new UsageError(
    candidates.length === 0
      ? `no release that a stage verified or the history holds has a digest of image ${image} that starts with ${digest}.`
      : `${digest} is the start of ${candidates.length} digests of the ${image} image: ${candidates.map(shortDigest).join(', ')}.`,
    `Give more of the digest, or all of it (sha256: and 64 hex digits); cdktf-pipeline history --digest ${digest} lists the releases with it.`,
  );
}

/** `sha256:` and 64 hex digits. */
const WHOLE_DIGEST_LENGTH = 'sha256:'.length + 64;

import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

import { Approval } from '../../constructs/approval';
import { APPROVALS_ARTIFACT_DIRECTORY } from '../../private/defaults';
import { digestOf } from '../../private/digest';
import { CliError, ExitCode, UsageError } from '../cli-error';
import { personName } from '../history';
import { Output } from '../output';
import { Project } from '../project';
import { requireRunDigest } from '../run-digest';

/** What `approve` was asked for: a digest, or the stage whose verified digest to approve. */
export interface ApproveOptions {
  /** The environment whose approval record gets the digest. */
  readonly environment: string;
  /** The digest to approve (`sha256:<64 hex>`); or `from`. */
  readonly digest?: string;
  /** A note for the record, with `digest`. */
  readonly note?: string;
  /** Approve what this stage verified; or `digest`. */
  readonly from?: string;
  /** With `from`: only while the stage still has this pipeline run's digest verified. */
  readonly runDigest?: string;
  /** With `from`: approve nothing; exit 0 when approved, 3 when not. */
  readonly check: boolean;
}

/**
 * `approve ENVIRONMENT DIGEST [NOTE]` appends the digest to the environment's approval record;
 * `approve ENVIRONMENT --from STAGE` approves what STAGE verified, and with `--digest` (a pipeline
 * run's own digest) only while STAGE still has that digest verified; with `--check` it approves
 * nothing and exits 0 when that digest is approved, 3 when it is not. A changed record is also
 * copied to `.pipeline/approvals/`, which CI jobs keep as an artifact.
 */
export async function approve(project: Project, options: ApproveOptions): Promise<number> {
  const out = new Output('approve');
  const { environment, from, runDigest, check } = options;
  if ((from === undefined) === (options.digest === undefined)) {
    throw new UsageError(
      from === undefined
        ? `approve ${environment} needs the digest to approve, or --from STAGE.`
        : `approve ${environment} takes the digest ${options.digest} or --from ${from}, not both.`,
      'Give the digest the deploy reported (cdktf-pipeline approve prod sha256:…), or approve what a stage verified (cdktf-pipeline approve prod --from staging).',
    );
  }
  if (from === undefined && (check || runDigest !== undefined)) {
    throw new UsageError(
      `${check ? '--check' : '--digest'} goes with --from STAGE.`,
      `Run e.g. cdktf-pipeline approve ${environment} --from staging ${check ? '--check' : '--digest sha256:…'}.`,
    );
  }
  return project.synth([environment, ...(from ? [from] : [])], ({ delivery }) => {
    const target = Project.stage(delivery, environment, 'approve');
    let digest: string;
    let note: string;
    if (from !== undefined) {
      const stage = Project.stage(delivery, from, 'approve');
      if (runDigest !== undefined) requireRunDigest(project, stage, runDigest, environment);
      const outputs = Project.outputs(stage.state);
      if (!outputs) {
        throw new CliError(
          `stage '${from}' has not been deployed here (no state at ${project.showState(stage.state)}), so it has verified no digest.`,
          `Deploy it first: cdktf-pipeline deploy ${from}.`,
        );
      }
      if (!outputs.verifiedImage) {
        throw new CliError(
          `stage '${from}' has published no verified image (its smoke tests have not passed).`,
          `Deploy ${from} again and read its log in ${project.show(project.logFile(`deploy-${from}`))}.`,
        );
      }
      digest = digestOf(outputs.verifiedImage);
      note = `verified by ${from}`;
    } else {
      // Checked when the command line was read.
      digest = options.digest ?? '';
      note = options.note ?? '';
    }
    const record = target.approvalRecord;
    if (record === undefined) {
      throw new CliError(
        `environment '${environment}' does not require approval (it has no approval record).`,
        `Check the environment name; environments that require approval use Approval.required('<record file>').`,
      );
    }
    // The record is read as the app reads it (the app already refused malformed lines).
    const { digests } = Approval.required(relative(project.root, record)).read(
      project.root,
      `environment '${environment}'`,
    );
    if (digests.includes(digest)) {
      out.log(`${digest} is already approved for ${environment}`);
      return 0;
    }
    if (check) {
      out.log(`${digest} is not approved for ${environment} yet`);
      return ExitCode.NOT_APPROVED;
    }
    const when = new Date().toISOString().slice(0, 16);
    const line = `${digest} # approved by ${personName(project.root)} on ${when}Z${note ? `: ${note}` : ''}`;
    appendFileSync(record, `${line}\n`);
    // CI jobs keep this folder as an artifact: the record reaches someone who commits it.
    const copy = join(project.root, APPROVALS_ARTIFACT_DIRECTORY, basename(record));
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(record, copy);
    out.log(`recorded in ${project.show(record)}: ${line}`);
    out.log(
      `approved ${digest} for ${environment}; commit ${project.show(record)} (a copy is in ${project.show(copy)}), then deploy ${environment}`,
    );
    return 0;
  });
}

import { appendFileSync } from 'node:fs';

import { PIPELINE_DEFAULTS } from '../../private/defaults';
import { describeRelease, releaseId } from '../../private/release';
import { StageManifest } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';
import { Project } from './project';

/**
 * Refuses unless `upstream` still has this run's release verified: when a later pipeline run has
 * moved it on, this run's release was superseded and must not reach `target`.
 */
export async function requireRunRelease(
  project: Project,
  upstream: StageManifest,
  runRelease: string,
  target: string,
): Promise<void> {
  const verified = (await project.outputs(upstream.state))?.verifiedRelease;
  if (verified === undefined) {
    throw new OperationError(
      `stage '${upstream.name}' has no verified release here (state: ${project.showState(upstream.state)}), so this run's release ${runRelease} cannot be promoted to ${target}.`,
      `Run the pipeline's earlier stages first: cdktf-pipeline deploy ${upstream.name}.`,
    );
  }
  if (releaseId(verified) !== runRelease) {
    throw new OperationError(
      `${upstream.name} now runs release ${describeRelease(verified)}, built by another pipeline run; this run's release ${runRelease} was superseded, so ${target} does not get it.`,
      `Nothing changed in ${target}. Promote release ${releaseId(verified)} from the pipeline run that built it.`,
    );
  }
}

/**
 * Publishes the release the image stage built (its id) as this pipeline run's: to the local
 * runner's output file and to GitHub step outputs (the GitLab dotenv report is written by the
 * deploy).
 */
export function publishRunRelease(id: string): void {
  const runnerOutput = process.env[PIPELINE_DEFAULTS.outputVariable];
  if (runnerOutput) appendFileSync(runnerOutput, `${PIPELINE_DEFAULTS.releaseVariable}=${id}\n`);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `release=${id}\n`);
}

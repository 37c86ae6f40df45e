import { appendFileSync } from 'node:fs';

import { PIPELINE_DEFAULTS } from '../private/defaults';
import { StageManifest } from '../private/delivery-manifest';
import { digestOf } from '../private/digest';

import { CliError } from './cli-error';
import { Project } from './project';

/**
 * Refuses unless `upstream` still has this run's digest verified: when a later pipeline run has
 * moved it on, this run's digest was superseded and must not reach `target`.
 */
export function requireRunDigest(
  project: Project,
  upstream: StageManifest,
  runDigest: string,
  target: string,
): void {
  const outputs = Project.outputs(upstream.state);
  const verified = outputs?.verifiedImage ? digestOf(outputs.verifiedImage) : undefined;
  if (verified === undefined) {
    throw new CliError(
      `stage '${upstream.name}' has no verified digest here (state: ${project.showState(upstream.state)}), so this run's ${runDigest} cannot be promoted to ${target}.`,
      `Run the pipeline's earlier stages first: cdktf-pipeline deploy ${upstream.name}.`,
    );
  }
  if (verified !== runDigest) {
    throw new CliError(
      `${upstream.name} now runs ${verified}, built by another pipeline run; this run's ${runDigest} was superseded, so ${target} does not get it.`,
      `Nothing changed in ${target}. Promote ${verified} from the pipeline run that built it.`,
    );
  }
}

/**
 * Publishes the digest the image stage built as this pipeline run's: to the local runner's
 * output file and to GitHub step outputs (the GitLab dotenv report is written by the deploy).
 */
export function publishRunDigest(digest: string): void {
  const runnerOutput = process.env[PIPELINE_DEFAULTS.outputVariable];
  if (runnerOutput) appendFileSync(runnerOutput, `${PIPELINE_DEFAULTS.digestVariable}=${digest}\n`);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `digest=${digest}\n`);
}

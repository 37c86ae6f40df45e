import { appendFileSync } from 'node:fs';

import { DIGEST_PATTERN } from '../constructs/approval';
import { PIPELINE_DEFAULTS } from '../private/defaults';
import { StageManifest } from '../private/delivery-manifest';
import { digestOf } from '../private/digest';

import { CliError } from './cli-error';
import { Project } from './project';

/**
 * Takes `--digest DIGEST` out of a command's arguments: the digest a pipeline run built, which
 * this command may promote and nothing else. An empty or malformed value is an error (in CI it
 * means the image job's digest did not reach the job).
 */
export function takeDigestOption(args: readonly string[]): {
  readonly digest?: string;
  readonly rest: readonly string[];
} {
  const at = args.indexOf('--digest');
  if (at < 0) return { rest: args };
  const value = args[at + 1] ?? '';
  if (!DIGEST_PATTERN.test(value)) {
    throw new CliError(
      `--digest must be 'sha256:' and 64 hex digits, got '${value}'.`,
      `In CI the value comes from the image job (${PIPELINE_DEFAULTS.digestVariable}): make the job need it. By hand, copy the digest the image deploy reported.`,
    );
  }
  return { digest: value, rest: [...args.slice(0, at), ...args.slice(at + 2)] };
}

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

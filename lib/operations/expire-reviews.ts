import { TIME_TO_LIVE_RULE, timeToLiveSeconds } from '../private/duration';

import { confirmDestroy } from './private/confirm';
import { destroyStages } from './private/engine-run';
import { UsageError } from './private/operation-error';
import { Project } from './private/project';

/** What `expire-reviews` was asked for. */
export interface ExpireReviewsOptions {
  /** How long a review environment may go without a deploy, e.g. '3 days' or '12 hours'. */
  readonly timeToLive: string;
  /**
   * Destroy without asking (what a scheduled pipeline needs).
   * @default false
   */
  readonly yes?: boolean;
}

/** What `Operations.expireReviews` did. */
export interface ExpireReviewsResult {
  /** The review environments destroyed. */
  readonly expired: readonly string[];
  /** The review environments kept, with how long ago each was deployed. */
  readonly kept: readonly string[];
}

/**
 * Destroys the review environments that no deploy touched for that long, once confirmed (see
 * confirmDestroy). A deploy rewrites the stack's outputs file, so its age is the environment's.
 */
export async function expireReviews(
  project: Project,
  options: ExpireReviewsOptions,
): Promise<ExpireReviewsResult> {
  const out = project.progress('expire-reviews');
  const ttl = timeToLiveSeconds(options.timeToLive);
  if (ttl === undefined) {
    throw new UsageError(
      `the time to live '${options.timeToLive}' is not a duration. ${TIME_TO_LIVE_RULE}`,
      "Give e.g. '3 days'.",
    );
  }
  const now = Date.now();
  const expired: string[] = [];
  const kept: string[] = [];
  await project.synthWithDeployed(async ({ delivery, outdir }, deployed) => {
    for (const name of deployed.filter((s) => s.startsWith(delivery.reviewPrefix))) {
      const stage = Project.stage(delivery, name, 'expire-reviews');
      const touched =
        Project.mtime(project.outputsFile(name)) ??
        (stage.state.backend === 'local' ? Project.mtime(stage.state.path) : undefined) ??
        now;
      if (now - touched > ttl * 1000) expired.push(name);
      else kept.push(`${name} (deployed ${Math.floor((now - touched) / 3600_000)}h ago)`);
    }
    const stages = expired.map((name) => Project.stage(delivery, name, 'expire-reviews'));
    if (stages.length > 0) {
      await confirmDestroy(project, out, {
        stages,
        yes: options.yes === true,
        commandLine: `cdktf-pipeline expire-reviews '${options.timeToLive}'`,
      });
    }
    await destroyStages(project, out, stages, delivery, outdir);
  });
  out.log(
    `time to live ${options.timeToLive}: expired ${expired.join(' ') || 'none'}; kept ${kept.join(' ') || 'none'}`,
  );
  return { expired, kept };
}

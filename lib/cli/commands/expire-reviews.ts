import { confirmDestroy } from '../confirm';
import { Output } from '../output';
import { Project } from '../project';

import { forget, runEngine } from './stack-actions';

/** What `expire-reviews` was asked for. */
export interface ExpireReviewsOptions {
  /** How long a review environment may go without a deploy, as written (e.g. '3 days'). */
  readonly timeToLive: string;
  /** The same, in seconds. */
  readonly seconds: number;
  /** Destroy without asking (what a scheduled pipeline needs). */
  readonly yes: boolean;
}

/**
 * `expire-reviews TIME-TO-LIVE [--yes]`: destroys the review environments that no deploy touched
 * for that long, once confirmed (see confirmDestroy). A deploy rewrites the stack's outputs file,
 * so its age is the environment's.
 */
export async function expireReviews(
  project: Project,
  options: ExpireReviewsOptions,
): Promise<number> {
  const out = new Output('expire-reviews');
  const ttl = options.seconds;
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
        yes: options.yes,
        commandLine: `cdktf-pipeline expire-reviews '${options.timeToLive}'`,
      });
    }
    for (const stage of stages) {
      out.log(`destroying ${stage.name}`);
      await runEngine(project, out, 'destroy', stage, delivery, outdir);
      forget(project, stage.name);
    }
  });
  out.log(
    `time to live ${options.timeToLive}: expired ${expired.join(' ') || 'none'}; kept ${kept.join(' ') || 'none'}`,
  );
  return 0;
}

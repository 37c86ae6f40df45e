import { CliError } from '../cli-error';
import { Output } from '../output';
import { Project } from '../project';

import { forget, runEngine } from './stack-actions';

const UNITS: { readonly [unit: string]: number } = {
  minute: 60,
  hour: 3600,
  day: 86400,
  week: 7 * 86400,
};

/** '3 days', '12 hours', '1 week', '30 minutes' in seconds. */
export function parseTimeToLive(text: string): number {
  const m = /^\s*(\d+)\s*(minute|hour|day|week)s?\s*$/.exec(text);
  if (!m) {
    throw new CliError(
      `the time to live must be a number and a unit (minutes, hours, days, weeks), got '${text}'.`,
      "Write it like '3 days' or '12 hours'.",
    );
  }
  return Number(m[1]) * UNITS[m[2]];
}

/**
 * `expire-reviews TIME-TO-LIVE`: destroys the review environments that no deploy touched for
 * that long. A deploy rewrites the stack's outputs file, so its age is the environment's.
 */
export async function expireReviews(project: Project, args: readonly string[]): Promise<number> {
  const out = new Output('expire-reviews');
  if (args.length !== 1) {
    throw new CliError(
      'usage: cdktf-pipeline expire-reviews TIME-TO-LIVE',
      "Give the time to live, e.g. '3 days'.",
    );
  }
  const ttl = parseTimeToLive(args[0]);
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
    for (const name of expired) {
      out.log(`destroying ${name}`);
      await runEngine(
        project,
        out,
        'destroy',
        Project.stage(delivery, name, 'expire-reviews'),
        delivery,
        outdir,
      );
      forget(project, name);
    }
  });
  out.log(
    `time to live ${args[0]}: expired ${expired.join(' ') || 'none'}; kept ${kept.join(' ') || 'none'}`,
  );
  return 0;
}

import { Project } from './private/project';
import { statusOf } from './private/status-of';
import { StatusView } from './private/status-view';

/** What `status` was asked for. */
export interface StatusOptions {
  /**
   * Run the smoke tests against every deployed environment now.
   * @default false
   */
  readonly probe?: boolean;
  /**
   * Compare each environment with its last deploy.
   * @default false
   */
  readonly drift?: boolean;
  /**
   * Add every deploy of the environments shown, newest first (`StatusView.history`), as the HTML
   * report's timelines need.
   * @default false
   */
  readonly history?: boolean;
}

/**
 * What runs where, since when, whether it is verified, and what waits upstream; one entry per
 * environment in promotion order. It reads the states and the history, and deploys nothing.
 * `probe` runs the smoke tests against every deployed environment now; `drift` compares each
 * with its last deploy.
 */
export async function status(project: Project, options: StatusOptions = {}): Promise<StatusView> {
  const out = project.progress('status');
  return project.synthWithDeployed(async ({ delivery, outdir }, deployed) => {
    return statusOf(project, out, delivery, deployed, options, outdir);
  });
}

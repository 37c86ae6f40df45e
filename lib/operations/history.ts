import { digestOf } from '../private/release';

import { Deployment, History } from './private/history-store';
import { UsageError } from './private/operation-error';
import { Project } from './private/project';

/** What `history` was asked for. */
export interface HistoryOptions {
  /**
   * The environments whose deploys to list.
   * @default - every one
   */
  readonly environments?: readonly string[];
  /**
   * Only the deploys of a release with an image of this digest (a prefix of 12 or more hex digits
   * is enough).
   * @default - every digest
   */
  readonly digest?: string;
  /**
   * Only the deploys of this release, by id.
   * @default - every release
   */
  readonly release?: string;
}

/**
 * Every deploy of the named environments (default: all), newest first: the release and each image's digest, which images
 * changed since the environment's deploy before, where it came from, the pipeline run, when, how it
 * ended and, for gated environments, the approval. `release` keeps the deploys of one release,
 * `digest` those of releases with an image of that digest (a prefix of at least 12 hex digits is
 * enough): where did it go, and when.
 */
export async function history(
  project: Project,
  options: HistoryOptions = {},
): Promise<Deployment[]> {
  const { digest, release } = options;
  const names = options.environments ?? [];
  return project.synth(
    // Review environments are in the app only when named.
    names,
    async ({ delivery }) => {
      for (const name of names) {
        const stage = Project.stage(delivery, name, 'history');
        if (stage.kind !== 'environment') {
          throw new UsageError(
            `'${name}' is the image stage: the history records deploys of environments.`,
            `Name environments, e.g. cdktf-pipeline history ${delivery.stages.find((s) => s.kind === 'environment')?.name ?? 'dev'}.`,
          );
        }
      }
      return (await History.of(delivery.state, project.database).deployments())
        .filter((d) => names.length === 0 || names.includes(d.environment))
        .filter(
          (d) =>
            digest === undefined ||
            Object.values(d.release).some((image) => digestOf(image).startsWith(digest)),
        )
        .filter((d) => release === undefined || d.releaseId === release)
        .reverse();
    },
  );
}

import { EnvironmentParity } from '../../parity/environment-parity';
import { CliError } from '../cli-error';
import { Project } from '../project';

/** What `parity` was asked for. */
export interface ParityOptions {
  /** Review environments to add to the comparison, by id. */
  readonly reviews: readonly string[];
}

/**
 * `parity [--review ID]...`: synthesizes the app (with a review environment for each `--review`)
 * into a temporary folder and checks what the engine receives there: the `cdk.tf.json` of every
 * environment stack, backend included, and its variables file. Prints one OK line, or each
 * difference with its JSON path and both values, and exits 1.
 */
export async function parity(project: Project, options: ParityOptions): Promise<number> {
  const { reviews } = options;
  return project.synth(
    reviews.map((id) => Project.reviewStack(id)),
    ({ outdir }) => {
      const report = EnvironmentParity.checkSynthesized(outdir);
      if (report.stacks.length < 2) {
        throw new CliError(
          `parity needs at least two environment stacks to compare, found ${report.stacks.length}.`,
          'Add environments, or a review environment with --review ID.',
        );
      }
      console.log(EnvironmentParity.format(report));
      return report.differences.length === 0 ? 0 : 1;
    },
  );
}

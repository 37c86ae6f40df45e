import type { ParityReport } from '../parity/environment-parity';
import { checkSynthesized } from '../parity/private/synthesized-parity';

import { OperationError } from './private/operation-error';
import { Project } from './private/project';

/** What `parity` was asked for. */
export interface ParityOptions {
  /**
   * Review environments to add to the comparison, by id.
   * @default - none
   */
  readonly reviews?: readonly string[];
}

/**
 * Synthesizes the app (with a review environment for each id of `reviews`) into a temporary folder
 * and checks what the engine receives there: the `cdk.tf.json` of every environment stack, backend
 * included, and its variables file. The report lists every difference with its JSON path and both
 * values (`EnvironmentParity.format` writes it out).
 */
export async function parity(project: Project, options: ParityOptions = {}): Promise<ParityReport> {
  const reviews = options.reviews ?? [];
  return project.synth(
    reviews.map((id) => Project.reviewStack(id)),
    ({ outdir }) => {
      const report = checkSynthesized(outdir);
      if (report.stacks.length < 2) {
        throw new OperationError(
          `parity needs at least two environment stacks to compare, found ${report.stacks.length}.`,
          'Add environments, or a review environment with --review ID.',
        );
      }
      return report;
    },
  );
}

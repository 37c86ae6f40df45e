import { confirmDestroy } from './private/confirm';
import { destroyStages } from './private/engine-run';
import { Project } from './private/project';

/** What `Operations.teardown` is asked for. */
export interface TeardownOptions {
  /**
   * Destroy without asking (what a run without a terminal needs).
   * @default false
   */
  readonly yes?: boolean;
}

/** What a teardown did. */
export interface TeardownResult {
  /** The stacks destroyed, downstream first. */
  readonly destroyed: readonly string[];
}

/**
 * Destroys every deployed stack, downstream stages first and the image stage last, once
 * confirmed (as `Operations.destroy` confirms).
 */
export async function teardown(
  project: Project,
  options: TeardownOptions,
): Promise<TeardownResult> {
  const out = project.progress('teardown');
  // Review environments exist in the app only when named: the deployed ones are found first.
  return project.synthWithDeployed(async ({ delivery, outdir }, deployed) => {
    if (deployed.length === 0) {
      out.log('nothing is deployed');
      return { destroyed: [] };
    }
    const stages = delivery.stages.filter((s) => deployed.includes(s.name)).reverse();
    await confirmDestroy(project, out, {
      stages,
      yes: options.yes === true,
      commandLine: 'cdktf-pipeline teardown',
    });
    const destroyed = await destroyStages(project, out, stages, delivery, outdir);
    out.log(`destroyed ${destroyed.join(', ')}`);
    return { destroyed };
  });
}

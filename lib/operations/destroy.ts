import { confirmDestroy } from './private/confirm';
import { destroyStages } from './private/engine-run';
import { Project } from './private/project';

/** What `Operations.destroy` is asked for. */
export interface DestroyOptions {
  /** The stacks to destroy, in order. */
  readonly stacks: readonly string[];
  /**
   * Destroy without asking (what a run without a terminal needs).
   * @default false
   */
  readonly yes?: boolean;
}

/** What a destroy did. */
export interface DestroyResult {
  /** The stacks destroyed, in order. */
  readonly destroyed: readonly string[];
}

/**
 * Destroys stacks, e.g. a review environment, once every name is known and the destroy is
 * confirmed: it lists what goes, then asks (a stage behind an approval needs its name typed
 * back); without anyone to ask it needs `yes`.
 */
export async function destroy(project: Project, options: DestroyOptions): Promise<DestroyResult> {
  const out = project.progress('destroy');
  const { stacks } = options;
  return project.synth(stacks, async ({ delivery, outdir }) => {
    // Every name is checked before anything is destroyed.
    const stages = stacks.map((name) => Project.stage(delivery, name, 'destroy'));
    project.requirePassphrase(delivery);
    await confirmDestroy(project, out, {
      stages,
      yes: options.yes === true,
      commandLine: `cdktf-pipeline destroy ${stacks.join(' ')}`,
    });
    return { destroyed: await destroyStages(project, out, stages, delivery, outdir, true) };
  });
}

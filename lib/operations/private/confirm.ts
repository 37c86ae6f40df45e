import { describeRelease } from '../../private/release';
import { StageManifest } from '../../schema/delivery-manifest';

import { OperationError, UsageError } from './operation-error';
import { Progress } from './progress';
import { Project } from './project';
import { PassphraseError } from './state-engine';

/** What a destroy asks about: the stages it would destroy, and how to run it again with --yes. */
export interface DestroyConfirmation {
  /** The stages to destroy, in the order they would be destroyed. */
  readonly stages: readonly StageManifest[];
  /** Whether `--yes` was given: destroy without asking. */
  readonly yes: boolean;
  /** The command line that destroys them, for the fix of a refusal (without `--yes`). */
  readonly commandLine: string;
}

/**
 * Lists what a destroy removes (each stage, what it runs, where it answers, where its state is)
 * and asks for it on a terminal: a stage behind an approval needs its name typed back, any other
 * a yes. Without a terminal it refuses unless `--yes` was given. Nothing to destroy asks nothing.
 * Throws when the destroy is not confirmed; nothing was destroyed then.
 */
export async function confirmDestroy(
  project: Project,
  out: Progress,
  confirmation: DestroyConfirmation,
): Promise<void> {
  const listed = await Promise.all(
    confirmation.stages.map(async (stage) => ({ stage, ...(await describe(project, stage)) })),
  );
  const deployed = listed.filter((l) => l.deployed);
  out.log(deployed.length > 0 ? 'this destroys:' : 'nothing of these is deployed:');
  for (const { line } of listed) out.log(`  ${line}`);
  if (deployed.length === 0) return;
  if (confirmation.yes) {
    out.log('confirmed with --yes');
    return;
  }
  const prompt = project.prompt;
  if (!prompt) {
    throw new UsageError(
      'destroying needs a confirmation, and there is no terminal to ask on: nothing was destroyed.',
      `Run it on a terminal to be asked, or confirm on the command line: ${confirmation.commandLine} --yes.`,
    );
  }
  const gated = deployed.filter((l) => l.stage.approvalRecord !== undefined);
  for (const { stage } of gated) {
    const typed = await prompt.answer(
      `${stage.name} is behind an approval. Type its name to destroy it: `,
    );
    if (typed !== stage.name) {
      throw new OperationError(
        `'${typed}' is not '${stage.name}': nothing was destroyed.`,
        `Type ${stage.name} to destroy it, or pass --yes.`,
      );
    }
  }
  if (gated.length === 0) {
    const names = deployed.map((l) => l.stage.name).join(', ');
    if (!(await prompt.ask(`Destroy ${names}?`))) {
      throw new OperationError('not confirmed: nothing was destroyed.', 'Answer y to destroy.');
    }
  }
}

/** One line of the list: the stage, what it runs and where; and whether it has anything. */
async function describe(
  project: Project,
  stage: StageManifest,
): Promise<{ line: string; deployed: boolean }> {
  const kind =
    stage.kind === 'image'
      ? 'image stage'
      : stage.approvalRecord !== undefined
        ? 'environment behind an approval'
        : 'environment';
  const state = `state ${project.showState(stage.state)}`;
  let outputs;
  try {
    outputs = await project.outputs(stage.state);
  } catch (error) {
    // Without the passphrase that opens it, nothing can be destroyed: the command stops here.
    if (error instanceof PassphraseError) throw error;
    // Said, and counted as deployed: only the engine can tell what such a state holds.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      line: `${stage.name} (${kind}): its state cannot be read (${reason})`,
      deployed: true,
    };
  }
  if (!outputs?.deployed)
    return { line: `${stage.name} (${kind}): nothing deployed`, deployed: false };
  const release = stage.kind === 'image' ? outputs.verifiedRelease : outputs.runningRelease;
  const what = release
    ? `${stage.kind === 'image' ? 'built' : 'runs'} release ${describeRelease(release)}`
    : 'deployed';
  const urls = [...outputs.urls].map(([service, url]) => `${service} at ${url}`).join(', ');
  return {
    line: `${stage.name} (${kind}): ${what}${urls ? `; ${urls}` : ''}; ${state}`,
    deployed: true,
  };
}

import { DeliveryPipeline } from '../../model/delivery-pipeline';
import { PipelineEvent } from '../../model/stage-trigger';
import { LocalRunner, StageResult } from '../../runner/local-runner';
import { ExitCode } from '../cli-error';
import { Output } from '../output';
import { Project } from '../project';
import { ask, onTerminal } from '../prompt';
import { statusTable } from '../status-view';

import { statusOf } from './status';

/** What `run` was asked for. */
export interface RunOptions {
  /** What started the run: a push, a merge request (opened or closed), or the schedule. */
  readonly event: PipelineEvent;
  /** The merge request of a merge-request event. */
  readonly mergeRequestId?: string;
  /** Approve the release at every approval gate without asking. */
  readonly approve: boolean;
  /** Stages not to run (shown as skipped). */
  readonly skip: readonly string[];
}

/**
 * `run [--approve] [--merge-request ID | --close-merge-request ID | --schedule]`: runs the
 * pipeline model here with the local runner. Exit status: 0 every stage passed, 1 a stage
 * failed, 2 paused at an approval gate.
 */
export async function run(
  project: Project,
  pipeline: DeliveryPipeline,
  options: RunOptions,
): Promise<number> {
  // Where every stage (and this run's review environment) keeps its state, for the summary.
  const stacks = options.mergeRequestId ? [Project.reviewStack(options.mergeRequestId)] : [];
  const delivery = await project.synth(stacks, (synthesized) => synthesized.delivery);
  const states = new Map(delivery.stages.map((s) => [s.name, s.state]));
  // Every deploy of this run names it in the history.
  process.env.PIPELINE_RUN_ID ??= `local run ${new Date().toISOString().slice(0, 19)}Z`;
  const runner = new LocalRunner({
    pipeline,
    cwd: project.root,
    ...options,
    ask: onTerminal() ? (question) => ask(`[pipeline]   ${question}`) : undefined,
    describe: (stack) => {
      const location = states.get(stack);
      const outputs = location ? Project.outputs(location) : undefined;
      return {
        url: outputs?.urls.values().next().value,
        release: outputs?.verifiedRelease,
      };
    },
    // The stages do not change during a run: the delivery read at its start tells the status.
    status: async () =>
      statusTable(
        await statusOf(
          project,
          new Output('pipeline'),
          delivery,
          Project.deployedStacks(delivery),
          {},
          '',
        ),
      ),
  });
  const result = await runner.run();
  return result.result === StageResult.PASSED
    ? ExitCode.OK
    : result.result === StageResult.WAITING
      ? ExitCode.CHANGES
      : ExitCode.ERROR;
}

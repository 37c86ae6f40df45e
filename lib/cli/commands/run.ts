import { createInterface } from 'node:readline/promises';

import { DeliveryPipeline } from '../../model/delivery-pipeline';
import { PipelineEvent } from '../../model/stage-trigger';
import { LocalRunner, StageResult } from '../../runner/local-runner';
import { CliError } from '../cli-error';
import { Output } from '../output';
import { Project } from '../project';
import { statusTable } from '../status-view';

import { statusOf } from './status';

const USAGE =
  'usage: cdktf-pipeline run [--approve] [--skip STAGE,...] [--merge-request ID | --close-merge-request ID | --schedule]';

function parse(args: readonly string[]) {
  let event = PipelineEvent.PUSH;
  let mergeRequestId: string | undefined;
  let approve = false;
  let skip: string[] = [];
  for (let i = 0; i < args.length; i++) {
    switch (args[i]) {
      case '--skip':
        skip = (args[++i] ?? '').split(',').filter(Boolean);
        if (skip.length === 0)
          throw new CliError('--skip needs stage ids, e.g. --skip lint,unit-tests.', USAGE);
        break;
      case '--approve':
        approve = true;
        break;
      case '--merge-request':
      case '--close-merge-request':
        event =
          args[i] === '--merge-request'
            ? PipelineEvent.MERGE_REQUEST
            : PipelineEvent.MERGE_REQUEST_CLOSED;
        mergeRequestId = args[++i];
        break;
      case '--schedule':
        event = PipelineEvent.SCHEDULE;
        break;
      default:
        throw new CliError(`unknown argument '${args[i]}'.`, USAGE);
    }
  }
  return { event, mergeRequestId, approve, skip };
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`[pipeline]   ${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * `run [--approve] [--merge-request ID | --close-merge-request ID | --schedule]`: runs the
 * pipeline model here with the local runner. Exit status: 0 every stage passed, 1 a stage
 * failed, 2 paused at an approval gate.
 */
export async function run(
  project: Project,
  pipeline: DeliveryPipeline,
  args: readonly string[],
): Promise<number> {
  const options = parse(args);
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
    ask: process.stdin.isTTY ? ask : undefined,
    describe: (stack) => {
      const location = states.get(stack);
      const outputs = location ? Project.outputs(location) : undefined;
      return { url: outputs?.urls.values().next().value, digest: outputs?.verifiedImage };
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
  return result.result === StageResult.PASSED ? 0 : result.result === StageResult.WAITING ? 2 : 1;
}

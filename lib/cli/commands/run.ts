import { createInterface } from 'node:readline/promises';

import { DeliveryPipeline } from '../../model/delivery-pipeline';
import { PipelineEvent } from '../../model/stage-trigger';
import { LocalRunner, StageResult } from '../../runner/local-runner';
import { CliError } from '../cli-error';
import { Project } from '../project';

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
  const states = await project.synth(
    stacks,
    ({ delivery }) => new Map(delivery.stages.map((s) => [s.name, s.state])),
  );
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
  });
  const result = await runner.run();
  return result.result === StageResult.PASSED ? 0 : result.result === StageResult.WAITING ? 2 : 1;
}

/**
 * The local runner's command line (npm run pipeline): runs the delivery pipeline model
 * (stacks/delivery-pipeline.ts) on this machine against the local default.
 *   npm run pipeline                              push to the default branch: up to prod
 *   npm run pipeline -- --approve                 approve the staged digest for prod without asking
 *   npm run pipeline -- --merge-request ID        a merge request: checks, image, review-ID
 *   npm run pipeline -- --close-merge-request ID  its review environment is torn down
 *   npm run pipeline -- --schedule                housekeeping: expire idle review environments
 * Exit status: 0 every stage passed, 1 a stage failed, 2 paused at an approval gate.
 */
import { createInterface } from 'node:readline/promises';

import { LocalRunner, PipelineEvent, StageResult } from '../lib';
import { ConfigurationError } from '../lib/private/errors';
import { PROJECT_ROOT } from '../lib/private/paths';
import { readStackOutputs } from '../lib/private/stack-outputs';
import { deliveryPipeline } from '../stacks/delivery-pipeline';

const USAGE =
  'usage: npm run pipeline -- [--approve] [--merge-request ID | --close-merge-request ID | --schedule]';

function parse(args: readonly string[]) {
  let event = PipelineEvent.PUSH;
  let mergeRequestId: string | undefined;
  let approve = false;
  for (let i = 0; i < args.length; i++) {
    switch (args[i]) {
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
        throw new ConfigurationError([`npm run pipeline: unknown argument '${args[i]}'. ${USAGE}`]);
    }
  }
  return { event, mergeRequestId, approve };
}

/** URL and verified image of a deployed stack, from its local state. */
function describe(stack: string): { url?: string; digest?: string } {
  const outputs = readStackOutputs(PROJECT_ROOT, stack);
  return { url: outputs?.urls.values().next().value, digest: outputs?.verifiedImage };
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`[pipeline]   ${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  // argv: node, scripts/synth.js, this file, then the options.
  const options = parse(process.argv.slice(3));
  const runner = new LocalRunner({
    pipeline: deliveryPipeline(),
    cwd: PROJECT_ROOT,
    ...options,
    ask: process.stdin.isTTY ? ask : undefined,
    describe,
  });
  const run = await runner.run();
  return run.result === StageResult.PASSED ? 0 : run.result === StageResult.WAITING ? 2 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  },
);

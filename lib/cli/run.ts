import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { PipelineEvent } from '../model/stage-trigger';
import { ExitCode, Operations, statusHtml, statusTable } from '../operations';
import { STATUS_HTML_FILE } from '../private/defaults';
import { LocalRunner, StageResult } from '../runner/local-runner';

import { ask, onTerminal } from './private/prompt';

/** What `run` was asked for. */
export interface RunOptions {
  /** What started the run: a push, a merge request (opened or closed), or the schedule. */
  readonly event: PipelineEvent;
  /**
   * The merge request of a merge-request event.
   * @default - none: the event is not a merge request's
   */
  readonly mergeRequestId?: string;
  /** Approve the release at every approval gate without asking. */
  readonly approve: boolean;
  /** Stages not to run (shown as skipped). */
  readonly skip: readonly string[];
  /**
   * The app command, instead of cdktf.json's.
   * @default - cdktf.json's `app`
   */
  readonly app?: string;
  /**
   * Aborts on Ctrl-C: the step that runs stops as the engine records what it did, and nothing
   * starts after it.
   * @default - none
   */
  readonly signal?: AbortSignal;
}

/**
 * `run [--approve] [--merge-request ID | --close-merge-request ID | --schedule]`: runs the
 * pipeline model here with the local runner, printing its progress, then the status of every
 * environment, and writes the HTML report (`.pipeline/status.html`), naming it. Exit status: 0 every stage passed, 1 a stage failed, 2 paused at an approval gate.
 */
export async function run(
  operations: Operations,
  pipeline: DeliveryPipeline,
  options: RunOptions,
): Promise<number> {
  // Every deploy of this run names it in the history.
  process.env.PIPELINE_RUN_ID ??= `local run ${new Date().toISOString().slice(0, 19)}Z`;
  const runner = new LocalRunner({
    pipeline,
    cwd: operations.root,
    ...options,
    out: process.stdout,
    ask: onTerminal() ? (question) => ask(`[pipeline]   ${question}`) : undefined,
    status: async () => {
      const view = await operations.status({ history: true });
      const report = join(operations.root, STATUS_HTML_FILE);
      mkdirSync(dirname(report), { recursive: true });
      writeFileSync(report, statusHtml(view));
      return [...statusTable(view), '', `report: ${report} (open it in a browser)`];
    },
  });
  const result = await runner.run();
  if (options.signal?.aborted) return ExitCode.INTERRUPTED;
  return result.result === StageResult.PASSED
    ? ExitCode.OK
    : result.result === StageResult.WAITING
      ? ExitCode.CHANGES
      : ExitCode.ERROR;
}

import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { PipelineStage } from '../model/pipeline-stage';
import { ApproveStepOptions, PipelineStep, StepKind } from '../model/pipeline-step';
import {
  approvalCheckCommand,
  bindMergeRequestId,
  releaseSource,
  stepCommands,
} from '../model/private/pipeline-render';
import { PipelineEvent } from '../model/stage-trigger';
import { PIPELINE_DEFAULTS, WORK_DIRECTORY } from '../private/defaults';
import { seconds } from '../private/duration';
import { ConfigurationError } from '../private/errors';
import { runStreamed } from '../private/process';
import { describeRelease } from '../private/release';
import { assertShape, shape } from '../private/shape';

import type { Outcome, StepOperations } from './private/step-operations';
import { Tail } from './private/tail';

/** What a deployed stack shows: its URL and the release it verified. */
export interface DeployedStack {
  /** Where it answers. */
  readonly url?: string;
  /** The release it verified: each image's digest reference, by image name. */
  readonly release?: { readonly [image: string]: string };
}

/** Props of a {@link LocalRunner}. */
export interface LocalRunnerProps {
  /** The pipeline to run. */
  readonly pipeline: DeliveryPipeline;
  /** The project root: commands run here. */
  readonly cwd: string;
  /**
   * The event to run the pipeline for.
   * @default PipelineEvent.PUSH
   */
  readonly event?: PipelineEvent;
  /**
   * The merge request id that review stages deploy; required for merge request events.
   * @default - none
   */
  readonly mergeRequestId?: string;
  /**
   * Approve the release at every approval gate without asking.
   * @default false
   */
  readonly approve?: boolean;
  /**
   * Asks a person whether to approve; resolves true to approve.
   * @default - nobody to ask: the run pauses at a gate whose release is not approved yet
   */
  readonly ask?: (question: string) => Promise<boolean>;
  /**
   * The app command that the steps of this package's kinds (deploy, check, approve, ...)
   * synthesize; they run in this process, as operations (`cdktf-deployment-pipeline/operations`).
   * @default - cdktf.json's `app`
   */
  readonly app?: string;
  /**
   * Where progress goes.
   * @default - nowhere: the run's result has every stage's outcome
   */
  readonly out?: NodeJS.WritableStream;
  /**
   * Folder for each stage's full output.
   * @default '<cwd>/.pipeline/logs/pipeline'
   */
  readonly logDir?: string;
  /**
   * Ids of stages not to run (e.g. checks that already ran elsewhere); they show as skipped, and
   * the stages after them run.
   * @default - every stage of the event runs
   */
  readonly skip?: readonly string[];
  /**
   * Lines to print after the summary, e.g. the status table of every environment; a failure to
   * produce them is reported and does not change the run's result.
   * @default - nothing after the summary
   */
  readonly status?: () => Promise<readonly string[]>;
  /**
   * Seconds between "still running" lines while a step runs.
   * @default 30
   */
  readonly heartbeatSeconds?: number;
  /**
   * Stops the run when it aborts (the CLI aborts it on Ctrl-C): the step that runs ends as the
   * engine stops and records what it did, and no stage starts after it.
   * @default - the run is not stopped from outside
   */
  readonly signal?: AbortSignal;
}

/** How a stage ended. */
export enum StageResult {
  /** Every step of the stage passed. */
  PASSED = 'passed',
  /** A step of the stage failed. */
  FAILED = 'failed',
  /** Stopped at an approval gate that nobody approved. */
  WAITING = 'waiting for approval',
  /** Not reached: an earlier stage failed or waits. */
  NOT_RUN = 'not run',
  /** Left out on purpose (`skip`). */
  SKIPPED = 'skipped',
}

/** One row of the summary. */
export interface StageReport {
  /** The stage's id. */
  readonly stage: string;
  /** How it ended. */
  readonly result: StageResult;
  /** How long it took. */
  readonly seconds: number;
  /** The release the stage verified. */
  readonly release?: { readonly [image: string]: string };
  /** The URL of the environment it deployed. */
  readonly url?: string;
  /** A short note, e.g. 'already approved'. */
  readonly note?: string;
}

/** The outcome of a run. */
export interface PipelineRun {
  /** PASSED when every stage passed. */
  readonly result: StageResult;
  /** Every stage of the run, in order, run or not. */
  readonly stages: readonly StageReport[];
}

/**
 * Runs a {@link DeliveryPipeline} on this machine: the stages one event runs, in wave order and
 * one at a time (they share one engine and one working copy). Steps of this package's kinds run
 * as operations (`cdktf-deployment-pipeline/operations`) in this process, `run` steps with `sh`. It writes a line per step with its
 * duration, stopping at the first failure with the stage's output, pausing at an approval gate
 * whose release is not approved, and ending with a summary table.
 */
export class LocalRunner {
  private readonly props: LocalRunnerProps;
  private readonly out?: NodeJS.WritableStream;
  private readonly event: PipelineEvent;
  private readonly logDir: string;
  /** What the run's steps published for later steps (`NAME=value` lines), e.g. its release. */
  private readonly outputFile: string;
  private readonly published: { [name: string]: string } = {};
  /** Runs the steps of this package's kinds; loaded by run(), so that an app loads none of it. */
  private steps!: StepOperations;

  constructor(props: LocalRunnerProps) {
    assertShape(
      'local runner',
      props,
      shape.object({
        pipeline: shape.instance(
          (value) => value instanceof DeliveryPipeline,
          'new DeliveryPipeline(...)',
        ),
        cwd: shape.string,
        event: shape.optional(
          shape.instance(
            (value) => Object.values(PipelineEvent).includes(value as PipelineEvent),
            `a PipelineEvent (${Object.values(PipelineEvent).join(', ')})`,
          ),
        ),
        mergeRequestId: shape.optional(shape.string),
        approve: shape.optional(shape.boolean),
        ask: shape.optional(shape.function),
        app: shape.optional(shape.string),
        out: shape.optional(shape.any),
        logDir: shape.optional(shape.string),
        skip: shape.optional(shape.list(shape.string)),
        heartbeatSeconds: shape.optional(shape.number),
      }),
      'Fix it in the props of the LocalRunner.',
    );
    this.props = props;
    this.out = props.out;
    this.event = props.event ?? PipelineEvent.PUSH;
    this.logDir = props.logDir ?? join(props.cwd, WORK_DIRECTORY, 'logs', 'pipeline');
    this.outputFile = join(this.logDir, 'run-output.env');
    const reviews =
      this.event === PipelineEvent.MERGE_REQUEST ||
      this.event === PipelineEvent.MERGE_REQUEST_CLOSED;
    const unknown = (props.skip ?? []).filter((id) => !props.pipeline.stage(id));
    if (unknown.length > 0) {
      throw new ConfigurationError(
        unknown.map(
          (id) =>
            `local runner: 'skip' must name stages of pipeline '${props.pipeline.name}', got '${id}'. Use one of: ${props.pipeline.stages.map((s) => s.id).join(', ')}.`,
        ),
      );
    }
    if (reviews && !/^[a-z0-9][a-z0-9-]*$/.test(props.mergeRequestId ?? '')) {
      throw new ConfigurationError([
        `local runner: 'mergeRequestId' must be lowercase letters, digits and '-' for a ${this.event} run, got ${props.mergeRequestId === undefined ? 'nothing' : `'${props.mergeRequestId}'`}. Pass the merge request's id, e.g. --merge-request 42.`,
      ]);
    }
  }

  /** Runs the pipeline; resolves with the summary's rows (also printed). */
  public async run(): Promise<PipelineRun> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('./private/step-operations') as {
      StepOperations: typeof StepOperations;
    };
    this.steps = new loaded.StepOperations(
      this.props.cwd,
      this.props.app,
      this.props.mergeRequestId,
      this.props.signal,
    );
    const stages = this.props.pipeline.waves(this.event).flat();
    mkdirSync(this.logDir, { recursive: true });
    writeFileSync(this.outputFile, '');
    this.print(
      `${this.event} pipeline '${this.props.pipeline.name}': ${stages.map((s) => s.id).join(' → ')}`,
    );
    const reports: StageReport[] = [];
    let result = await this.setUp();
    for (const [i, stage] of stages.entries()) {
      if (result === StageResult.PASSED && this.props.signal?.aborted) {
        this.print(`⏹ interrupted: ${stage.id} and the stages after it do not start`);
        result = StageResult.FAILED;
      }
      if (result !== StageResult.PASSED) {
        reports.push({ stage: stage.id, result: StageResult.NOT_RUN, seconds: 0 });
        continue;
      }
      if (this.props.skip?.includes(stage.id)) {
        this.print(`⏭ ${stage.id} skipped`);
        reports.push({ stage: stage.id, result: StageResult.SKIPPED, seconds: 0 });
        continue;
      }
      this.print(`▶ ${stage.id} (${i + 1}/${stages.length}): ${stage.title}`);
      const report = await this.runStage(stage);
      reports.push(report);
      result = report.result;
      const mark =
        report.result === StageResult.PASSED
          ? '✔'
          : report.result === StageResult.FAILED
            ? '✘'
            : '⏸';
      this.print(
        `${mark} ${stage.id} ${report.result}${report.note ? ` (${report.note})` : ''} in ${seconds(report.seconds)}`,
      );
    }
    this.printSummary(reports, result);
    if (this.props.status) {
      this.print('');
      try {
        for (const line of await this.props.status()) this.print(line);
      } catch (error) {
        this.print(`no status: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { result, stages: reports };
  }

  /** The pipeline's setup commands, once, before the first stage. */
  private async setUp(): Promise<StageResult> {
    const log = createWriteStream(join(this.logDir, 'setup.log'));
    try {
      const failed = await this.runCommands(this.props.pipeline.setupCommands, log);
      if (!failed) return StageResult.PASSED;
      this.print(`✘ setup failed (exit ${failed.code}); its output:`);
      for (const line of failed.tail) this.print(`  │ ${line}`);
      return StageResult.FAILED;
    } finally {
      await new Promise((resolve) => log.end(resolve));
    }
  }

  private async runStage(stage: PipelineStage): Promise<StageReport> {
    const started = Date.now();
    const log = join(this.logDir, `${stage.id}.log`);
    const logStream = createWriteStream(log);
    let note: string | undefined;
    try {
      for (const step of stage.steps) {
        const gate = step.approval
          ? await this.approvalGate(stage, step, step.approval, logStream)
          : undefined;
        if (gate === 'approved') {
          note = 'already approved';
          continue;
        }
        if (gate === 'failed') {
          return {
            stage: stage.id,
            result: StageResult.FAILED,
            seconds: elapsed(started),
            note: step.description,
          };
        }
        if (gate === 'waiting') {
          return {
            stage: stage.id,
            result: StageResult.WAITING,
            seconds: elapsed(started),
            note: `approve with --approve, or: ${this.props.pipeline.cli} ${step.cliArgs.join(' ')}`,
          };
        }
        const failed =
          step.kind === StepKind.RUN
            ? await this.runCommands(step.commands, logStream)
            : await this.runOperation(stage, step, logStream);
        if (failed) {
          this.print(`  ✘ ${step.description} failed (exit ${failed.code}); its output:`);
          for (const line of failed.tail) this.print(`  │ ${line}`);
          this.print(`  full output: ${log}`);
          return {
            stage: stage.id,
            result: StageResult.FAILED,
            seconds: elapsed(started),
            note: step.description,
          };
        }
        if (gate === 'approve') note = 'approved in this run';
      }
    } finally {
      await new Promise((resolve) => logStream.end(resolve));
    }
    const deployed = stage.deployedStack ?? stage.steps.find((s) => s.stack)?.stack;
    const described = deployed
      ? this.steps.known(bindMergeRequestId(deployed, this.props.mergeRequestId ?? ''))
      : undefined;
    return {
      stage: stage.id,
      result: StageResult.PASSED,
      seconds: elapsed(started),
      note,
      release: described?.release,
      url: stage.deployedStack ? described?.url : undefined,
    };
  }

  /** 'approved' when the release already is; 'approve' to record it now; 'waiting' to pause. */
  private async approvalGate(
    stage: PipelineStage,
    step: PipelineStep,
    approval: ApproveStepOptions,
    log: NodeJS.WritableStream,
  ): Promise<'approved' | 'approve' | 'waiting' | 'failed'> {
    log.write(`$ ${approvalCheckCommand(step, this.props.pipeline.cli, stage)}\n`);
    const check = await this.steps.approval(approval, this.runRelease(stage, step), log);
    if (check.code === 0) {
      this.print(`  ${lastLine(check.tail)}`);
      return 'approved';
    }
    if (!check.notApproved) {
      this.print(`  ✘ checking the approval failed (exit ${check.code}); its output:`);
      for (const line of check.tail) this.print(`  │ ${line}`);
      return 'failed';
    }
    const question = `${lastLine(check.tail).replace(/^\[\w+\] /, '')}. Approve it for ${approval.environment}?`;
    if (this.props.approve) {
      this.print(`  ${question} yes (--approve)`);
      return 'approve';
    }
    if (this.props.ask && (await this.props.ask(question))) return 'approve';
    this.print(
      `  ⏸ ${question} Not approved: the pipeline stops here; nothing was deployed to ${approval.environment}.`,
    );
    this.print(
      `    Approve and go on: run the pipeline again with --approve (or ${this.props.pipeline.cli} ${step.cliArgs.join(' ')}, then run it again)`,
    );
    return 'waiting';
  }

  private async runCommands(
    commands: readonly string[],
    log: NodeJS.WritableStream,
  ): Promise<Outcome | undefined> {
    for (const command of commands) {
      const started = Date.now();
      this.print(`  $ ${command}`);
      const result = await this.exec(command, log);
      if (result.code !== 0) return result;
      this.print(`    ${lastLine(result.tail) || 'done'} (${seconds(elapsed(started))})`);
    }
    return undefined;
  }

  /**
   * Runs a step of this package's kinds as an operation in this process, shown as the command
   * line that does the same; its progress goes to the log, the last lines are kept.
   */
  private async runOperation(
    stage: PipelineStage,
    step: PipelineStep,
    log: NodeJS.WritableStream,
  ): Promise<Outcome | undefined> {
    const started = Date.now();
    const [command] = stepCommands(step, this.props.pipeline.cli, stage);
    this.print(`  $ ${command}`);
    log.write(`$ ${command}\n`);
    const result = await this.heartbeat(started, () =>
      this.steps.run(step, this.runRelease(stage, step), log),
    );
    if (result.code !== 0) return result;
    this.print(`    ${lastLine(result.tail) || 'done'} (${seconds(elapsed(started))})`);
    if (result.runRelease) {
      this.published[PIPELINE_DEFAULTS.releaseVariable] = result.runRelease;
    }
    return undefined;
  }

  /**
   * The pipeline run's release that a promoting step of `stage` brings (deploys and approvals
   * after the stage that builds it); undefined for every other step.
   */
  private runRelease(stage: PipelineStage, step: PipelineStep): string | undefined {
    const promotes =
      (step.kind === StepKind.DEPLOY && !step.publishesRelease) || step.kind === StepKind.APPROVE;
    return promotes && releaseSource(stage)
      ? (this.published[PIPELINE_DEFAULTS.releaseVariable] ?? '')
      : undefined;
  }

  /** Awaits `work`, with a "still running" line every `heartbeatSeconds`. */
  private async heartbeat<T>(started: number, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(
      () => this.print(`    … still running (${seconds(elapsed(started))})`),
      (this.props.heartbeatSeconds ?? 30) * 1000,
    );
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs one command with sh; its output goes to the log, the last lines are kept. */
  private async exec(command: string, log: NodeJS.WritableStream): Promise<Outcome> {
    log.write(`$ ${command}\n`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.published,
      [PIPELINE_DEFAULTS.outputVariable]: this.outputFile,
    };
    if (this.props.mergeRequestId !== undefined)
      env[PIPELINE_DEFAULTS.reviewIdVariable] = this.props.mergeRequestId;
    const tail = new Tail();
    const started = Date.now();
    const { code } = await runStreamed('sh', ['-c', command], {
      cwd: this.props.cwd,
      env,
      output: (chunk) => {
        log.write(chunk);
        tail.add(chunk.toString());
      },
      heartbeat: () => this.print(`    … still running (${seconds(elapsed(started))})`),
      heartbeatSeconds: this.props.heartbeatSeconds,
    });
    this.readPublished();
    return { code, tail: tail.lines() };
  }

  /** Takes what the step published (`NAME=value` lines) into the environment of later steps. */
  private readPublished(): void {
    if (!existsSync(this.outputFile)) return;
    for (const line of readFileSync(this.outputFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) this.published[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }

  private printSummary(reports: readonly StageReport[], result: StageResult): void {
    const rows = [
      ['stage', 'result', 'duration', 'release', 'url'],
      ...reports.map((r) => [
        r.stage,
        r.result,
        r.result === StageResult.NOT_RUN || r.result === StageResult.SKIPPED
          ? '-'
          : seconds(r.seconds),
        r.release ? describeRelease(r.release) : '-',
        r.url ?? '-',
      ]),
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd();
    this.print('');
    this.print(line(rows[0]));
    this.print(line(widths.map((w) => '-'.repeat(w))));
    for (const row of rows.slice(1)) this.print(line(row));
    const total = reports.reduce((sum, r) => sum + r.seconds, 0);
    const release = [...reports].reverse().find((r) => r.release)?.release;
    this.print('');
    this.print(
      `pipeline ${result} in ${seconds(total)}${release ? `; release ${describeRelease(release)}` : ''}`,
    );
    for (const name of Object.keys(release ?? {}).sort()) {
      this.print(`  ${name}: ${release?.[name]}`);
    }
  }

  private print(line: string): void {
    this.out?.write(`[pipeline] ${line}\n`);
  }
}

function elapsed(since: number): number {
  return (Date.now() - since) / 1000;
}

function lastLine(lines: readonly string[]): string {
  return lines[lines.length - 1] ?? '';
}

/** `registry/repo@sha256:0123…` → `sha256:0123456789ab`. */

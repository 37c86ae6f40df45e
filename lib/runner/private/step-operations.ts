import { ApproveStepOptions, PipelineStep, StepKind } from '../../model/pipeline-step';
import { bindMergeRequestId } from '../../model/private/pipeline-render';
import { ExitCode, OperationError, Operations, ReportedError } from '../../operations';
import { ConfigurationError } from '../../private/errors';

import { Tail } from './tail';

/** How a step ended: its exit status (as the CLI's), and the last lines of its output. */
export interface Outcome {
  readonly code: number;
  readonly tail: readonly string[];
  /** For an approval check: the release is not approved yet (not a failure). */
  readonly notApproved?: boolean;
  /** For the step that builds the images: the pipeline run's release, by id. */
  readonly runRelease?: string;
}

/** What a stage worked with, for the run's summary. */
export interface KnownStack {
  readonly url?: string;
  readonly release?: { readonly [image: string]: string };
}

/** What one step's operation reports, besides its output. */
type Reported = Omit<Outcome, 'tail'>;

/**
 * Runs the steps of this package's kinds as {@link Operations} in this process, each with its
 * progress written to the stage's log as the CLI prints it (`[deploy] ...`), and remembers what
 * each deployed stack answers on and which release it verified.
 */
export class StepOperations {
  private readonly stacks = new Map<string, KnownStack>();

  constructor(
    /** The project root. */
    private readonly root: string,
    /** The app command, instead of cdktf.json's. */
    private readonly app: string | undefined,
    /** The merge request that review stages deploy. */
    private readonly mergeRequestId: string | undefined,
    /** Stops the operations that run (Ctrl-C). */
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** What this run knows of a stack: its URL and release, from its deploy or an approval. */
  public known(stack: string): KnownStack | undefined {
    return this.stacks.get(stack);
  }

  /** Runs `step`; `runRelease` is the pipeline run's release that a promoting step brings. */
  public run(
    step: PipelineStep,
    runRelease: string | undefined,
    log: NodeJS.WritableStream,
  ): Promise<Outcome> {
    return this.capture(step.cliArgs[0] ?? step.kind, log, (operations) =>
      this.perform(operations, step, runRelease),
    );
  }

  /** Whether an approval step's release is approved already (code 0), or not yet. */
  public approval(
    approval: ApproveStepOptions,
    runRelease: string | undefined,
    log: NodeJS.WritableStream,
  ): Promise<Outcome> {
    return this.capture('approve', log, async (operations) => {
      const result = await operations.approve({
        environment: approval.environment,
        from: approval.digestFrom,
        runRelease,
        check: true,
      });
      this.remember(approval.digestFrom, { release: result.release });
      return result.approved
        ? { code: ExitCode.OK }
        : { code: ExitCode.NOT_APPROVED, notApproved: true };
    });
  }

  private async perform(
    operations: Operations,
    step: PipelineStep,
    runRelease: string | undefined,
  ): Promise<Reported> {
    const stack = bindMergeRequestId(step.stack ?? '', this.mergeRequestId ?? '');
    const { settings } = step;
    switch (step.kind) {
      case StepKind.DEPLOY: {
        const result = await operations.deploy({ stacks: [stack], release: runRelease });
        for (const s of result.stacks) this.remember(s.stack, { url: s.url, release: s.release });
        const built = step.publishesRelease ? result.stacks[0]?.releaseId : undefined;
        return { code: ExitCode.OK, ...(built ? { runRelease: built } : {}) };
      }
      case StepKind.DESTROY:
        await operations.destroy({ stacks: [stack], yes: true });
        this.stacks.delete(stack);
        return { code: ExitCode.OK };
      case StepKind.CHECK: {
        // The load check's settings go with its requests; check() has their defaults.
        const load = settings.check?.loadRequests;
        await operations.check({
          stack,
          ...(load === undefined
            ? {}
            : {
                load,
                concurrency: settings.check?.loadConcurrency,
                p95Ms: settings.check?.p95Milliseconds,
              }),
        });
        return { code: ExitCode.OK };
      }
      case StepKind.ANSIBLE:
        await operations.ansible({ stack, playbook: settings.playbook ?? '' });
        return { code: ExitCode.OK };
      case StepKind.APPROVE: {
        const approval = step.approval as ApproveStepOptions;
        const result = await operations.approve({
          environment: approval.environment,
          from: approval.digestFrom,
          runRelease,
        });
        this.remember(approval.digestFrom, { release: result.release });
        return { code: ExitCode.OK };
      }
      case StepKind.EXPIRE_REVIEWS:
        await operations.expireReviews({ timeToLive: settings.timeToLive ?? '', yes: true });
        return { code: ExitCode.OK };
      case StepKind.DRIFT:
        return { code: (await operations.drift()).drifted ? ExitCode.CHANGES : ExitCode.OK };
      default:
        throw new Error(`a ${step.kind} step is not an operation`);
    }
  }

  /**
   * Runs `work` with operations whose progress goes to `log` (and the kept tail) as the CLI
   * prints it; a failure becomes the exit status and the error and fix lines the CLI prints.
   */
  private async capture(
    name: string,
    log: NodeJS.WritableStream,
    work: (operations: Operations) => Promise<Reported>,
  ): Promise<Outcome> {
    const tail = new Tail();
    const write = (line: string) => {
      log.write(`${line}\n`);
      tail.add(`${line}\n`);
    };
    const operations = new Operations({
      root: this.root,
      app: this.app,
      signal: this.signal,
      onProgress: (e) => write(e.level === 'detail' ? e.message : `[${e.operation}] ${e.message}`),
    });
    try {
      return { ...(await work(operations)), tail: tail.lines() };
    } catch (error) {
      if (error instanceof OperationError) {
        write(`[${name}] error: ${error.message}`);
        write(`[${name}] fix: ${error.fix}`);
        return { code: error.exitCode, tail: tail.lines() };
      }
      if (error instanceof ConfigurationError || error instanceof ReportedError) {
        write(error.message);
        return { code: ExitCode.ERROR, tail: tail.lines() };
      }
      write(
        `[${name}] crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return { code: ExitCode.ERROR, tail: tail.lines() };
    }
  }

  private remember(stack: string, known: KnownStack): void {
    this.stacks.set(stack, { ...this.stacks.get(stack), ...known });
  }
}

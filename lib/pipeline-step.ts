import { PIPELINE_DEFAULTS } from './private/defaults';
import { shellQuote } from './private/shell';

/** What a step does; renderers and the local runner treat some kinds specially. */
export enum StepKind {
  /** Plain shell commands. */
  RUN = 'run',
  /** Deploys one stack; its outputs give the stage's URL and digest. */
  DEPLOY = 'deploy',
  /** Destroys one stack. */
  DESTROY = 'destroy',
  /** Smoke tests (and optionally a short load check) against a deployed stack. */
  CHECK = 'check',
  /** An Ansible playbook, re-run only when the playbook or its inputs change. */
  ANSIBLE = 'ansible',
  /** Approves the exact digest an upstream stage verified, for one environment. */
  APPROVE = 'approve',
}

/** Options of {@link PipelineStep.check}. */
export interface CheckStepOptions {
  /**
   * After the smoke tests, send this many requests to the service's health path and fail when
   * any fails or the 95th percentile exceeds `p95Milliseconds`.
   * @default - no load check
   */
  readonly loadRequests?: number;
  /**
   * Requests in flight at once during the load check.
   * @default 10
   */
  readonly loadConcurrency?: number;
  /**
   * Latency budget of the load check's 95th percentile, in milliseconds.
   * @default 1000
   */
  readonly p95Milliseconds?: number;
}

/** Options of {@link PipelineStep.ansiblePlaybook}. */
export interface AnsiblePlaybookStepOptions {
  /** The playbook, relative to the project root, e.g. 'ansible/register-endpoints.yml'. */
  readonly playbook: string;
  /**
   * The stack whose outputs (URLs, verified image) and environment data are the playbook's inputs.
   */
  readonly stack: string;
}

/** Options of {@link PipelineStep.approve}. */
export interface ApproveStepOptions {
  /** The environment whose approval record receives the digest, e.g. 'prod'. */
  readonly environment: string;
  /** The stage whose verified digest is approved, e.g. 'staging'. */
  readonly digestFrom: string;
}

/**
 * One step of a stage: shell commands run from the project root, the same in every CI system and
 * in the local runner. Build steps with the static factories.
 */
export class PipelineStep {
  /** Shell commands, run one after the other; the step fails at the first that fails. */
  public static run(description: string, commands: readonly string[]): PipelineStep {
    return new PipelineStep(StepKind.RUN, description, commands);
  }

  /** `cdktf deploy STACK` with the project's settings; the stage's URL and digest come from it. */
  public static deploy(stack: string): PipelineStep {
    return new PipelineStep(
      StepKind.DEPLOY,
      `deploy ${stack}`,
      [cmd(PIPELINE_DEFAULTS.deployCommand, stack)],
      stack,
    );
  }

  /** `cdktf destroy STACK`. */
  public static destroy(stack: string): PipelineStep {
    return new PipelineStep(
      StepKind.DESTROY,
      `destroy ${stack}`,
      [cmd(PIPELINE_DEFAULTS.destroyCommand, stack)],
      stack,
    );
  }

  /** The stack's smoke tests over HTTP against what is deployed, then an optional load check. */
  public static check(stack: string, options: CheckStepOptions = {}): PipelineStep {
    const args = [stack];
    if (options.loadRequests !== undefined) {
      args.push(
        '--load',
        String(options.loadRequests),
        '--concurrency',
        String(options.loadConcurrency ?? PIPELINE_DEFAULTS.loadConcurrency),
        '--p95-ms',
        String(options.p95Milliseconds ?? PIPELINE_DEFAULTS.loadP95Milliseconds),
      );
    }
    const what = options.loadRequests === undefined ? 'smoke tests' : 'smoke tests and load check';
    return new PipelineStep(
      StepKind.CHECK,
      `${what} of ${stack}`,
      [cmd(PIPELINE_DEFAULTS.checkCommand, ...args)],
      stack,
    );
  }

  /** An Ansible playbook against the stack's environment, skipped when nothing it reads changed. */
  public static ansiblePlaybook(options: AnsiblePlaybookStepOptions): PipelineStep {
    return new PipelineStep(
      StepKind.ANSIBLE,
      `ansible-playbook ${options.playbook} for ${options.stack}`,
      [cmd(PIPELINE_DEFAULTS.ansibleCommand, options.stack, options.playbook)],
      options.stack,
    );
  }

  /** Records the digest that `digestFrom` verified as approved for `environment`. */
  public static approve(options: ApproveStepOptions): PipelineStep {
    return new PipelineStep(
      StepKind.APPROVE,
      `approve ${options.digestFrom}'s verified digest for ${options.environment}`,
      [cmd(PIPELINE_DEFAULTS.approveCommand, options.environment, '--from', options.digestFrom)],
      options.digestFrom,
      options,
    );
  }

  private constructor(
    /** What the step does. */
    public readonly kind: StepKind,
    /** One line for progress output. */
    public readonly description: string,
    /** The shell commands, run from the project root. */
    public readonly commands: readonly string[],
    /** The stack the step works on, if any. */
    public readonly stack?: string,
    /** For approval steps: which digest, for which environment. */
    public readonly approval?: ApproveStepOptions,
  ) {}

  /**
   * The command that tells whether the approval is already given (exit 0) or not (exit 3);
   * only approval steps have one.
   */
  public get approvalCheckCommand(): string | undefined {
    if (!this.approval) return undefined;
    return `${this.commands[0]} --check`;
  }
}

/** A command line; words with a `$VARIABLE` stay expandable, everything else is quoted. */
function cmd(command: string, ...args: string[]): string {
  return [command, ...args.map((a) => (a.includes('$') ? `"${a}"` : shellQuote(a)))].join(' ');
}

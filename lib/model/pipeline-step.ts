import { PIPELINE_DEFAULTS } from '../private/defaults';
import { assertShape, Shape, shape } from '../private/shape';

/**
 * What a step does; every kind but RUN is a command of this package's CLI.
 * @internal
 */
export enum StepKind {
  /** Plain shell commands. */
  RUN = 'run',
  /** Deploys one stack; its outputs give the stage's URL and release. */
  DEPLOY = 'deploy',
  /** Destroys one stack. */
  DESTROY = 'destroy',
  /** Smoke tests (and optionally a short load check) against a deployed stack. */
  CHECK = 'check',
  /** An Ansible playbook, re-run only when the playbook or its inputs change. */
  ANSIBLE = 'ansible',
  /** Approves the exact release an upstream stage verified, for one environment. */
  APPROVE = 'approve',
  /** Destroys the review environments that outlived their time to live. */
  EXPIRE_REVIEWS = 'expire-reviews',
  /** Compares what runs with the last deploy of every deployed environment; fails on drift. */
  DRIFT = 'drift',
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
   * The stack whose outputs (URLs, verified release) and environment data are the playbook's inputs.
   */
  readonly stack: string;
}

/** Options of {@link PipelineStep.approve}. */
export interface ApproveStepOptions {
  /** The environment whose approval record receives the release, e.g. 'prod'. */
  readonly environment: string;
  /** The stage whose verified release (every image's digest) is approved, e.g. 'staging'. */
  readonly digestFrom: string;
}

/**
 * One step of a stage. A `run` step is shell commands, run from the project root; every other
 * kind is semantic (what to do to which stack), and the renderers and the local runner turn it
 * into a command of this package's CLI (`cdktf-pipeline deploy dev`). Build steps with the
 * static factories.
 */
export class PipelineStep {
  /** Shell commands, run one after the other; the step fails at the first that fails. */
  public static run(description: string, commands: readonly string[]): PipelineStep {
    checkArguments(
      'run',
      { description: shape.string, commands: shape.list(shape.string) },
      { description, commands },
    );
    return new PipelineStep(StepKind.RUN, description, commands, []);
  }

  /** Deploys one stack with the cdktf CLI; the stage's URL and release come from it. */
  public static deploy(stack: string): PipelineStep {
    checkArguments('deploy', { stack: shape.string }, { stack });
    return new PipelineStep(StepKind.DEPLOY, `deploy ${stack}`, [], ['deploy', stack], stack);
  }

  /**
   * Deploys the image stage's stack: builds each image, smoke-tests it inside, pushes it. The
   * release it publishes is this pipeline run's: every later deploy and approval of the run
   * promotes that release only, and refuses when its upstream has moved on to another run's.
   */
  public static buildImage(stack: string): PipelineStep {
    checkArguments('buildImage', { stack: shape.string }, { stack });
    return new PipelineStep(
      StepKind.DEPLOY,
      `build, test and push the images (${stack})`,
      [],
      ['deploy', stack],
      stack,
      undefined,
      true,
    );
  }

  /** Destroys one stack, without asking: a pipeline job has nobody to ask (`--yes`). */
  public static destroy(stack: string): PipelineStep {
    checkArguments('destroy', { stack: shape.string }, { stack });
    return new PipelineStep(
      StepKind.DESTROY,
      `destroy ${stack}`,
      [],
      ['destroy', stack, '--yes'],
      stack,
    );
  }

  /** The stack's smoke tests over HTTP against what is deployed, then an optional load check. */
  public static check(stack: string, options: CheckStepOptions = {}): PipelineStep {
    checkArguments(
      'check',
      {
        stack: shape.string,
        options: shape.object({
          loadRequests: shape.optional(shape.number),
          loadConcurrency: shape.optional(shape.number),
          p95Milliseconds: shape.optional(shape.number),
        }),
      },
      { stack, options },
    );
    const args = ['check', stack];
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
      [],
      args,
      stack,
      undefined,
      false,
      {
        check: options,
      },
    );
  }

  /** An Ansible playbook against the stack's environment, skipped when nothing it reads changed. */
  public static ansiblePlaybook(options: AnsiblePlaybookStepOptions): PipelineStep {
    checkArguments(
      'ansiblePlaybook',
      { options: shape.object({ playbook: shape.string, stack: shape.string }) },
      { options },
    );
    return new PipelineStep(
      StepKind.ANSIBLE,
      `ansible-playbook ${options.playbook} for ${options.stack}`,
      [],
      ['ansible', options.stack, options.playbook],
      options.stack,
      undefined,
      false,
      { playbook: options.playbook },
    );
  }

  /** Records the release that `digestFrom` verified as approved for `environment`. */
  public static approve(options: ApproveStepOptions): PipelineStep {
    checkArguments(
      'approve',
      { options: shape.object({ environment: shape.string, digestFrom: shape.string }) },
      { options },
    );
    return new PipelineStep(
      StepKind.APPROVE,
      `approve ${options.digestFrom}'s verified release for ${options.environment}`,
      [],
      ['approve', options.environment, '--from', options.digestFrom],
      options.digestFrom,
      options,
    );
  }

  /**
   * Expires the review environments that no deploy touched for `timeToLive` (e.g. '3 days'),
   * without asking: a scheduled job has nobody to ask (`--yes`).
   */
  public static expireReviews(timeToLive: string): PipelineStep {
    checkArguments('expireReviews', { timeToLive: shape.string }, { timeToLive });
    return new PipelineStep(
      StepKind.EXPIRE_REVIEWS,
      `destroy review environments idle for ${timeToLive}`,
      [],
      ['expire-reviews', timeToLive, '--yes'],
      undefined,
      undefined,
      false,
      { timeToLive },
    );
  }

  /**
   * Compares what runs in every deployed environment with what its last deploy recorded, and
   * fails (exit 2) when something changed outside a deploy, naming each resource and attribute.
   */
  public static detectDrift(): PipelineStep {
    return new PipelineStep(
      StepKind.DRIFT,
      'compare every deployed environment with its last deploy',
      [],
      ['drift'],
    );
  }

  private constructor(
    /**
     * What the step does.
     * @internal
     */
    public readonly kind: StepKind,
    /** One line for progress output. */
    public readonly description: string,
    /** A `run` step's shell commands, run from the project root. */
    public readonly commands: readonly string[],
    /** For every other kind: the arguments of this package's CLI. */
    public readonly cliArgs: readonly string[],
    /** The stack the step works on, if any. */
    public readonly stack?: string,
    /** For approval steps: which release, for which environment. */
    public readonly approval?: ApproveStepOptions,
    /** Whether the step publishes the pipeline run's release (see `buildImage`). */
    public readonly publishesRelease: boolean = false,
    /** What the step's operation takes besides its stack (checks, playbooks, expiry). */
    public readonly settings: StepSettings = {},
  ) {}
}

/** What a step's operation takes besides its stack. */
export interface StepSettings {
  /** A check step's load check. */
  readonly check?: CheckStepOptions;
  /** An Ansible step's playbook, from the project root. */
  readonly playbook?: string;
  /** An expiry step's time to live, e.g. '3 days'. */
  readonly timeToLive?: string;
}

/** Checks a factory's arguments as JavaScript may pass them, each against its shape. */
function checkArguments(
  factory: string,
  shapes: { readonly [argument: string]: Shape },
  values: { readonly [argument: string]: unknown },
): void {
  assertShape(
    `PipelineStep.${factory}()`,
    values,
    shape.object(shapes),
    `Fix the call of PipelineStep.${factory}.`,
    'arguments',
  );
}

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { ParityReport } from '../parity/environment-parity';

import { ansible, AnsibleOptions, AnsibleResult } from './ansible';
import { approve, ApproveOptions, ApproveResult } from './approve';
import { check, CheckOptions, CheckResult } from './check';
import { deploy, DeployOptions, DeployResult } from './deploy';
import { destroy, DestroyOptions, DestroyResult } from './destroy';
import { doctor, DoctorResult } from './doctor';
import { drift, DriftOptions, DriftResult } from './drift';
import { expireReviews, ExpireReviewsOptions, ExpireReviewsResult } from './expire-reviews';
import { history, HistoryOptions } from './history';
import { init, InitOptions, InitResult } from './init';
import { migrateState, MigrateStateOptions, MigrateStateResult } from './migrate-state';
import { parity, ParityOptions } from './parity';
import { plan, PlanOptions, PlanResult } from './plan';
import { Deployment } from './private/history-store';
import { ProgressListener, Prompt } from './private/interaction';
import { Project } from './private/project';
import { loadStatePassphrase } from './private/secrets';
import { describeClient } from './private/state-lock';
import { StatusView } from './private/status-view';
import { render, RenderOptions, RenderResult } from './render';
import { status, StatusOptions } from './status';
import { teardown, TeardownOptions, TeardownResult } from './teardown';

/** Props of {@link Operations}. */
export interface OperationsProps {
  /**
   * The project root, where cdktf.json is.
   * @default process.cwd()
   */
  readonly root?: string;
  /**
   * The app command.
   * @default - cdktf.json's `app`
   */
  readonly app?: string;
  /**
   * Receives every operation's progress, line by line.
   * @default - progress is dropped
   */
  readonly onProgress?: ProgressListener;
  /**
   * Asks a person to confirm a destroy.
   * @default - nobody to ask: destroys need `yes`
   */
  readonly prompt?: Prompt;
  /**
   * Interrupts the operation when it aborts: it starts no further engine run (no next stack, no
   * retry), lets the engine's current run end, and rejects with an `InterruptedError` (exit
   * status 130). The engine itself stops early only when it is sent SIGINT too, as a terminal's
   * Ctrl-C does to the whole process group; it then records what it had done.
   * @default - operations run to their end
   */
  readonly signal?: AbortSignal;
}

/**
 * What the CLI does, as functions of TypeScript: each operation synthesizes the project's app,
 * checks every argument before it changes anything, reports progress to `onProgress`, and
 * resolves with a typed result or rejects with an {@link OperationError} that says what went
 * wrong and how to fix it. Each call opens what it needs (a connection to PostgreSQL state, say)
 * and closes it before it resolves.
 *
 * @example
 * const operations = new Operations({ onProgress: (e) => console.log(e.message) });
 * const { stacks } = await operations.deploy({ stacks: ['image', 'dev'] });
 * await operations.destroy({ stacks: ['dev'], yes: true });
 */
export class Operations {
  /** The project root. */
  public readonly root: string;

  constructor(private readonly props: OperationsProps = {}) {
    this.root = props.root ?? process.cwd();
  }

  /** What stops these operations (`OperationsProps.signal`), for work that runs beside them. */
  public get signal(): AbortSignal | undefined {
    return this.props.signal;
  }

  /**
   * Writes a new project into the root folder (created when missing): a delivery of one image
   * with two environments, its service, and a jest test. Overwrites nothing.
   */
  public init(options: InitOptions = {}): Promise<InitResult> {
    return this.run('init', (project) => init(project, options));
  }

  /** Deploys stacks in order; by default the stages up to the first behind an approval. */
  public deploy(options: DeployOptions = {}): Promise<DeployResult> {
    return this.run('deploy', (project) => deploy(project, options));
  }

  /** What a deploy of each stack would change, changing nothing. */
  public plan(options: PlanOptions): Promise<PlanResult> {
    return this.run('plan', (project) => plan(project, options));
  }

  /** Checks what a deploy needs on this machine, each with its fix; changes nothing. */
  public doctor(): Promise<DoctorResult> {
    return this.run('doctor', (project) => doctor(project));
  }

  /** Destroys stacks once confirmed. */
  public destroy(options: DestroyOptions): Promise<DestroyResult> {
    return this.run('destroy', (project) => destroy(project, options));
  }

  /** Destroys every deployed stack, downstream first, once confirmed. */
  public teardown(options: TeardownOptions = {}): Promise<TeardownResult> {
    return this.run('teardown', (project) => teardown(project, options));
  }

  /** Approves a release for an environment, or tells whether it is approved. */
  public approve(options: ApproveOptions): Promise<ApproveResult> {
    return this.run('approve', (project) => approve(project, options));
  }

  /** Runs the smoke tests against a deployed stack, then an optional load check. */
  public check(options: CheckOptions): Promise<CheckResult> {
    return this.run('check', (project) => check(project, options));
  }

  /** Compares what runs with each environment's last deploy. */
  public drift(options: DriftOptions = {}): Promise<DriftResult> {
    return this.run('drift', (project) => drift(project, options));
  }

  /** What runs where, verified or not, and what waits upstream. */
  public status(options: StatusOptions = {}): Promise<StatusView> {
    return this.run('status', (project) => status(project, options));
  }

  /** Every deploy of the environments, newest first. */
  public history(options: HistoryOptions = {}): Promise<Deployment[]> {
    return this.run('history', (project) => history(project, options));
  }

  /** Moves every stage's state into PostgreSQL or back to local files. */
  public migrateState(options: MigrateStateOptions): Promise<MigrateStateResult> {
    return this.run('migrate-state', (project) => migrateState(project, options));
  }

  /** Destroys review environments idle longer than their time to live, once confirmed. */
  public expireReviews(options: ExpireReviewsOptions): Promise<ExpireReviewsResult> {
    return this.run('expire-reviews', (project) => expireReviews(project, options));
  }

  /** Runs a playbook with a deployed stack's outputs when they or it changed. */
  public ansible(options: AnsibleOptions): Promise<AnsibleResult> {
    return this.run('ansible', (project) => ansible(project, options));
  }

  /** Compares the synthesized Terraform of every environment stack. */
  public parity(options: ParityOptions = {}): Promise<ParityReport> {
    return this.run('parity', (project) => parity(project, options));
  }

  /** Writes (or, with `check`, compares) the CI files of a pipeline model. */
  public render(
    pipeline: DeliveryPipeline,
    source: string,
    options: RenderOptions = {},
  ): Promise<RenderResult> {
    return this.run('render', (project) => render(project, pipeline, source, options));
  }

  /** Runs one operation with a project of its own, closed when it ends. */
  private async run<T>(name: string, operation: (project: Project) => Promise<T>): Promise<T> {
    const project = new Project(this.root, {
      app: this.props.app,
      listener: this.props.onProgress,
      prompt: this.props.prompt,
      client: describeClient('cdktf-pipeline', name),
      signal: this.props.signal,
    });
    // Encrypted state is read (and written) with the passphrase: every engine run gets it.
    loadStatePassphrase(project.root);
    try {
      return await operation(project);
    } finally {
      await project.close();
    }
  }
}

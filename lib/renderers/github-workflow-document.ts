/**
 * The parts of a GitHub Actions workflow that the renderer writes, as types: what a job, a step
 * and an environment may hold. Keys are GitHub's own.
 */

/** One step: an action, or a shell command. */
export interface GithubStep {
  /** The step's name in the run's log. */
  readonly name?: string;
  /** Its id, for its outputs. */
  readonly id?: string;
  /** When it runs, as an expression. */
  readonly if?: string;
  /** The action it runs, e.g. `actions/checkout@v4`. */
  readonly uses?: string;
  /** The action's inputs. */
  readonly with?: { readonly [input: string]: string | boolean };
  /** The shell command it runs, instead of an action. */
  readonly run?: string;
}

/** One job. */
export interface GithubJob {
  /** The job's name in the run. */
  readonly name: string;
  /** When it runs, as an expression. */
  readonly if: string;
  /** The jobs it waits for. */
  readonly needs?: readonly string[];
  /** The labels of the runner it runs on. */
  readonly 'runs-on': readonly string[];
  /** The environment it deploys (its protection rules apply). */
  readonly environment?: {
    /** The environment's name. */
    readonly name: string;
    /** Where it answers. */
    readonly url?: string;
  };
  /** Jobs of one group run one at a time. */
  readonly concurrency?: {
    /** The group. */
    readonly group: string;
    /** Whether a new job cancels the one that runs. */
    readonly 'cancel-in-progress': boolean;
  };
  /** What later jobs read of it. */
  readonly outputs?: { readonly [name: string]: string };
  /** Variables of the job. */
  readonly env?: { readonly [name: string]: string };
  /** Its steps, in order. */
  readonly steps: readonly GithubStep[];
}

/** The whole workflow file. */
export interface GithubWorkflowDocument {
  /** The workflow's name. */
  readonly name: string;
  /** The events that run it. */
  readonly on: {
    /** Pushes to these branches. */
    readonly push: {
      /** The branches. */
      readonly branches: readonly string[];
    };
    /** Pull requests, for these activity types. */
    readonly pull_request: {
      /** The activity types, e.g. `opened`, `closed`. */
      readonly types: readonly string[];
    };
    /** Its schedules. */
    readonly schedule: readonly {
      /** When, in cron syntax (UTC). */
      readonly cron: string;
    }[];
  };
  /** What the workflow's token may do. */
  readonly permissions: {
    /** Access to the repository's contents. */
    readonly contents: 'read';
  };
  /** Variables of every job. */
  readonly env: { readonly [name: string]: string };
  /** The jobs, by id. */
  readonly jobs: { readonly [id: string]: GithubJob };
}

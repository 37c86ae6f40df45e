/**
 * The parts of a GitLab CI file (`.gitlab-ci.yml`) that the renderer writes, as types: what a
 * job, a rule and an environment may hold. Keys are GitLab's own.
 */

/** When a job runs, under a rule. */
export type GitlabWhen = 'on_success' | 'manual' | 'always' | 'never';

/** One entry of `rules:`. */
export interface GitlabRule {
  /** The condition, in GitLab's expression syntax. */
  readonly if: string;
  /** When the job runs where the condition holds. */
  readonly when?: GitlabWhen;
  /** Whether a failure (or a manual job not run) lets the pipeline go on. */
  readonly allow_failure?: boolean;
}

/** A job's `environment:`. */
export interface GitlabEnvironment {
  /** The environment's name, e.g. `review/42`. */
  readonly name: string;
  /** `start` (the default) or `stop`: the job that removes the environment. */
  readonly action?: 'start' | 'stop';
  /** Where the environment answers. */
  readonly url?: string;
  /** The job that stops it. */
  readonly on_stop?: string;
  /** When GitLab stops it by itself, e.g. `3 days`. */
  readonly auto_stop_in?: string;
}

/** One job. */
export interface GitlabJob {
  /** The stage it belongs to. */
  readonly stage: string;
  /** The jobs it waits for. */
  readonly needs: readonly string[];
  /** Variables of the job. */
  readonly variables?: { readonly [name: string]: string };
  /** When it runs. */
  readonly rules: readonly GitlabRule[];
  /** Jobs of one resource group run one at a time. */
  readonly resource_group?: string;
  /** The environment it deploys or stops. */
  readonly environment?: GitlabEnvironment;
  /** What it keeps: a dotenv report for later jobs, files, and when. */
  readonly artifacts?: {
    /** The dotenv report whose variables later jobs get. */
    readonly reports?: {
      /** The file of `NAME=value` lines. */
      readonly dotenv: string;
    };
    /** Files kept as artifacts. */
    readonly paths?: readonly string[];
    /** When they are kept. */
    readonly when?: 'on_success' | 'on_failure' | 'always';
    /** The link's text in a merge request that shows the files. */
    readonly expose_as?: string;
  };
  /** Its commands. */
  readonly script: readonly string[];
  /** Commands that run after `script`, pass or fail. */
  readonly after_script?: readonly string[];
}

/** The whole file: its keywords, then one key per job. */
export interface GitlabCiDocument {
  /** The pipeline's name and when a pipeline runs at all. */
  readonly workflow: {
    /** The pipeline's name. */
    readonly name: string;
    /** When a pipeline runs. */
    readonly rules: readonly GitlabRule[];
  };
  /** Variables of every job. */
  readonly variables: { readonly [name: string]: string };
  /** The stages, in order. */
  readonly stages: readonly string[];
  /** What every job does first. */
  readonly default: {
    /** Commands every job runs before its script. */
    readonly before_script: readonly string[];
  };
  /** The jobs, by name. */
  readonly [job: string]: unknown;
}

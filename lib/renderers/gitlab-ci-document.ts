/**
 * The parts of a GitLab CI file (`.gitlab-ci.yml`) that the renderer writes, as types: what a
 * job, a rule and an environment may hold. Keys are GitLab's own.
 */

/** When a job runs, under a rule. */
export type GitlabWhen = 'on_success' | 'manual' | 'always' | 'never';

/** One entry of `rules:`. */
export interface GitlabRule {
  readonly if: string;
  readonly when?: GitlabWhen;
  readonly allow_failure?: boolean;
}

/** A job's `environment:`. */
export interface GitlabEnvironment {
  readonly name: string;
  readonly action?: 'start' | 'stop';
  readonly url?: string;
  readonly on_stop?: string;
  readonly auto_stop_in?: string;
}

/** One job. */
export interface GitlabJob {
  readonly stage: string;
  readonly needs: readonly string[];
  readonly variables?: { readonly [name: string]: string };
  readonly rules: readonly GitlabRule[];
  readonly resource_group?: string;
  readonly environment?: GitlabEnvironment;
  readonly artifacts?: {
    readonly reports?: { readonly dotenv: string };
    readonly paths?: readonly string[];
    readonly when?: 'on_success' | 'on_failure' | 'always';
  };
  readonly script: readonly string[];
  readonly after_script?: readonly string[];
}

/** The whole file: its keywords, then one key per job. */
export interface GitlabCiDocument {
  readonly workflow: { readonly name: string; readonly rules: readonly GitlabRule[] };
  readonly variables: { readonly [name: string]: string };
  readonly stages: readonly string[];
  readonly default: { readonly before_script: readonly string[] };
  readonly [job: string]: unknown;
}

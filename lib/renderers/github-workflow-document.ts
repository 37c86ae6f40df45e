/**
 * The parts of a GitHub Actions workflow that the renderer writes, as types: what a job, a step
 * and an environment may hold. Keys are GitHub's own.
 */

/** One step: an action, or a shell command. */
export interface GithubStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly with?: { readonly [input: string]: string | boolean };
  readonly run?: string;
}

/** One job. */
export interface GithubJob {
  readonly name: string;
  readonly if: string;
  readonly needs?: readonly string[];
  readonly 'runs-on': readonly string[];
  readonly environment?: { readonly name: string; readonly url?: string };
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean };
  readonly outputs?: { readonly [name: string]: string };
  readonly env?: { readonly [name: string]: string };
  readonly steps: readonly GithubStep[];
}

/** The whole workflow file. */
export interface GithubWorkflowDocument {
  readonly name: string;
  readonly on: {
    readonly push: { readonly branches: readonly string[] };
    readonly pull_request: { readonly types: readonly string[] };
    readonly schedule: readonly { readonly cron: string }[];
  };
  readonly permissions: { readonly contents: 'read' };
  readonly env: { readonly [name: string]: string };
  readonly jobs: { readonly [id: string]: GithubJob };
}

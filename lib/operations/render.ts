import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { GithubWorkflowRenderer } from '../renderers/github-workflow-renderer';
import { GitlabCiRenderer } from '../renderers/gitlab-ci-renderer';

import { Project } from './private/project';

/**
 * The CI files a pipeline renders to: path in the project, and content. `secrets` are the
 * delivery's secret names, which the GitHub workflow maps from the repository's secrets (GitLab
 * passes its CI/CD variables on as they are).
 */
function ciFiles(
  pipeline: DeliveryPipeline,
  source: string,
  secrets: readonly string[] = [],
): { readonly path: string; readonly content: string }[] {
  return [
    { path: '.gitlab-ci.yml', content: new GitlabCiRenderer({ source }).render(pipeline) },
    {
      path: `.github/workflows/${pipeline.name}.yml`,
      content: new GithubWorkflowRenderer({ source, secrets }).render(pipeline),
    },
  ];
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** What `render` was asked for. */
export interface RenderOptions {
  /**
   * Write nothing; only tell which files are stale.
   * @default false
   */
  readonly check?: boolean;
}

/** A CI file and what `Operations.render` did with it. */
export interface RenderedFile {
  /** Its path in the project. */
  readonly path: string;
  /** `up to date`: as the model renders it; `written`; `stale`: differs (with `check`). */
  readonly state: 'up to date' | 'written' | 'stale';
}

/** What `Operations.render` did. */
export interface RenderResult {
  /** Each CI file, with whether it was written, unchanged or is stale. */
  readonly files: readonly RenderedFile[];
  /** Whether a file differs from the model (with `check`). */
  readonly stale: boolean;
}

/**
 * Writes the pipeline model's CI files (.gitlab-ci.yml and .github/workflows/<name>.yml), with
 * the secret names of the delivery the app synthesizes; with `check` writes nothing and tells
 * which are stale. `source` is the model's module, named in the files' header.
 */
export async function render(
  project: Project,
  pipeline: DeliveryPipeline,
  source: string,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const out = project.progress('render');
  const { check } = options;
  const secrets = await project.synth([], ({ delivery }) =>
    (delivery.secrets ?? []).map((secret) => secret.name),
  );
  const files: RenderedFile[] = [];
  for (const { path, content } of ciFiles(pipeline, source, secrets)) {
    const file = join(project.root, path);
    if (read(file) === content) {
      out.log(`${path} is up to date`);
      files.push({ path, state: 'up to date' });
    } else if (check) {
      out.error(`${path} differs from the model; run cdktf-pipeline render and commit it`);
      files.push({ path, state: 'stale' });
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      out.log(`wrote ${path}`);
      files.push({ path, state: 'written' });
    }
  }
  return { files, stale: files.some((f) => f.state === 'stale') };
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { DeliveryPipeline } from '../../model/delivery-pipeline';
import { GithubWorkflowRenderer } from '../../renderers/github-workflow-renderer';
import { GitlabCiRenderer } from '../../renderers/gitlab-ci-renderer';
import { Output } from '../output';
import { Project } from '../project';

/**
 * The CI files a pipeline renders to: path in the project, and content. `secrets` are the
 * delivery's secret names, which the GitHub workflow maps from the repository's secrets (GitLab
 * passes its CI/CD variables on as they are).
 */
export function ciFiles(
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
  /** Write nothing; exit 1 when a file is stale. */
  readonly check: boolean;
}

/**
 * `render [--check]`: writes the pipeline model's CI files (.gitlab-ci.yml and
 * .github/workflows/<name>.yml), with the secret names of the delivery the app synthesizes; with
 * --check writes nothing and exits 1 when one is stale.
 */
export async function render(
  project: Project,
  pipeline: DeliveryPipeline,
  source: string,
  options: RenderOptions,
): Promise<number> {
  const out = new Output('render');
  const { check } = options;
  const secrets = await project.synth([], ({ delivery }) =>
    (delivery.secrets ?? []).map((secret) => secret.name),
  );
  let stale = 0;
  for (const { path, content } of ciFiles(pipeline, source, secrets)) {
    const file = join(project.root, path);
    if (read(file) === content) {
      out.log(`${path} is up to date`);
    } else if (check) {
      out.error(`${path} differs from the model; run cdktf-pipeline render and commit it`);
      stale++;
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      out.log(`wrote ${path}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

import { stringify } from 'yaml';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { StepKind } from '../model/pipeline-step';
import { PipelineEvent } from '../model/stage-trigger';
import { APPROVALS_ARTIFACT_DIRECTORY, PIPELINE_DEFAULTS } from '../private/defaults';
import {
  bindMergeRequestId,
  CiJob,
  ciJobs,
  generatedHeader,
  readsMergeRequestId,
  runDigestSource,
  stepCommands,
} from '../private/pipeline-render';

import { GithubJob, GithubStep, GithubWorkflowDocument } from './github-workflow-document';

/** Props of a {@link GithubWorkflowRenderer}. */
export interface GithubWorkflowRendererProps {
  /**
   * Where the model is defined, named in the generated file's header.
   * @default 'the delivery pipeline model'
   */
  readonly source?: string;
  /**
   * The runner labels of every job: deployments to a local engine need a self-hosted runner on
   * the deployment host.
   * @default ['self-hosted', 'linux']
   */
  readonly runsOn?: readonly string[];
}

const PR_NUMBER = '${{ github.event.pull_request.number }}';

/**
 * Renders a {@link DeliveryPipeline} to a GitHub Actions workflow: one job per stage, `needs` for
 * the order, an `if:` per trigger, `environment:` with the deployed URL (its protection rules
 * are the approvals: a job behind an approval records the digest and deploys it), and a `concurrency` group per environment so that two runs never deploy
 * one environment at once.
 */
export class GithubWorkflowRenderer {
  private readonly source: string;
  private readonly runsOn: readonly string[];

  constructor(props: GithubWorkflowRendererProps = {}) {
    this.source = props.source ?? 'the delivery pipeline model';
    this.runsOn = props.runsOn ?? ['self-hosted', 'linux'];
  }

  /** The file's content. */
  public render(pipeline: DeliveryPipeline): string {
    const jobs: { [id: string]: GithubJob } = {};
    for (const job of ciJobs(pipeline)) jobs[job.stage.id] = this.job(pipeline, job);
    const doc: GithubWorkflowDocument = {
      name: pipeline.name,
      on: {
        push: { branches: [pipeline.defaultBranch] },
        pull_request: { types: ['opened', 'synchronize', 'reopened', 'closed'] },
        schedule: [{ cron: pipeline.schedule }],
      },
      permissions: { contents: 'read' },
      // The state store and its connection: a repository variable and a secret, never the file.
      env: {
        PIPELINE_STATE: '${{ vars.PIPELINE_STATE }}',
        PG_CONN_STR: '${{ secrets.PG_CONN_STR }}',
      },
      jobs,
    };
    return generatedHeader(this.source) + stringify(doc, { lineWidth: 0 });
  }

  private job(pipeline: DeliveryPipeline, ci: CiJob): GithubJob {
    const stage = ci.stage;
    // An approval needs an environment: its protection rules (required reviewers) are the gate.
    const environment =
      stage.environment ?? (ci.approval ? { name: ci.approval.environment } : undefined);
    const stack = stage.deployedStack;
    const name = environment && bindMergeRequestId(environment.name, PR_NUMBER);
    const steps: GithubStep[] = [
      // clean: false keeps .pipeline/ (local state, outputs) on the self-hosted runner.
      { uses: 'actions/checkout@v4', with: { clean: false } },
      ...pipeline.setupCommands.map((c) => ({ name: c, run: c })),
      ...ci.steps.map((step) => ({
        name: step.description,
        ...(step.kind === StepKind.DEPLOY && step.stack === stack ? { id: 'deploy' } : {}),
        run: stepCommands(step, pipeline.cli, stage).join('\n'),
      })),
      // An approval recorded in CI is kept, to be committed.
      ...(ci.approval
        ? [
            {
              name: 'keep the approval record',
              if: 'always()',
              uses: 'actions/upload-artifact@v4',
              with: {
                name: `approval-${ci.approval.environment}`,
                path: `${APPROVALS_ARTIFACT_DIRECTORY}/`,
                'if-no-files-found': 'ignore',
              },
            },
          ]
        : []),
    ];
    // The run's digest: the image job's output, read by every job after it.
    const source = runDigestSource(ci, pipeline.cli);
    const needs = [...ci.needs];
    if (source && !needs.includes(source.id)) needs.unshift(source.id);
    const env: { [name: string]: string } = {};
    if (source) {
      env[PIPELINE_DEFAULTS.digestVariable] = `\${{ needs.${source.id}.outputs.digest }}`;
    }
    if (readsMergeRequestId(ci, pipeline.cli)) env[PIPELINE_DEFAULTS.reviewIdVariable] = PR_NUMBER;
    return {
      name: stage.title,
      if: stage.trigger.events.map((e) => eventCondition(e)).join(' || '),
      ...(needs.length > 0 ? { needs } : {}),
      'runs-on': [...this.runsOn],
      ...(environment && name
        ? {
            environment: {
              name,
              ...(stack && !('stops' in environment && environment.stops)
                ? { url: '${{ steps.deploy.outputs.url }}' }
                : {}),
            },
            concurrency: { group: `environment-${name}`, 'cancel-in-progress': false },
          }
        : {}),
      ...(stage.steps.some((s) => s.publishesDigest)
        ? { outputs: { digest: '${{ steps.deploy.outputs.digest }}' } }
        : {}),
      ...(Object.keys(env).length > 0 ? { env } : {}),
      steps,
    };
  }
}

function eventCondition(event: PipelineEvent): string {
  switch (event) {
    case PipelineEvent.PUSH:
      return "github.event_name == 'push'";
    case PipelineEvent.MERGE_REQUEST:
      return "(github.event_name == 'pull_request' && github.event.action != 'closed')";
    case PipelineEvent.MERGE_REQUEST_CLOSED:
      return "(github.event_name == 'pull_request' && github.event.action == 'closed')";
    case PipelineEvent.SCHEDULE:
      return "github.event_name == 'schedule'";
  }
}

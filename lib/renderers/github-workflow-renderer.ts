import { DeliveryPipeline } from '../model/delivery-pipeline';
import { StepKind } from '../model/pipeline-step';
import {
  bindMergeRequestId,
  CiJob,
  ciJobs,
  generatedHeader,
  readsMergeRequestId,
  runReleaseSource,
  stepCommands,
} from '../model/private/pipeline-render';
import { PipelineEvent } from '../model/stage-trigger';
import {
  APPROVALS_ARTIFACT_DIRECTORY,
  engineVariable,
  PASSPHRASE_VARIABLE,
  PIPELINE_DEFAULTS,
  secretVariable,
  STATUS_HTML_FILE,
} from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { SECRET_NAME } from '../private/service-specs';
import { assertShape, shape } from '../private/shape';

import { GithubJob, GithubStep, GithubWorkflowDocument } from './github-workflow-document';
import { yamlText } from './private/yaml-text';

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
  /**
   * The delivery's secret names (e.g. `['API_TOKEN']`): every job gets
   * `TF_VAR_secret_<name in lowercase>` from the GitHub secret of that name (a job with an
   * environment reads that environment's secret first), and the state passphrase from the secret
   * `STATE_PASSPHRASE`. No value is ever in the file.
   * @default - none
   */
  readonly secrets?: readonly string[];
}

const PR_NUMBER = '${{ github.event.pull_request.number }}';

/**
 * Renders a {@link DeliveryPipeline} to a GitHub Actions workflow: one job per stage, `needs` for
 * the order, an `if:` per trigger, `environment:` with the deployed URL (its protection rules
 * are the approvals: a job behind an approval records the release and deploys it), and a `concurrency` group per environment so that two runs never deploy
 * one environment at once.
 */
export class GithubWorkflowRenderer {
  private readonly source: string;
  private readonly runsOn: readonly string[];
  private readonly secrets: readonly string[];

  constructor(props: GithubWorkflowRendererProps = {}) {
    assertShape(
      'GitHub workflow renderer',
      props,
      shape.object({
        source: shape.optional(shape.string),
        runsOn: shape.optional(shape.list(shape.string)),
        secrets: shape.optional(shape.list(shape.string)),
      }),
      'Fix it in the props of the GithubWorkflowRenderer.',
    );
    const badSecrets = (props.secrets ?? []).filter((name) => !SECRET_NAME.test(name));
    if (badSecrets.length > 0) {
      throw new ConfigurationError(
        badSecrets.map((name) =>
          invalidValue(
            'GitHub workflow renderer',
            'secrets',
            "must be the delivery's secret names: uppercase letters, digits and _, starting with a letter",
            name,
            'Use the names the services declare, e.g. API_TOKEN.',
          ),
        ),
      );
    }
    this.source = props.source ?? 'the delivery pipeline model';
    this.runsOn = props.runsOn ?? ['self-hosted', 'linux'];
    this.secrets = props.secrets ?? [];
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
        // Secrets by name only: GitHub fills them in (from the job's environment first).
        ...Object.fromEntries(
          this.secrets.map((name) => [
            engineVariable(secretVariable(name)),
            `\${{ secrets.${name} }}`,
          ]),
        ),
        ...(this.secrets.length > 0
          ? { [engineVariable(PASSPHRASE_VARIABLE)]: '${{ secrets.STATE_PASSPHRASE }}' }
          : {}),
      },
      jobs,
    };
    return generatedHeader(this.source) + yamlText(doc);
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
      // A job that deploys an environment shows the delivery's status as its summary, and keeps
      // the HTML report as an artifact.
      ...(environment && stack && !stage.environment?.stops
        ? [
            {
              name: 'status summary',
              if: 'always()',
              run: `${pipeline.cli} status --markdown --html ${STATUS_HTML_FILE}`,
            },
            {
              name: 'keep the status report',
              if: 'always()',
              uses: 'actions/upload-artifact@v4',
              with: {
                name: `status-${stage.id}`,
                path: STATUS_HTML_FILE,
                'if-no-files-found': 'ignore',
              },
            },
          ]
        : []),
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
    // The run's release: the image job's output, read by every job after it.
    const source = runReleaseSource(ci, pipeline.cli);
    const needs = [...ci.needs];
    if (source && !needs.includes(source.id)) needs.unshift(source.id);
    const env: { [name: string]: string } = {};
    if (source) {
      env[PIPELINE_DEFAULTS.releaseVariable] = `\${{ needs.${source.id}.outputs.release }}`;
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
      ...(stage.steps.some((s) => s.publishesRelease)
        ? { outputs: { release: '${{ steps.deploy.outputs.release }}' } }
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

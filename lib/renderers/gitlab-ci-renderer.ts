import { DeliveryPipeline } from '../model/delivery-pipeline';
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
  DEPLOYED_ENV_FILE,
  STATUS_HTML_FILE,
  STATUS_MARKDOWN_FILE,
  PIPELINE_DEFAULTS,
} from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';

import { GitlabCiDocument, GitlabJob, GitlabRule } from './gitlab-ci-document';
import { yamlText } from './private/yaml-text';

/** Props of a {@link GitlabCiRenderer}. */
export interface GitlabCiRendererProps {
  /**
   * Where the model is defined, named in the generated file's header.
   * @default 'the delivery pipeline model'
   */
  readonly source?: string;
}

/**
 * Renders a {@link DeliveryPipeline} to `.gitlab-ci.yml`: one job per stage, `needs` for the
 * order (stages of one wave run in parallel), `rules` per trigger, `environment:` with the
 * deployed URL (from a dotenv report), `on_stop` and `auto_stop_in` for review apps, a manual job
 * for each deployment behind an approval, and a `resource_group` per environment so that two pipelines never deploy
 * one environment at once.
 */
export class GitlabCiRenderer {
  private readonly source: string;

  constructor(props: GitlabCiRendererProps = {}) {
    assertShape(
      'GitLab CI renderer',
      props,
      shape.object({ source: shape.optional(shape.string) }),
      'Fix it in the props of the GitlabCiRenderer.',
    );
    this.source = props.source ?? 'the delivery pipeline model';
  }

  /** The file's content. */
  public render(pipeline: DeliveryPipeline): string {
    const jobs = ciJobs(pipeline);
    const reserved = jobs.filter((j) => GITLAB_KEYWORDS.includes(j.stage.id));
    if (reserved.length > 0) {
      throw new ConfigurationError(
        reserved.map((j) =>
          invalidValue(
            `pipeline '${pipeline.name}', stage '${j.stage.id}'`,
            'id',
            'must not be a GitLab CI keyword, which cannot name a job',
            j.stage.id,
            `Rename the stage, e.g. 'build-${j.stage.id}'.`,
          ),
        ),
      );
    }
    const doc: { -readonly [key in keyof GitlabCiDocument]: GitlabCiDocument[key] } = {
      workflow: {
        name: pipeline.name,
        rules: this.eventRules(pipeline, [
          PipelineEvent.PUSH,
          PipelineEvent.MERGE_REQUEST,
          PipelineEvent.SCHEDULE,
        ]),
      },
      // Local state and outputs live in .pipeline/ of the runner's working copy: keep them.
      variables: { GIT_STRATEGY: 'fetch', GIT_CLEAN_FLAGS: '-ffdx -e .pipeline/' },
      stages: jobs.map((j) => j.stage.id),
      default: { before_script: [...pipeline.setupCommands] },
    };
    for (const job of jobs) doc[job.stage.id] = this.job(pipeline, job);
    return generatedHeader(this.source) + yamlText(doc);
  }

  private job(pipeline: DeliveryPipeline, ci: CiJob): GitlabJob {
    const stage = ci.stage;
    const stops = stage.trigger.runsOn(PipelineEvent.MERGE_REQUEST_CLOSED);
    const variables: { [name: string]: string } = {};
    if (readsMergeRequestId(ci, pipeline.cli)) {
      variables[PIPELINE_DEFAULTS.reviewIdVariable] = '$CI_MERGE_REQUEST_IID';
    }
    // A stop job may run after its branch is deleted: it works in the runner's existing copy.
    if (stage.environment?.stops) variables.GIT_STRATEGY = 'none';
    let rules: GitlabRule[];
    if (stops) {
      // GitLab runs an environment's on_stop job when its merge request is merged or closed,
      // or when the environment expires; it sits in merge request pipelines as a manual job.
      rules = [
        {
          if: eventCondition(pipeline, PipelineEvent.MERGE_REQUEST),
          when: 'manual',
          allow_failure: true,
        },
      ];
    } else if (ci.approval) {
      rules = stage.trigger.events.map((e) => ({
        if: eventCondition(pipeline, e),
        when: 'manual',
        allow_failure: false,
      }));
    } else {
      rules = this.eventRules(pipeline, stage.trigger.events);
    }
    const environment = stage.environment;
    const name = environment && bindMergeRequestId(environment.name, '$CI_MERGE_REQUEST_IID');
    const stack = stage.deployedStack;
    // The run's release travels in the image job's dotenv report to every job that needs it.
    const source = runReleaseSource(ci, pipeline.cli);
    const needs = stops ? [] : [...ci.needs];
    if (source && !needs.includes(source.id)) needs.unshift(source.id);
    const publishes = stage.steps.some((s) => s.publishesRelease);
    // A job that deploys an environment leaves the delivery's status, pass or fail.
    const reportsStatus = Boolean(environment && stack && !environment.stops);
    const paths = [
      // An approval recorded in CI is kept, to be committed.
      ...(ci.approval ? [`${APPROVALS_ARTIFACT_DIRECTORY}/`] : []),
      ...(reportsStatus ? [STATUS_MARKDOWN_FILE, STATUS_HTML_FILE] : []),
    ];
    const artifacts = {
      ...((environment && stack) || publishes ? { reports: { dotenv: DEPLOYED_ENV_FILE } } : {}),
      // The merge request links the status report (and the approval record, when there is one).
      ...(paths.length > 0
        ? {
            paths,
            when: 'always' as const,
            ...(reportsStatus ? { expose_as: 'delivery status' } : {}),
          }
        : {}),
    };
    return {
      stage: stage.id,
      needs,
      ...(Object.keys(variables).length > 0 ? { variables } : {}),
      rules,
      ...(environment && name
        ? {
            resource_group: name,
            environment: {
              name,
              ...(environment.stops ? { action: 'stop' as const } : {}),
              ...(stack ? { url: '$ENVIRONMENT_URL' } : {}),
              ...(environment.onStop ? { on_stop: environment.onStop } : {}),
              ...(environment.autoStopIn ? { auto_stop_in: environment.autoStopIn } : {}),
            },
          }
        : {}),
      ...(Object.keys(artifacts).length > 0 ? { artifacts } : {}),
      script: ci.steps.flatMap((s) => stepCommands(s, pipeline.cli, stage)),
      // after_script runs in a shell of its own: the set-up commands first, as before_script.
      ...(reportsStatus
        ? {
            after_script: [
              ...pipeline.setupCommands,
              `${pipeline.cli} status --markdown --html ${STATUS_HTML_FILE}`,
            ],
          }
        : {}),
    };
  }

  private eventRules(pipeline: DeliveryPipeline, events: readonly PipelineEvent[]): GitlabRule[] {
    return events
      .filter((e) => e !== PipelineEvent.MERGE_REQUEST_CLOSED)
      .map((e) => ({ if: eventCondition(pipeline, e) }));
  }
}

/** Top-level keys of .gitlab-ci.yml that are not jobs. */
const GITLAB_KEYWORDS = [
  'after_script',
  'before_script',
  'cache',
  'default',
  'image',
  'include',
  'pages',
  'services',
  'spec',
  'stages',
  'types',
  'variables',
  'workflow',
];

function eventCondition(pipeline: DeliveryPipeline, event: PipelineEvent): string {
  switch (event) {
    case PipelineEvent.PUSH:
      return `$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == "${pipeline.defaultBranch}"`;
    case PipelineEvent.MERGE_REQUEST:
    case PipelineEvent.MERGE_REQUEST_CLOSED:
      return '$CI_PIPELINE_SOURCE == "merge_request_event"';
    case PipelineEvent.SCHEDULE:
      return '$CI_PIPELINE_SOURCE == "schedule"';
  }
}

import { assertShape, shape } from '../private/shape';

import { PipelineStep, StepKind } from './pipeline-step';
import { StageTrigger } from './stage-trigger';

/** The environment a stage deploys to, as CI systems show it. */
export interface StageEnvironment {
  /** Environment name, e.g. 'dev' or 'review/$PIPELINE_REVIEW_ID'. */
  readonly name: string;
  /**
   * The stage that tears this environment down (GitLab's `on_stop`).
   * @default - the environment is never stopped by the pipeline
   */
  readonly onStop?: string;
  /**
   * How long the environment lives after its last deployment, e.g. '3 days' (GitLab's
   * `auto_stop_in`; elsewhere the scheduled pipeline expires it).
   * @default - it lives until it is stopped
   */
  readonly autoStopIn?: string;
  /**
   * Whether this stage stops the environment rather than deploying it.
   * @default false
   */
  readonly stops?: boolean;
}

/** Props of a {@link PipelineStage}. */
export interface PipelineStageProps {
  /**
   * Title for progress output and CI job lists.
   * @default - the stage's id
   */
  readonly title?: string;
  /** What the stage does, in order. */
  readonly steps: readonly PipelineStep[];
  /**
   * Stages that must succeed first. Stages with no path between them form a wave and may run
   * in parallel in CI.
   * @default - none: the stage starts the pipeline
   */
  readonly needs?: readonly PipelineStage[];
  /**
   * The events that run this stage.
   * @default StageTrigger.always()
   */
  readonly trigger?: StageTrigger;
  /**
   * The environment the stage deploys to; CI systems serialise deployments per environment.
   * @default - no environment
   */
  readonly environment?: StageEnvironment;
}

/** One stage of a delivery pipeline: a CI job, and one row of the local runner's summary. */
export class PipelineStage {
  /** Title for progress output. */
  public readonly title: string;
  /** What the stage does, in order. */
  public readonly steps: readonly PipelineStep[];
  /** Stages that must succeed first. */
  public readonly needs: readonly PipelineStage[];
  /** The events that run this stage. */
  public readonly trigger: StageTrigger;
  /** The environment the stage deploys to. */
  public readonly environment?: StageEnvironment;

  /** Use {@link DeliveryPipeline.addStage}. */
  constructor(
    /** Stable kebab-case id: the CI job's name. */
    public readonly id: string,
    props: PipelineStageProps,
  ) {
    assertShape(
      typeof id === 'string' ? `stage '${id}'` : 'stage',
      { id, ...(typeof props === 'object' && props !== null ? props : { props }) },
      shape.object({
        id: shape.string,
        title: shape.optional(shape.string),
        steps: shape.list(
          shape.instance((value) => value instanceof PipelineStep, 'PipelineStep.deploy(...) etc.'),
        ),
        needs: shape.optional(
          shape.list(
            shape.instance(
              (value) => value instanceof PipelineStage,
              'the stage that DeliveryPipeline.addStage returned',
            ),
          ),
        ),
        trigger: shape.optional(
          shape.instance(
            (value) => value instanceof StageTrigger,
            'StageTrigger.always(), .defaultBranch(), .mergeRequest(), .mergeRequestClosed() or .schedule()',
          ),
        ),
        environment: shape.optional(
          shape.object({
            name: shape.string,
            onStop: shape.optional(shape.string),
            autoStopIn: shape.optional(shape.string),
            stops: shape.optional(shape.boolean),
          }),
        ),
      }),
      'Fix it where the stage is added (DeliveryPipeline.addStage).',
    );
    this.title = props.title ?? id;
    this.steps = props.steps;
    this.needs = props.needs ?? [];
    this.trigger = props.trigger ?? StageTrigger.always();
    this.environment = props.environment;
  }

  /** The stack whose outputs give this stage's URL and release: its last deploy step's. */
  public get deployedStack(): string | undefined {
    return [...this.steps].reverse().find((s) => s.kind === StepKind.DEPLOY)?.stack;
  }

  /** The approval step, when this stage is an approval gate. */
  public get approval(): PipelineStep | undefined {
    return this.steps.find((s) => s.kind === StepKind.APPROVE);
  }
}

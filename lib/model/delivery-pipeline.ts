import { PIPELINE_DEFAULTS } from '../private/defaults';
import { invalidValue, ProblemCollector } from '../private/errors';
import { assertShape, shape } from '../private/shape';

import { PipelineStage, PipelineStageProps } from './pipeline-stage';
import { StepKind } from './pipeline-step';
import { PipelineEvent } from './stage-trigger';

/** Props of a {@link DeliveryPipeline}. */
export interface DeliveryPipelineProps {
  /** Name shown by CI systems, e.g. 'deploy'. */
  readonly name: string;
  /**
   * Commands every CI job runs before its steps (the local runner runs them once, first).
   * @default - none
   */
  readonly setupCommands?: readonly string[];
  /**
   * How CI jobs and the local runner call this package's CLI, which runs every step but `run`.
   * @default 'npx cdktf-pipeline'
   */
  readonly cli?: string;
  /**
   * The branch whose pushes run the path to production.
   * @default 'main'
   */
  readonly defaultBranch?: string;
  /**
   * When the scheduled pipeline runs, as a cron expression (UTC).
   * @default '17 3 * * *'
   */
  readonly schedule?: string;
}

const STAGE_ID = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The delivery pipeline as data: stages in order, what triggers each, what each needs. It knows
 * no CI system and no engine; renderers turn it into a GitLab CI file or a GitHub workflow, and
 * the local runner executes it.
 */
export class DeliveryPipeline {
  /** Name shown by CI systems. */
  public readonly name: string;
  /** Commands every CI job runs before its steps. */
  public readonly setupCommands: readonly string[];
  /** How steps call this package's CLI. */
  public readonly cli: string;
  /** The branch whose pushes lead to production. */
  public readonly defaultBranch: string;
  /** Cron expression of the scheduled pipeline. */
  public readonly schedule: string;
  private readonly stageList: PipelineStage[] = [];

  constructor(props: DeliveryPipelineProps) {
    assertShape(
      'delivery pipeline',
      props,
      shape.object({
        name: shape.string,
        setupCommands: shape.optional(shape.list(shape.string)),
        cli: shape.optional(shape.string),
        defaultBranch: shape.optional(shape.string),
        schedule: shape.optional(shape.string),
      }),
      'Fix it in the props of the DeliveryPipeline.',
    );
    this.name = props.name;
    this.setupCommands = props.setupCommands ?? PIPELINE_DEFAULTS.setupCommands;
    this.cli = props.cli ?? PIPELINE_DEFAULTS.cli;
    this.defaultBranch = props.defaultBranch ?? PIPELINE_DEFAULTS.defaultBranch;
    this.schedule = props.schedule ?? PIPELINE_DEFAULTS.schedule;
  }

  /** Adds a stage after the ones added so far; it may need only those. */
  public addStage(id: string, props: PipelineStageProps): PipelineStage {
    const stage = new PipelineStage(id, props);
    this.stageList.push(stage);
    return stage;
  }

  /**
   * Adds stages that need the same stages and not each other: they may run in parallel.
   */
  public addWave(
    needs: readonly PipelineStage[],
    stages: { readonly [id: string]: Omit<PipelineStageProps, 'needs'> },
  ): PipelineStage[] {
    return Object.entries(stages).map(([id, props]) => this.addStage(id, { ...props, needs }));
  }

  /** All stages, in the order they were added. */
  public get stages(): readonly PipelineStage[] {
    return this.stageList;
  }

  /** The stage with this id. */
  public stage(id: string): PipelineStage | undefined {
    return this.stageList.find((s) => s.id === id);
  }

  /** The stages that `event` runs, in order. */
  public stagesFor(event: PipelineEvent): PipelineStage[] {
    return this.stageList.filter((s) => s.trigger.runsOn(event));
  }

  /**
   * The stages that `event` runs, grouped in waves: each wave needs only earlier waves, so its
   * stages can run in parallel.
   */
  public waves(event: PipelineEvent): PipelineStage[][] {
    const level = new Map<PipelineStage, number>();
    for (const stage of this.stagesFor(event)) {
      level.set(stage, Math.max(-1, ...stage.needs.map((n) => level.get(n) ?? -1)) + 1);
    }
    const waves: PipelineStage[][] = [];
    for (const [stage, n] of level) (waves[n] ??= []).push(stage);
    return waves;
  }

  /** Checks the whole pipeline; throws one ConfigurationError that lists every problem. */
  public validate(): void {
    const problems = new ProblemCollector();
    const seen = new Set<PipelineStage>();
    const ids = new Set<string>();
    for (const stage of this.stageList) {
      const subject = `pipeline '${this.name}', stage '${stage.id}'`;
      if (!STAGE_ID.test(stage.id)) {
        problems.add(
          invalidValue(
            subject,
            'id',
            'must be kebab-case (a-z, 0-9, -), at most 63 characters, starting with a letter',
            stage.id,
            'Rename the stage; the id is its CI job name.',
          ),
        );
      }
      if (ids.has(stage.id)) {
        problems.add(
          invalidValue(
            subject,
            'id',
            'must be unique in the pipeline',
            stage.id,
            'Give each stage its own id.',
          ),
        );
      }
      ids.add(stage.id);
      if (stage.steps.length === 0) {
        problems.add(
          invalidValue(
            subject,
            'steps',
            'must have at least one step',
            [],
            'Add a PipelineStep, or remove the stage.',
          ),
        );
      }
      for (const need of stage.needs) {
        if (!seen.has(need)) {
          problems.add(
            invalidValue(
              subject,
              'needs',
              'may only name stages added to this pipeline before it',
              need.id,
              `Add stage '${need.id}' to this pipeline before '${stage.id}'.`,
            ),
          );
          continue;
        }
        const missing = stage.trigger.events.filter((e) => !need.trigger.runsOn(e));
        if (missing.length > 0) {
          problems.add(
            invalidValue(
              subject,
              'needs',
              `names a stage that does not run on every event this stage runs on (${missing.join(', ')})`,
              need.id,
              `Give '${need.id}' a trigger that covers ${missing.join(', ')}, or drop it from needs.`,
            ),
          );
        }
      }
      const approvals = stage.steps.filter((s) => s.kind === StepKind.APPROVE).length;
      if (approvals > 0 && (approvals > 1 || stage.steps.length > 1)) {
        problems.add(
          invalidValue(
            subject,
            'steps',
            'of an approval stage must be exactly one PipelineStep.approve',
            stage.steps.map((s) => s.kind),
            'Put the approval in a stage of its own, and make the deploying stage need it.',
          ),
        );
      }
      const onStop = stage.environment?.onStop;
      if (
        onStop !== undefined &&
        !this.stageList.some((s) => s.id === onStop && s.environment?.stops)
      ) {
        problems.add(
          invalidValue(
            subject,
            'environment.onStop',
            'must name a stage of this pipeline whose environment has stops: true',
            onStop,
            'Add the stop stage, or correct the id.',
          ),
        );
      }
      seen.add(stage);
    }
    problems.throwIfAny();
  }
}

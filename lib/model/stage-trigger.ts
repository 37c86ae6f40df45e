import { PIPELINE_DEFAULTS } from '../private/defaults';

/** The events a pipeline runs for. Each CI system names them its own way; renderers translate. */
export enum PipelineEvent {
  /** A push to the default branch: the path to production. */
  PUSH = 'push',
  /** A merge request (pull request) was opened or updated. */
  MERGE_REQUEST = 'merge-request',
  /** A merge request was merged or closed. */
  MERGE_REQUEST_CLOSED = 'merge-request-closed',
  /** The pipeline's schedule fired (housekeeping such as expiring review environments). */
  SCHEDULE = 'schedule',
}

/** Which events run a stage. */
export class StageTrigger {
  /** Every push to the default branch and every merge request update. */
  public static always(): StageTrigger {
    return new StageTrigger([PipelineEvent.PUSH, PipelineEvent.MERGE_REQUEST]);
  }

  /** Only pushes to the default branch: the stages that lead to production. */
  public static defaultBranch(): StageTrigger {
    return new StageTrigger([PipelineEvent.PUSH]);
  }

  /** Merge requests being opened or updated: review environments. */
  public static mergeRequest(): StageTrigger {
    return new StageTrigger([PipelineEvent.MERGE_REQUEST]);
  }

  /** A merge request being merged or closed: tearing its review environment down. */
  public static mergeRequestClosed(): StageTrigger {
    return new StageTrigger([PipelineEvent.MERGE_REQUEST_CLOSED]);
  }

  /** The pipeline's schedule. */
  public static schedule(): StageTrigger {
    return new StageTrigger([PipelineEvent.SCHEDULE]);
  }

  private constructor(
    /** The events that run the stage. */
    public readonly events: readonly PipelineEvent[],
  ) {}

  /** Whether this trigger runs its stage for `event`. */
  public runsOn(event: PipelineEvent): boolean {
    return this.events.includes(event);
  }
}

/**
 * The merge request's id in stage commands and environment names, e.g.
 * `PipelineStep.deploy(\`review-${MERGE_REQUEST_ID}\`)`. Each renderer binds it to its CI system's
 * merge request number; the local runner to `--merge-request ID`.
 */
export const MERGE_REQUEST_ID = `\${${PIPELINE_DEFAULTS.reviewIdVariable}}`;

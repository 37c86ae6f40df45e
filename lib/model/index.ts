export { DeliveryPipeline } from './delivery-pipeline';
export type { DeliveryPipelineProps } from './delivery-pipeline';
export { PipelineStage } from './pipeline-stage';
export type { PipelineStageProps, StageEnvironment } from './pipeline-stage';
export { PipelineStep } from './pipeline-step';
export type {
  AnsiblePlaybookStepOptions,
  ApproveStepOptions,
  CheckStepOptions,
  StepSettings,
} from './pipeline-step';
export { MERGE_REQUEST_ID, PipelineEvent, StageTrigger } from './stage-trigger';

export * from './delivery-pipeline';
export * from './pipeline-stage';
export * from './pipeline-step';
export * from './stage-trigger';

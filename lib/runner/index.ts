export { LocalRunner, StageResult } from './local-runner';
export type { DeployedStack, LocalRunnerProps, PipelineRun, StageReport } from './local-runner';

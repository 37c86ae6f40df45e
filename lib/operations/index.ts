export { Operations } from './operations';
export type { OperationsProps } from './operations';
export {
  ExitCode,
  InterruptedError,
  OperationError,
  ReportedError,
  UsageError,
} from './private/operation-error';
export type { ProgressEvent, ProgressListener, Prompt } from './private/interaction';
export type { AnsibleOptions, AnsibleResult } from './ansible';
export type {
  ApproveOptions,
  ApproveResult,
  ReleaseByDigest,
  ReleaseById,
  ReleaseByImages,
  ReleaseToApprove,
} from './approve';
export type { CheckOptions, CheckResult, LoadResult, PassedSmokeTest } from './check';
export type { DeployedStack, DeployOptions, DeployResult } from './deploy';
export type { DestroyOptions, DestroyResult } from './destroy';
export type { DoctorCheck, DoctorResult } from './doctor';
export type { DriftOptions, DriftResult, EnvironmentDrift } from './drift';
export type { ExpireReviewsOptions, ExpireReviewsResult } from './expire-reviews';
export type { HistoryOptions } from './history';
export { INIT_DEFAULTS } from './init';
export type { InitOptions, InitResult } from './init';
export type { MigrateStateOptions, MigrateStateResult } from './migrate-state';
export type { ParityOptions } from './parity';
export type { PlannedResource, PlanOptions, PlanResult, StackPlan } from './plan';
export type { RenderedFile, RenderOptions, RenderResult } from './render';
export type { StatusOptions } from './status';
export type { TeardownOptions, TeardownResult } from './teardown';
export type { DriftedResource } from './private/engine-plan';
export type { Deployment, Outcome } from './private/history-store';
export type { EnvironmentStatus, StatusView } from './private/status-view';
export { historyTable, statusMarkdown, statusTable } from './private/status-view';
export { statusHtml } from './private/status-html';
export type { StatusHtmlOptions } from './private/status-html';

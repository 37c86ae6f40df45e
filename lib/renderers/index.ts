export { GithubWorkflowRenderer } from './github-workflow-renderer';
export type { GithubWorkflowRendererProps } from './github-workflow-renderer';
export { GitlabCiRenderer } from './gitlab-ci-renderer';
export type { GitlabCiRendererProps } from './gitlab-ci-renderer';
export type { GithubJob, GithubStep, GithubWorkflowDocument } from './github-workflow-document';
export type {
  GitlabCiDocument,
  GitlabEnvironment,
  GitlabJob,
  GitlabRule,
  GitlabWhen,
} from './gitlab-ci-document';

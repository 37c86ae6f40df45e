export * from './github-workflow-renderer';
export * from './gitlab-ci-renderer';

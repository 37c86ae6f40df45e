export * from './github-workflow-renderer';
export * from './gitlab-ci-renderer';
export * from './github-workflow-document';
export * from './gitlab-ci-document';

export * from './local-docker-provider';

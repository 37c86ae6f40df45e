export * from './constructs';
export * from './model';
export * from './parity';
export * from './renderers';
export * from './runner';
export * from './schema';
export * from './stacks';
export { ConfigurationError } from './private/errors';

export * from './parity-matchers';
export * from './plan-of';

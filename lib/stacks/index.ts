export * from './delivery';
export * from './deployment-target';
export * from './environment-config';
export * from './environment-stack';
export * from './image-stack';
export * from './state-encryption';
export * from './state-store';
export * from './validate-environments';

export * from './environment-parity';

export { releaseId, releaseKey } from './release';
export type { Release } from './release';

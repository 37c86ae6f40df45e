export { parityMatchers } from './parity-matchers';
export { KNOWN_AFTER_APPLY, planOf, SENSITIVE } from './plan-of';
export type { Plan, PlannedChange, PlanOfOptions } from './plan-of';

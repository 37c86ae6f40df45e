import { relative } from 'node:path';

import { PROJECT_ROOT } from './test-app';

/**
 * The seed of every property of a test file (each file loads its own copy of this module):
 * FC_SEED when set, else a random one, so a failure can be replayed with the same runs.
 */
export const PROPERTY_SEED = seedOf(process.env.FC_SEED);

function seedOf(value: string | undefined): number {
  if (value === undefined || value === '') return Math.floor(Math.random() * 2 ** 31);
  if (!/^-?\d+$/.test(value)) throw new Error(`FC_SEED must be an integer, got '${value}'`);
  return Number(value);
}

/** The line a property test file prints when it ends: its seed, how to replay it, and `what`. */
export function seedLine(what: string): string {
  const file = relative(PROJECT_ROOT, expect.getState().testPath ?? '');
  return `fast-check seed ${PROPERTY_SEED} (replay: FC_SEED=${PROPERTY_SEED} scripts/with-env npx jest ${file}); ${what}`;
}

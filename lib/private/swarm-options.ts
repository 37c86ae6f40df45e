import { Token } from 'cdktf';

import type { SwarmOptions } from '../constructs/swarm-service-deployment';

import { DEFAULTS } from './defaults';
import { invalidValue } from './errors';

/** The problems of Swarm options, each naming `subject`; skips unresolved tokens. */
export function swarmOptionProblems(subject: string, options: SwarmOptions): string[] {
  const problems: string[] = [];
  const whole = (field: keyof SwarmOptions, min: number, max: number, meaning = '') => {
    const value = options[field];
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(
        invalidValue(
          subject,
          field,
          `must be a whole number from ${min} to ${max}${meaning}`,
          value,
          `Set ${field} within that range in DeploymentTarget.swarm().`,
        ),
      );
    }
  };
  whole('publishers', 1, DEFAULTS.maxReplicas, ' (one publishing task per node)');
  whole('updateParallelism', 0, DEFAULTS.maxReplicas, ' (0 updates every task at once)');
  whole('monitorSeconds', 1, 600);
  whole('convergeTimeoutSeconds', 10, 3600);
  return problems;
}

import { Token } from 'cdktf';

import type { SwarmOptions } from '../constructs/swarm-service-deployment';

import { DEFAULTS } from './defaults';
import { invalidValue } from './errors';
import { shape } from './shape';

/** What the Swarm options are made of. */
export const SWARM_OPTION_FIELDS = {
  publishers: shape.optional(shape.number),
  placement: shape.optional(shape.list(shape.string)),
  updateParallelism: shape.optional(shape.number),
  monitorSeconds: shape.optional(shape.number),
  convergeTimeoutSeconds: shape.optional(shape.number),
};

/** The problems of Swarm options, each naming `subject`; skips unresolved tokens. */
export function swarmOptionProblems(subject: string, options: SwarmOptions): string[] {
  const problems: string[] = [];
  const whole = (
    field: 'publishers' | 'updateParallelism' | 'monitorSeconds' | 'convergeTimeoutSeconds',
    min: number,
    max: number,
    meaning = '',
  ) => {
    const value: unknown = options[field];
    if (value === undefined || Token.isUnresolved(value)) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
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
  (options.placement ?? []).forEach((constraint, i) => {
    if (typeof constraint === 'string' && Token.isUnresolved(constraint)) return;
    if (typeof constraint !== 'string' || !PLACEMENT.test(constraint)) {
      problems.push(
        invalidValue(
          subject,
          `placement[${i}]`,
          "must be a Swarm placement constraint '<attribute> == <value>' or '<attribute> != <value>' (e.g. 'node.labels.pool == apps', 'node.id == <node ID>')",
          constraint,
          'Write the constraint as docker service create --constraint takes it, in DeploymentTarget.swarm().',
        ),
      );
    }
  });
  return problems;
}

/** What Swarm accepts as a constraint: an attribute, `==` or `!=`, a value. */
const PLACEMENT =
  /^\s*(node\.(id|hostname|role|platform\.(os|arch)|labels\.[^\s=!]+)|engine\.labels\.[^\s=!]+)\s*(==|!=)\s*\S.*$/;
